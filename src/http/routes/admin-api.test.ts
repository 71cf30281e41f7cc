import assert from 'node:assert/strict';
import { describe, it, beforeEach } from 'node:test';
import { Hono } from 'hono';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { createGovernance } from '../../service/governance.ts';
import { MemoryKeyStore } from '../../storage/memory/memory-key-store.ts';
import { MemoryRateLimiter } from '../../storage/memory/memory-rate-limiter.ts';
import { MemoryUsageLedger } from '../../storage/memory/memory-usage-ledger.ts';
import { createAdminApi, requireMasterKey } from './admin-api.ts';

const MASTER = 'sk-master-admin-test';
let now = Date.UTC(2026, 11, 1, 10, 0, 0);
let keyStore: MemoryKeyStore;
let ledger: MemoryUsageLedger;
let api: Hono;

function record(keyId: string | null, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: `req_${Math.random()}`, keyId, createdAt: now, modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
    inputTokens: 100, cacheReadTokens: 10, cacheWrite5mTokens: 4, cacheWrite1hTokens: 1, outputTokens: 50, reasoningTokens: 0,
    costUsd: 0.5, latencyMs: 10, ttftMs: 5, status: 200, errorCode: null, cancelled: false, stream: true, choices: 1,
    upstreamRequestId: 'up_1', rawUsage: null, ...overrides,
  };
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await api.request(path, init);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, text };
}

beforeEach(() => {
  now = Date.UTC(2026, 11, 1, 10, 0, 0);
  keyStore = new MemoryKeyStore();
  ledger = new MemoryUsageLedger();
  api = createAdminApi({ keyStore, ledger, clock: () => now });
});

