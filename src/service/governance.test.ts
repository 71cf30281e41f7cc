import assert from 'node:assert/strict';
import { describe, it, beforeEach } from 'node:test';
import { issueApiKey } from '../domain/api-keys/issue-api-key.ts';
import { GatewayError } from '../domain/errors.ts';
import type { UsageRecord } from '../domain/usage/usage-record.ts';
import { MemoryKeyStore } from '../storage/memory/memory-key-store.ts';
import { MemoryRateLimiter } from '../storage/memory/memory-rate-limiter.ts';
import { MemoryUsageLedger } from '../storage/memory/memory-usage-ledger.ts';
import { createGovernance, type Governance, type Principal } from './governance.ts';

const MASTER = 'sk-master-test-0123456789';

function record(keyId: string | null, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: 'req_1', keyId, createdAt: now, modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
    inputTokens: 100, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50, reasoningTokens: 0,
    costUsd: 0.001, latencyMs: 10, ttftMs: null, status: 200, errorCode: null, cancelled: false, stream: false, choices: 1,
    upstreamRequestId: null, rawUsage: null, ...overrides,
  };
}

let now = Date.UTC(2026, 11, 1, 10, 0, 0);
let keyStore: MemoryKeyStore;
let ledger: MemoryUsageLedger;
let rateLimiter: MemoryRateLimiter;
let governance: Governance;

async function expectGatewayError(promise: Promise<unknown> | (() => unknown), code: string): Promise<GatewayError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    assert.ok(error instanceof GatewayError, `expected GatewayError, got ${String(error)}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}`);
}

beforeEach(() => {
  now = Date.UTC(2026, 11, 1, 10, 0, 0);
  keyStore = new MemoryKeyStore();
  ledger = new MemoryUsageLedger();
  rateLimiter = new MemoryRateLimiter(() => now);
  governance = createGovernance({ keyStore, rateLimiter, ledger, masterKey: MASTER, clock: () => now });
});

describe('authenticate', () => {
  it('recognises the master key', async () => {
    const principal = await governance.authenticate(`Bearer ${MASTER}`);
    assert.deepEqual(principal, { kind: 'master' });
    assert.equal(governance.isAdmin(principal), true);
  });

  it('finds a virtual key by its secret and never treats it as admin', async () => {
    const { key, secret } = await issueApiKey(keyStore, { name: 'a' }, now);
    const principal = await governance.authenticate(`bearer ${secret}`);
    assert.equal(principal.kind, 'key');
    assert.equal(principal.kind === 'key' && principal.key.id, key.id);
    assert.equal(governance.isAdmin(principal), false);
  });

  it('throws missing_api_key without a header or token', async () => {
    await expectGatewayError(governance.authenticate(null), 'missing_api_key');
    await expectGatewayError(governance.authenticate('Bearer '), 'missing_api_key');
    await expectGatewayError(governance.authenticate(''), 'missing_api_key');
  });

  it('throws invalid_api_key for unknown, revoked and expired keys, never echoing the secret', async () => {
    const wrong = 'sk-portico-thisIsNotARealKeyAtAll0000000000000';
    const unknown = await expectGatewayError(governance.authenticate(`Bearer ${wrong}`), 'invalid_api_key');
    assert.equal(unknown.message.includes('thisIsNot'), false);
    assert.equal(JSON.stringify(unknown.toBody()).includes('thisIsNot'), false);
    assert.equal(unknown.status, 401);

    const revoked = await issueApiKey(keyStore, { name: 'r' }, now);
    await keyStore.revoke(revoked.key.id, now);
    const error = await expectGatewayError(governance.authenticate(`Bearer ${revoked.secret}`), 'invalid_api_key');
    assert.equal(error.message.includes(revoked.secret.slice(11, 20)), false);

    const expiring = await issueApiKey(keyStore, { name: 'e', expiresAt: now + 1000 }, now);
    await governance.authenticate(`Bearer ${expiring.secret}`);
    now += 1000;
    await expectGatewayError(governance.authenticate(`Bearer ${expiring.secret}`), 'invalid_api_key');
  });

  it('does not accept a prefix of the master key', async () => {
    await expectGatewayError(governance.authenticate(`Bearer ${MASTER.slice(0, -1)}`), 'invalid_api_key');
  });
});

