import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics.ts';
import { testUsageRecord } from './test-record.ts';

const extras = { route: 'chat_completions', overheadMs: 1.5, adjustments: [], retries: 0 };

test('render contains request, token, cost and histogram series after requestFinished', async () => {
  const metrics = createMetrics();
  metrics.requestStarted('chat_completions');
  metrics.requestFinished(testUsageRecord(), extras);
  const text = await metrics.render();
  assert.match(text, /portico_requests_total\{route="chat_completions",model="claude-sonnet-4-5",status="200"\} 1/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="input"\} 100/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="cache_read"\} 20/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="cache_write"\} 8/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="output"\} 50/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="reasoning"\} 10/);
  assert.match(text, /portico_cost_usd_total\{model="claude-sonnet-4-5",key_id="key_abc"\} 0\.0125/);
  assert.match(text, /portico_request_duration_seconds_count\{route="chat_completions",model="claude-sonnet-4-5",stream="true"\} 1/);
  assert.match(text, /portico_request_duration_seconds_bucket\{le="2.5",route="chat_completions",model="claude-sonnet-4-5",stream="true"\} 1/);
  assert.match(text, /portico_time_to_first_token_seconds_sum\{model="claude-sonnet-4-5",stream="true"\} 0\.3/);
  assert.match(text, /portico_gateway_overhead_seconds_bucket\{le="0.0025",route="chat_completions"\} 1/);
  assert.match(text, /portico_in_flight_requests\{route="chat_completions"\} 0/);
  assert.equal(metrics.contentType.startsWith('text/plain'), true);
});

test('master key, unknown model, errors and cancellations', async () => {
  const metrics = createMetrics();
  metrics.requestStarted('chat_completions');
  metrics.requestFinished(testUsageRecord({ keyId: null, modelServed: '', status: 400, errorCode: 'invalid_request', costUsd: 0, ttftMs: null, cancelled: false }), extras);
  metrics.requestStarted('chat_completions');
  metrics.requestFinished(testUsageRecord({ cancelled: true, status: 200, errorCode: null }), extras);
  const text = await metrics.render();
  assert.match(text, /portico_requests_total\{route="chat_completions",model="unknown",status="400"\} 1/);
  assert.match(text, /portico_tokens_total\{model="unknown",key_id="master",type="input"\} 100/);
  assert.match(text, /portico_request_errors_total\{route="chat_completions",code="invalid_request"\} 1/);
  assert.match(text, /portico_cancellations_total\{route="chat_completions",model="claude-sonnet-4-5"\} 1/);
  assert.doesNotMatch(text, /portico_time_to_first_token_seconds_count\{model="unknown"/);
});

test('upstream errors, retries, rate limits, streams and in-flight show in render and snapshot', async () => {
  let now = Date.UTC(2026, 11, 1, 10, 0, 0);
  const metrics = createMetrics({ clock: () => now });
  metrics.requestStarted('chat_completions');
  metrics.requestStarted('chat_completions');
  metrics.streamOpened();
  metrics.upstreamError('overloaded_error');
  metrics.upstreamError('overloaded_error');
  metrics.upstreamError('timeout');
  metrics.retry();
  metrics.rateLimited('tokens');
  metrics.rateLimited('budget');
  now += 90_500;
  let snap = metrics.snapshot();
  assert.deepEqual(snap, {
    uptimeSeconds: 90,
    inFlightRequests: 2,
    openStreams: 1,
    requests: 0,
    errors: 0,
    upstreamErrors: { overloaded_error: 2, timeout: 1 },
    costUsdToday: 0,
  });
  metrics.streamClosed();
  metrics.requestFinished(testUsageRecord({ costUsd: 0.5 }), extras);
  metrics.requestFinished(testUsageRecord({ status: 503, errorCode: 'upstream_overloaded', costUsd: 0 }), extras);
  snap = metrics.snapshot();
  assert.equal(snap.inFlightRequests, 0);
  assert.equal(snap.openStreams, 0);
  assert.equal(snap.requests, 2);
  assert.equal(snap.errors, 1);
  assert.equal(snap.costUsdToday, 0.5);
  // The next UTC day starts from zero.
  now += 86_400_000;
  assert.equal(metrics.snapshot().costUsdToday, 0);

  const text = await metrics.render();
  assert.match(text, /portico_upstream_errors_total\{type="overloaded_error"\} 2/);
  assert.match(text, /portico_upstream_retries_total 1/);
  assert.match(text, /portico_rate_limited_total\{kind="tokens"\} 1/);
  assert.match(text, /portico_rate_limited_total\{kind="budget"\} 1/);
  assert.match(text, /portico_open_streams 0/);
});

test('each instance has its own registry', async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.requestStarted('chat_completions');
  a.requestFinished(testUsageRecord(), extras);
  assert.match(await a.render(), /portico_requests_total\{[^}]*\} 1/);
  assert.doesNotMatch(await b.render(), /portico_requests_total\{/);
  assert.notEqual(a.registry, b.registry);
});