describe('admin API: keys', () => {
  it('creates a key, returning the secret once, and never again', async () => {
    const created = await call('POST', '/keys', {
      name: 'search team', models: ['claude-sonnet-*'], rpm: 60, tpm: 100000, budget_usd: 25, budget_period: 'monthly',
      expires_at: '2027-01-01T00:00:00Z', metadata: { team: 'search' },
    });
    assert.equal(created.status, 201);
    const key = created.json;
    assert.match(key.key, /^sk-portico-[A-Za-z0-9_-]{43}$/);
    assert.ok(key.key.startsWith(key.prefix));
    assert.match(key.id, /^key_[0-9a-f]{24}$/);
    assert.deepEqual(
      { ...key, key: undefined, id: undefined, prefix: undefined },
      {
        object: 'api_key', name: 'search team', models: ['claude-sonnet-*'], rpm: 60, tpm: 100000, budget_usd: 25, budget_period: 'monthly',
        expires_at: Date.UTC(2027, 0, 1) / 1000, metadata: { team: 'search' }, created_at: now / 1000, revoked_at: null, spend_usd: 0,
        status: 'active', key: undefined, id: undefined, prefix: undefined,
      },
    );
    const listed = await call('GET', '/keys');
    assert.equal(listed.status, 200);
    assert.equal(listed.json.data.length, 1);
    assert.equal(listed.json.data[0].id, key.id);
    assert.equal(listed.text.includes(key.key), false);
    assert.equal('key' in listed.json.data[0], false);
    const one = await call('GET', `/keys/${key.id}`);
    assert.equal(one.json.name, 'search team');
    assert.equal(one.text.includes(key.key), false);
  });

  it('accepts unix seconds for expires_at and defaults for the rest', async () => {
    const created = await call('POST', '/keys', { name: 'x', expires_at: now / 1000 + 3600 });
    assert.equal(created.status, 201);
    assert.equal(created.json.expires_at, now / 1000 + 3600);
    assert.equal(created.json.models, null);
    assert.equal(created.json.rpm, null);
    assert.deepEqual(created.json.metadata, {});
  });

  it('rejects bad input with a 400 naming the param', async () => {
    const cases: Array<[unknown, string | null]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', rpm: 0 }, 'rpm'],
      [{ name: 'x', rpm: 1.5 }, 'rpm'],
      [{ name: 'x', tpm: '100' }, 'tpm'],
      [{ name: 'x', budget_usd: -1 }, 'budget_usd'],
      [{ name: 'x', budget_period: 'weekly', budget_usd: 1 }, 'budget_period'],
      [{ name: 'x', budget_period: 'daily' }, 'budget_period'],
      [{ name: 'x', models: 'claude-*' }, 'models'],
      [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
      [{ name: 'x', expires_at: '2020-01-01' }, 'expires_at'],
      [{ name: 'x', metadata: [1] }, 'metadata'],
      [{ name: 'x', budget: 5 }, 'budget'],
      [[1, 2], null],
    ];
    for (const [body, param] of cases) {
      const response = await call('POST', '/keys', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.json.error.type, 'invalid_request_error');
      assert.equal(response.json.error.param, param, JSON.stringify(body));
    }
    const broken = await call('POST', '/keys', '{"name":');
    assert.equal(broken.status, 400);
    assert.equal(broken.json.error.code, 'invalid_json');
    assert.equal((await keyStore.list()).length, 0);
  });

  it('patches limits; null clears; unknown id → 404', async () => {
    const { json: key } = await call('POST', '/keys', { name: 'p', rpm: 10, budget_usd: 5 });
    const patched = await call('PATCH', `/keys/${key.id}`, { rpm: 20, budget_usd: null, models: ['claude-haiku-*'], name: 'renamed' });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.rpm, 20);
    assert.equal(patched.json.budget_usd, null);
    assert.deepEqual(patched.json.models, ['claude-haiku-*']);
    assert.equal(patched.json.name, 'renamed');
    assert.equal('key' in patched.json, false);
    assert.equal((await call('PATCH', `/keys/${key.id}`, { rpm: -1 })).json.error.param, 'rpm');
    const missing = await call('PATCH', '/keys/key_nope', { rpm: 1 });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'not_found');
    assert.equal((await call('GET', '/keys/key_nope')).status, 404);
    assert.equal((await call('DELETE', '/keys/key_nope')).status, 404);
  });

  it('revokes with DELETE (idempotent)', async () => {
    const { json: key } = await call('POST', '/keys', { name: 'd' });
    const deleted = await call('DELETE', `/keys/${key.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json.deleted, true);
    assert.equal(deleted.json.revoked_at, now / 1000);
    assert.equal(deleted.json.status, 'revoked');
    now += 5000;
    assert.equal((await call('DELETE', `/keys/${key.id}`)).json.revoked_at, (now - 5000) / 1000);
  });

  it('shows current-period spend on key objects', async () => {
    const { json: key } = await call('POST', '/keys', { name: 's', budget_usd: 10, budget_period: 'daily' });
    await ledger.record(record(key.id, { createdAt: now - 86_400_000, costUsd: 3 }));
    await ledger.record(record(key.id, { costUsd: 1.25 }));
    assert.equal((await call('GET', `/keys/${key.id}`)).json.spend_usd, 1.25);
  });
});

describe('admin API: usage and requests', () => {
  it('returns totals at the top level, per key and time range', async () => {
    const { json: key } = await call('POST', '/keys', { name: 'u' });
    await ledger.record(record(key.id));
    await ledger.record(record(key.id, { createdAt: now + 1000, modelServed: 'claude-haiku-4-5', costUsd: 0.25 }));
    await ledger.record(record(null, { costUsd: 100 }));
    const usage = await call('GET', `/usage?key_id=${key.id}`);
    assert.equal(usage.status, 200);
    assert.equal(usage.json.key_id, key.id);
    assert.equal(usage.json.requests, 2);
    assert.equal(usage.json.prompt_tokens, 230);
    assert.equal(usage.json.completion_tokens, 100);
    assert.equal(usage.json.cache_read_tokens, 20);
    assert.equal(usage.json.cache_write_tokens, 10);
    assert.equal(usage.json.cost_usd, 0.75);
    assert.equal((await call('GET', '/usage')).json.requests, 3);
    const since = await call('GET', `/usage?key_id=${key.id}&since=${now / 1000 + 1}`);
    assert.equal(since.json.requests, 1);
    const until = await call('GET', `/usage?key_id=${key.id}&until=2026-12-01T10:00:01Z`);
    assert.equal(until.json.requests, 1);
    assert.equal((await call('GET', `/usage?key_id=${key.id}&since=2026-12-02`)).json.requests, 0);
  });

  it('groups by model and by day', async () => {
    const { json: key } = await call('POST', '/keys', { name: 'g' });
    await ledger.record(record(key.id));
    await ledger.record(record(key.id, { modelServed: 'claude-haiku-4-5', createdAt: now + 86_400_000 }));
    const byModel = await call('GET', `/usage?key_id=${key.id}&group_by=model`);
    assert.equal(byModel.json.requests, 2);
    assert.deepEqual(byModel.json.data.map((g: any) => [g.model, g.requests]), [['claude-haiku-4-5', 1], ['claude-sonnet-4-5-20250929', 1]]);
    const byDay = await call('GET', `/usage?key_id=${key.id}&group_by=day`);
    assert.deepEqual(byDay.json.data.map((g: any) => [g.day, g.cost_usd]), [['2026-12-01', 0.5], ['2026-12-02', 0.5]]);
  });

  it('rejects bad usage parameters', async () => {
    assert.equal((await call('GET', '/usage?since=yesterday')).json.error.param, 'since');
    assert.equal((await call('GET', '/usage?until=12-01-2026')).json.error.param, 'until');
    assert.equal((await call('GET', '/usage?group_by=hour')).json.error.param, 'group_by');
    assert.equal((await call('GET', '/usage?since=2026-12-02&until=2026-12-01')).json.error.param, 'until');
    const unknown = await call('GET', '/usage?key_id=key_nope');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.param, 'key_id');
  });

  it('lists recent requests, newest first, limited and filtered', async () => {
    const { json: key } = await call('POST', '/keys', { name: 'r' });
    for (let i = 0; i < 3; i++) await ledger.record(record(key.id, { requestId: `r${i}`, createdAt: now + i }));
    await ledger.record(record(null, { requestId: 'master', createdAt: now + 10 }));
    const all = await call('GET', '/requests');
    assert.deepEqual(all.json.data.map((r: any) => r.request_id), ['master', 'r2', 'r1', 'r0']);
    const limited = await call('GET', `/requests?limit=2&key_id=${key.id}`);
    assert.deepEqual(limited.json.data.map((r: any) => r.request_id), ['r2', 'r1']);
    assert.equal(limited.json.data[0].prompt_tokens, 115);
    assert.equal(limited.json.data[0].model, 'claude-sonnet-4-5-20250929');
    assert.equal((await call('GET', '/requests?limit=0')).json.error.param, 'limit');
    assert.equal((await call('GET', '/requests?limit=abc')).status, 400);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const response = await call('GET', '/nope');
    assert.equal(response.status, 404);
    assert.equal(response.json.error.code, 'not_found');
  });
});

describe('admin API mounted behind the master key', () => {
  it('403 admin_only for virtual keys, 401 for revoked keys, works with the master key', async () => {
    const governance = createGovernance({ keyStore, ledger, rateLimiter: new MemoryRateLimiter(), masterKey: MASTER });
    const app = new Hono();
    app.use('/admin/*', requireMasterKey(governance));
    app.route('/admin', api);
    app.onError((error: any) => new Response(JSON.stringify(error.toBody()), { status: error.status }));
    const asMaster = { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' };
    const created = await app.request('/admin/keys', { method: 'POST', headers: asMaster, body: JSON.stringify({ name: 'v' }) });
    assert.equal(created.status, 201);
    const { key: secret, id } = (await created.json()) as { key: string; id: string };
    const asKey = await app.request('/admin/keys', { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(asKey.status, 403);
    assert.equal(((await asKey.json()) as any).error.code, 'insufficient_permissions');
    assert.equal((await app.request('/admin/keys')).status, 401);
    assert.equal((await app.request(`/admin/keys/${id}`, { method: 'DELETE', headers: asMaster })).status, 200);
    const revoked = await app.request('/admin/keys', { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(revoked.status, 401);
    assert.equal(JSON.stringify(await revoked.json()).includes(secret.slice(11)), false);
  });
});
