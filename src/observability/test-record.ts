import type { UsageRecord } from '../domain/usage/usage-record.ts';

/** A complete UsageRecord for tests; override what the test is about. */
export function testUsageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: 'req_test_1',
    keyId: 'key_abc',
    createdAt: Date.UTC(2026, 11, 1, 9, 0, 0),
    modelRequested: 'claude-sonnet',
    modelServed: 'claude-sonnet-4-5',
    inputTokens: 100,
    cacheReadTokens: 20,
    cacheWrite5mTokens: 5,
    cacheWrite1hTokens: 3,
    outputTokens: 50,
    reasoningTokens: 10,
    costUsd: 0.0125,
    latencyMs: 1200,
    ttftMs: 300,
    status: 200,
    errorCode: null,
    cancelled: false,
    stream: true,
    choices: 1,
    upstreamRequestId: 'req_upstream_1',
    rawUsage: { input_tokens: 100 },
    ...overrides,
  };
}