test('default process metrics are opt-in', async () => {
  assert.doesNotMatch(await createMetrics().render(), /portico_process_cpu/);
  assert.match(await createMetrics({ defaultMetrics: true }).render(), /portico_process_cpu_user_seconds_total/);
});

test('no key secret or prefix ever becomes a label', async () => {
  const metrics = createMetrics();
  metrics.requestFinished(testUsageRecord({ keyId: 'key_1' }), extras);
  const text = await metrics.render();
  assert.doesNotMatch(text, /sk-/);
  assert.match(text, /key_id="key_1"/);
});

test('counts kept between scrapes are handed over once: totals grow, never double, gauges show the moment of the scrape', async () => {
  const metrics = createMetrics();
  metrics.requestStarted('chat_completions');
  metrics.requestStarted('chat_completions');
  metrics.streamOpened();
  metrics.requestFinished(testUsageRecord({ costUsd: 0.25 }), extras);
  let text = await metrics.render();
  assert.match(text, /portico_requests_total\{route="chat_completions",model="claude-sonnet-4-5",status="200"\} 1\n/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="output"\} 50\n/);
  assert.match(text, /portico_cost_usd_total\{model="claude-sonnet-4-5",key_id="key_abc"\} 0\.25\n/);
  assert.match(text, /portico_in_flight_requests\{route="chat_completions"\} 1\n/);
  assert.match(text, /portico_open_streams 1\n/);

  // A scrape with nothing new in between changes nothing.
  assert.equal(await metrics.render(), text);

  metrics.requestFinished(testUsageRecord({ costUsd: 0.25 }), extras);
  metrics.requestFinished(testUsageRecord({ status: 429, errorCode: 'rate_limited', costUsd: 0, outputTokens: 0 }), extras);
  metrics.streamClosed();
  text = await metrics.render();
  assert.match(text, /portico_requests_total\{route="chat_completions",model="claude-sonnet-4-5",status="200"\} 2\n/);
  assert.match(text, /portico_requests_total\{route="chat_completions",model="claude-sonnet-4-5",status="429"\} 1\n/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="output"\} 100\n/);
  assert.match(text, /portico_tokens_total\{model="claude-sonnet-4-5",key_id="key_abc",type="input"\} 300\n/);
  assert.match(text, /portico_cost_usd_total\{model="claude-sonnet-4-5",key_id="key_abc"\} 0\.5\n/);
  // Both in-flight requests finished (a third finish does not go below zero).
  assert.match(text, /portico_in_flight_requests\{route="chat_completions"\} 0\n/);
  assert.match(text, /portico_open_streams 0\n/);
  // Every series once: the scrape-time hand-over adds no duplicate lines.
  assert.equal(text.match(/^portico_requests_total\{/gm)?.length, 2);
  assert.equal(text.match(/^# TYPE portico_in_flight_requests gauge$/gm)?.length, 1);
});