describe('checkModel', () => {
  it('allows when either the requested or the served name matches a glob', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'm', models: ['claude-sonnet-*'] }, now);
    const principal: Principal = { kind: 'key', key };
    governance.checkModel(principal, 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929');
    governance.checkModel(principal, 'my-alias', 'claude-sonnet-4-6');
    const error = await expectGatewayError(() => governance.checkModel(principal, 'claude-opus-4-5', 'claude-opus-4-5-20251101'), 'model_not_allowed');
    assert.equal(error.status, 403);
    assert.equal(error.param, 'model');
  });

  it('allows everything for null allowlists and the master key', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'all' }, now);
    governance.checkModel({ kind: 'key', key }, 'anything', 'anything');
    governance.checkModel({ kind: 'master' }, 'anything', 'anything');
  });
});

describe('admit and settle', () => {
  it('applies no limits to the master key', async () => {
    for (let i = 0; i < 100; i++) assert.deepEqual(await governance.admit({ kind: 'master' }, { estimatedTokens: 1e9, upstreamCalls: 1 }), { headers: {}, reservedTokens: 0 });
    await governance.settle({ kind: 'master' }, null, record(null));
    assert.equal((await ledger.totals({})).requests, 1);
  });

  it('admits exactly rpm requests, then 429 with retry-after and x-ratelimit headers', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'rpm', rpm: 3 }, now);
    const principal: Principal = { kind: 'key', key };
    const first = await governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 4 });
    assert.deepEqual(first.headers, { 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '2', 'x-ratelimit-reset-requests': '20s' });
    await governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 1 });
    await governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 1 });
    const error = await expectGatewayError(governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 1 }), 'rate_limit_exceeded');
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterSeconds, 20);
    assert.equal(error.headers['retry-after'], '20');
    assert.equal(error.headers['x-ratelimit-remaining-requests'], '0');
    assert.equal(error.headers['x-ratelimit-reset-requests'], '1m0s');
    assert.equal(error.message.includes('token'), false);
    now += 20_000;
    await governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 1 });
  });

  it('reserves estimated tokens against tpm and trues up after the call', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'tpm', tpm: 1000 }, now);
    const principal: Principal = { kind: 'key', key };
    const admission = await governance.admit(principal, { estimatedTokens: 600, upstreamCalls: 1 });
    assert.equal(admission.reservedTokens, 600);
    assert.equal(admission.headers['x-ratelimit-remaining-tokens'], '400');
    assert.equal(admission.headers['x-ratelimit-limit-tokens'], '1000');
    const refused = await expectGatewayError(governance.admit(principal, { estimatedTokens: 500, upstreamCalls: 1 }), 'rate_limit_exceeded');
    assert.ok(refused.message.includes('token'));
    assert.equal(refused.headers['retry-after'], '6'); // 100 missing at 1000/min
    // Real usage 150 (100 prompt + 50 completion): 450 refunded → 850 left.
    await governance.settle(principal, admission, record(key.id));
    assert.equal((await rateLimiter.peek({ key: `${key.id}:tpm`, capacity: 1000, windowMs: 60_000 })).remaining, 850);
    await governance.admit(principal, { estimatedTokens: 500, upstreamCalls: 1 });
  });

  it('charges a request that used more than it reserved', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'tpm', tpm: 1000 }, now);
    const principal: Principal = { kind: 'key', key };
    const admission = await governance.admit(principal, { estimatedTokens: 10, upstreamCalls: 1 });
    await governance.settle(principal, admission, record(key.id, { inputTokens: 500, cacheReadTokens: 200, outputTokens: 300 }));
    assert.equal((await rateLimiter.peek({ key: `${key.id}:tpm`, capacity: 1000, windowMs: 60_000 })).remaining, 0);
  });

  it('refuses with insufficient_quota once the period budget is spent, and resets next period', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'budget', budgetUsd: 0.002, budgetPeriod: 'daily', rpm: 100 }, now);
    const principal: Principal = { kind: 'key', key };
    await governance.settle(principal, await governance.admit(principal, { estimatedTokens: 1, upstreamCalls: 1 }), record(key.id, { costUsd: 0.0015 }));
    await governance.settle(principal, await governance.admit(principal, { estimatedTokens: 1, upstreamCalls: 1 }), record(key.id, { costUsd: 0.0015 }));
    const error = await expectGatewayError(governance.admit(principal, { estimatedTokens: 1, upstreamCalls: 1 }), 'insufficient_quota');
    assert.equal(error.status, 429);
    assert.equal(error.headers['x-ratelimit-limit-requests'], '100');
    assert.ok(error.message.includes('2026-12-02T00:00:00.000Z'));
    now = Date.UTC(2026, 11, 2, 0, 0, 1);
    await governance.admit(principal, { estimatedTokens: 1, upstreamCalls: 1 });
  });

  it('lifetime budgets never reset', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'life', budgetUsd: 1 }, now);
    const principal: Principal = { kind: 'key', key };
    await governance.settle(principal, null, record(key.id, { costUsd: 1 }));
    now += 400 * 86_400_000;
    await expectGatewayError(governance.admit(principal, { estimatedTokens: 1, upstreamCalls: 1 }), 'insufficient_quota');
  });

  it('returns no headers for an unlimited key, and records every settle durably', async () => {
    const { key } = await issueApiKey(keyStore, { name: 'free' }, now);
    const principal: Principal = { kind: 'key', key };
    const admission = await governance.admit(principal, { estimatedTokens: 1e6, upstreamCalls: 1 });
    assert.deepEqual(admission, { headers: {}, reservedTokens: 0 });
    await governance.settle(principal, admission, record(key.id));
    assert.equal((await ledger.totals({ keyId: key.id })).requests, 1);
  });

  it('still writes the ledger record when the limiter fails during true-up', async () => {
    const errors: unknown[] = [];
    const broken = new MemoryRateLimiter(() => now);
    broken.adjust = async () => {
      throw new Error('redis down');
    };
    const g = createGovernance({ keyStore, rateLimiter: broken, ledger, masterKey: MASTER, clock: () => now, onBackgroundError: (e) => errors.push(e) });
    const { key } = await issueApiKey(keyStore, { name: 'tpm', tpm: 100 }, now);
    await g.settle({ kind: 'key', key }, { headers: {}, reservedTokens: 1 }, record(key.id));
    assert.equal((await ledger.totals({ keyId: key.id })).requests, 1);
    assert.equal(errors.length, 1);
  });
});

