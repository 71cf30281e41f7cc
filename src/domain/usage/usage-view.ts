import { promptTokensOf, type UsageRecord } from './usage-record.ts';

/**
 * The token, cost and timing fields of a record under their external (snake_case) names: shared by
 * the admin/export view, the request log line and the ledger's row, so the three never drift.
 */
export function usageFields(record: UsageRecord) {
  return {
    input_tokens: record.inputTokens,
    cache_read_tokens: record.cacheReadTokens,
    cache_write_5m_tokens: record.cacheWrite5mTokens,
    cache_write_1h_tokens: record.cacheWrite1hTokens,
    output_tokens: record.outputTokens,
    reasoning_tokens: record.reasoningTokens,
    cost_usd: record.costUsd,
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
  };
}

/** A ledger record as the admin API, the dashboard and `portico usage export` show it (snake_case, unix seconds). */
export function toRequestObject(record: UsageRecord): Record<string, unknown> {
  return {
    request_id: record.requestId,
    key_id: record.keyId,
    created_at: Math.floor(record.createdAt / 1000),
    created_at_ms: record.createdAt,
    model_requested: record.modelRequested,
    model: record.modelServed,
    prompt_tokens: promptTokensOf(record),
    completion_tokens: record.outputTokens,
    ...usageFields(record),
    status: record.status,
    error_code: record.errorCode,
    cancelled: record.cancelled,
    stream: record.stream,
    choices: record.choices,
    upstream_request_id: record.upstreamRequestId,
  };
}
