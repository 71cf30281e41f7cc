import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, logRequest } from './logger.ts';
import { testUsageRecord } from './test-record.ts';

function sink(): { stream: Writable; lines: () => string[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const text = () => chunks.join('');
  return { stream, text, lines: () => text().split('\n').filter((l) => l !== '') };
}

const SECRET = 'pk-live-0123456789abcdefSECRET';
const extras = { route: 'chat_completions', overheadMs: 2.25, adjustments: ['ignored:logit_bias'], retries: 1, keyPrefix: 'pk-live-0123' };

test('logRequest writes exactly one JSON line with the documented fields', () => {
  const out = sink();
  const logger = createLogger({ level: 'info', pretty: false, destination: out.stream });
  logRequest(logger, testUsageRecord(), extras);
  const lines = out.lines();
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.equal(line.msg, 'request');
  assert.equal(line.level, 'info');
  assert.equal(line.request_id, 'req_test_1');
  assert.equal(line.key_id, 'key_abc');
  assert.equal(line.key_prefix, 'pk-live-0123');
  assert.equal(line.model_requested, 'claude-sonnet');
  assert.equal(line.model_served, 'claude-sonnet-4-5');
  assert.equal(line.status, 200);
  assert.equal(line.prompt_tokens, 128);
  assert.equal(line.input_tokens, 100);
  assert.equal(line.cache_read_tokens, 20);
  assert.equal(line.cache_write_5m_tokens, 5);
  assert.equal(line.cache_write_1h_tokens, 3);
  assert.equal(line.output_tokens, 50);
  assert.equal(line.reasoning_tokens, 10);
  assert.equal(line.cost_usd, 0.0125);
  assert.equal(line.latency_ms, 1200);
  assert.equal(line.ttft_ms, 300);
  assert.equal(line.cancelled, false);
  assert.deepEqual(line.adjustments, ['ignored:logit_bias']);
  assert.equal(line.upstream_request_id, 'req_upstream_1');
  assert.equal(line.overhead_ms, 2.25);
  assert.equal(line.retries, 1);
  assert.equal('raw_usage' in line, false);
  assert.equal('request_body' in line, false);
});

test('levels: warn for 4xx, error for 5xx and for a stream that broke after 200', () => {
  const out = sink();
  const logger = createLogger({ level: 'info', pretty: false, destination: out.stream });
  logRequest(logger, testUsageRecord({ status: 429, errorCode: 'rate_limit_exceeded' }), extras);
  logRequest(logger, testUsageRecord({ status: 502, errorCode: 'upstream_server_error' }), extras);
  logRequest(logger, testUsageRecord({ status: 200, errorCode: 'upstream_protocol_error' }), extras);
  assert.deepEqual(out.lines().map((l) => (JSON.parse(l) as { level: string }).level), ['warn', 'error', 'error']);
});

test('secrets are redacted by path: authorization, x-api-key, api keys', () => {
  const out = sink();
  const logger = createLogger({ level: 'info', pretty: false, destination: out.stream });
  logger.info({ headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET } }, 'incoming');
  logger.info({ req: { headers: { authorization: `Bearer ${SECRET}` } } }, 'nested');
  logger.info({ authorization: `Bearer ${SECRET}`, apiKey: SECRET, key: SECRET, config: { masterKey: SECRET, anthropicApiKey: SECRET } }, 'config');
  const text = out.text();
  assert.equal(out.lines().length, 3);
  assert.doesNotMatch(text, /SECRET/);
  assert.match(text, /\[Redacted\]/);
});

test('a request line never contains the key even when the record comes from a keyed request', () => {
  const out = sink();
  const logger = createLogger({ level: 'info', pretty: false, destination: out.stream });
  logRequest(logger, testUsageRecord({ rawUsage: { note: SECRET } }), { ...extras, bodies: { request: { api_key: SECRET } } });
  assert.doesNotMatch(out.text(), /SECRET/);
});

test('bodies are logged only when the logger was created with logBodies', () => {
  const quiet = sink();
  logRequest(createLogger({ level: 'info', pretty: false, destination: quiet.stream }), testUsageRecord(), {
    ...extras,
    bodies: { request: { messages: [{ role: 'user', content: 'hello body' }] }, response: { id: 'x' } },
  });
  assert.doesNotMatch(quiet.text(), /hello body/);

  const loud = sink();
  const logger = createLogger({ level: 'info', pretty: false, destination: loud.stream, logBodies: true });
  logRequest(logger.child({ component: 'http' }), testUsageRecord(), {
    ...extras,
    bodies: { request: { messages: [{ role: 'user', content: 'hello body' }] }, response: { id: 'x' } },
  });
  const line = JSON.parse(loud.lines()[0]) as Record<string, unknown>;
  assert.deepEqual(line.request_body, { messages: [{ role: 'user', content: 'hello body' }] });
  assert.equal(line.component, 'http');
});

test('level filters lines; pretty output is human-readable and still redacted', () => {
  const out = sink();
  const logger = createLogger({ level: 'warn', pretty: false, destination: out.stream });
  logRequest(logger, testUsageRecord(), extras);
  assert.equal(out.lines().length, 0);

  const pretty = sink();
  const prettyLogger = createLogger({ level: 'info', pretty: true, destination: pretty.stream });
  prettyLogger.info({ headers: { authorization: `Bearer ${SECRET}` } }, 'hello pretty');
  assert.match(pretty.text(), /INFO/);
  assert.match(pretty.text(), /hello pretty/);
  assert.doesNotMatch(pretty.text(), /SECRET/);
  assert.throws(() => JSON.parse(pretty.lines()[0]));
});
