import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import type { UsageTotals } from '../../domain/usage/usage-ledger.ts';
import { createMetrics } from '../../observability/metrics.ts';
import { testUsageRecord } from '../../observability/test-record.ts';
import { bearerTokenAuthorizer, createMetricsRoute, createStatsRoute, type StatsBody } from './metrics.ts';

const extras = { route: 'chat_completions', overheadMs: 1, adjustments: [], retries: 0 };

function appWith(tokens: string[]) {
  const metrics = createMetrics();
  const app = new Hono();
  app.route('/metrics', createMetricsRoute({ metrics, authorize: bearerTokenAuthorizer([...tokens, undefined, '']) }));
  return { app, metrics };
}

test('GET /metrics without a token is 401 with an OpenAI error body', async () => {
  const { app } = appWith(['master-key']);
  const res = await app.request('/metrics');
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { type: string; code: string } };
  assert.equal(body.error.code, 'invalid_api_key');
  assert.equal(typeof (body.error as { message?: unknown }).message, 'string');
});

test('GET /metrics with a wrong token is 401; empty configured tokens never match', async () => {
  const { app } = appWith(['master-key']);
  assert.equal((await app.request('/metrics', { headers: { authorization: 'Bearer nope' } })).status, 401);
  assert.equal((await app.request('/metrics', { headers: { authorization: 'Bearer ' } })).status, 401);
  assert.equal((await app.request('/metrics', { headers: { authorization: 'master-key' } })).status, 401);
});

test('GET /metrics with the master key or the metrics token renders Prometheus text', async () => {
  const { app, metrics } = appWith(['master-key', 'metrics-token']);
  metrics.requestStarted('chat_completions');
  metrics.requestFinished(testUsageRecord(), extras);
  for (const token of ['master-key', 'metrics-token']) {
    const res = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /portico_requests_total\{route="chat_completions",model="claude-sonnet-4-5",status="200"\} 1/);
  }
});

test('GET /admin/stats returns the live snapshot in snake_case', async () => {
  const metrics = createMetrics({ clock: () => Date.UTC(2026, 11, 1, 10) });
  metrics.requestStarted('chat_completions');
  metrics.upstreamError('overloaded_error');
  const app = new Hono();
  app.route('/admin/stats', createStatsRoute({ metrics, clock: () => Date.UTC(2026, 11, 1, 10, 0, 5) }));
  const res = await app.request('/admin/stats');
  assert.equal(res.status, 200);
  const body = (await res.json()) as StatsBody;
  assert.equal(body.in_flight_requests, 1);
  assert.equal(body.uptime_seconds, 0);
  assert.deepEqual(body.upstream_errors, { overloaded_error: 1 });
  assert.equal(body.cost_source, 'process');
  assert.equal(body.now, '2026-12-01T10:00:05.000Z');
});

test('GET /admin/stats takes spend today from the ledger when given, and survives a failing ledger', async () => {
  const metrics = createMetrics();
  let since: number | undefined;
  const totals = { requests: 7, errors: 1, cost_usd: 1.25 } as UsageTotals;
  const now = Date.UTC(2026, 11, 1, 10, 30);
  const app = new Hono();
  app.route('/ok', createStatsRoute({ metrics, clock: () => now, ledger: { totals: async (q) => ((since = q.since), totals) } }));
  app.route('/down', createStatsRoute({ metrics, ledger: { totals: async () => Promise.reject(new Error('db down')) } }));
  const ok = (await (await app.request('/ok')).json()) as StatsBody;
  assert.equal(since, Date.UTC(2026, 11, 1));
  assert.equal(ok.cost_usd_today, 1.25);
  assert.equal(ok.cost_source, 'ledger');
  assert.deepEqual(ok.today, { requests: 7, errors: 1, cost_usd: 1.25 });
  const down = await app.request('/down');
  assert.equal(down.status, 200);
  assert.equal(((await down.json()) as StatsBody).cost_source, 'process');
});