describe('governance across replicas (Postgres + Redis)', async () => {
  const { postgresAvailability, redisAvailability, runId, dropSchema, deleteRedisPrefix } = await import('../../test/contract/backends.ts');
  const { createStorage } = await import('../storage/create-storage.ts');
  const postgres = await postgresAvailability();
  const redis = await redisAvailability();
  const skip = 'skip' in postgres ? postgres.skip : 'skip' in redis ? redis.skip : undefined;

  it('admits exactly rpm in total from a concurrent burst over 3 replicas; revocation is seen by all', { skip }, async () => {
    const databaseUrl = (postgres as { url: string }).url;
    const redisUrl = (redis as { url: string }).url;
    const schema = `portico_test_gov_${runId()}`;
    const redisPrefix = `portico_test:${runId()}:`;
    const storages = await Promise.all([0, 1, 2].map(() => createStorage({ dataDir: '/nonexistent', databaseUrl, redisUrl, databaseSchema: schema, redisPrefix })));
    try {
      const replicas = storages.map((s) => createGovernance({ ...s, masterKey: MASTER }));
      const { secret, key } = await issueApiKey(storages[0].keyStore, { name: 'burst', rpm: 7, tpm: 10_000 }, Date.now());
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, async (_, i) => {
          const g = replicas[i % 3];
          return g.admit(await g.authenticate(`Bearer ${secret}`), { estimatedTokens: 100, upstreamCalls: 1 });
        }),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 7);
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.ok(refused.every((o) => o.reason instanceof GatewayError && o.reason.code === 'rate_limit_exceeded'));
      await storages[1].keyStore.revoke(key.id, Date.now());
      await expectGatewayError(replicas[2].authenticate(`Bearer ${secret}`), 'invalid_api_key');
    } finally {
      await Promise.all(storages.map((s) => s.close()));
      await dropSchema(databaseUrl, schema);
      await deleteRedisPrefix(redisUrl, redisPrefix);
    }
  });
});
