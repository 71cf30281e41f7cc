/**
 * Every upstream fault has one defined, OpenAI-shaped outcome, and none hangs or kills the process.
 * Before the first byte: a status and an error envelope. After it: an in-band error payload and no
 * clean finish_reason. Run once per upstream transport (faults.e2e.test.ts: Node's undici, with push
 * streams; faults-fetch.e2e.test.ts: the portable fetch transport, with pull streams, as on Workers).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startGateway, type GatewayOptions, type RunningGateway } from '../helpers/gateway.ts';
import { startE2e, stopE2e } from '../helpers/e2e.ts';

export function faultSuite(transport: NonNullable<GatewayOptions['transport']>): void {
let fake: FakeAnthropic;
let gateway: RunningGateway;
let client: OpenAI;

// Short timeouts so every fault resolves in about a second.
const env = {
  PORTICO_UPSTREAM_TIMEOUT_MS: '1500',
  PORTICO_STREAM_IDLE_TIMEOUT_MS: '1500',
  PORTICO_KEEPALIVE_MS: '200',
  PORTICO_MAX_RETRIES: '2',
};
before(async () => ({ fake, gateway, client } = await startE2e({ env, transport })));
after(() => stopE2e({ fake, gateway }));
beforeEach(() => fake.reset());

const ask = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'hi' }] };

async function post(body: unknown): Promise<Response> {
  return fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Reads a raw SSE body to the end; returns the `data:` payloads and whether comments were seen. */
async function readSse(response: Response): Promise<{ data: string[]; comments: number; raw: string }> {
  const raw = await response.text();
  const data: string[] = [];
  let comments = 0;
  for (const event of raw.split('\n\n')) {
    if (event.startsWith(':')) comments++;
    else if (event.startsWith('data: ')) data.push(event.slice(6));
  }
  return { data, comments, raw };
}

describe('before the first byte', () => {
  test('500 then success: retried transparently', async () => {
    fake.enqueue({ kind: 'status', status: 500, errorType: 'api_error', message: 'Internal server error' });
    const completion = await client.chat.completions.create(ask);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.equal(fake.requests.length, 2);
  });

  test('529 overloaded, every attempt: 503, distinguishable from a rate limit', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue({ kind: 'status', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    const response = await post(ask);
    assert.equal(response.status, 503);
    const body = (await response.json()) as { error: { code: string; type: string } };
    assert.equal(body.error.code, 'server_is_overloaded');
    assert.equal(fake.requests.length, 3);
  });

  test('429 with retry-after: forwarded with the rate-limit headers once retries are spent', async () => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue({
        kind: 'status',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '0', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0' },
      });
    }
    const response = await post(ask);
    assert.equal(response.status, 429);
    assert.ok(response.headers.get('retry-after') !== null);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'rate_limit_exceeded');
  });

  test('upstream 401 is the gateway credential fault: 502, never the client 401', async () => {
    fake.enqueue({ kind: 'status', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
    const response = await post(ask);
    assert.equal(response.status, 502);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'upstream_authentication_error');
  });

  test('upstream 400 message is carried through', async () => {
    fake.enqueue({ kind: 'status', status: 400, errorType: 'invalid_request_error', message: 'prompt is too long: 300000 tokens > 200000 maximum' });
    const response = await post(ask);
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { message: string; code: string } };
    assert.match(body.error.message, /prompt is too long/);
    assert.equal(body.error.code, 'context_length_exceeded');
  });

  test('connection reset on every attempt: 502', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue({ kind: 'reset' });
    const response = await post(ask);
    assert.equal(response.status, 502);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'upstream_connection_error');
  });

  test('an upstream that never answers: 504 after the timeout', async () => {
    fake.enqueue({ kind: 'hang' });
    const response = await post(ask);
    assert.equal(response.status, 504);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'timeout');
  });

  test('a 200 whose body is not JSON: 502 upstream_protocol_error', async () => {
    fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '<html>oops</html>' });
    const response = await post({ ...ask, max_tokens: 100 });
    assert.equal(response.status, 502);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'upstream_protocol_error');
  });

  test('a stream request answered with JSON instead of SSE: 502', async () => {
    fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
    const response = await post({ ...ask, stream: true });
    assert.equal(response.status, 502);
  });

  test('an unknown claude- model the upstream does not have: 404 model_not_found', async () => {
    const response = await post({ ...ask, model: 'claude-nonexistent-9' });
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'model_not_found');
  });

  test('a stream request that never gets headers: 504 too', async () => {
    fake.enqueue({ kind: 'hang' });
    const response = await post({ ...ask, stream: true });
    assert.equal(response.status, 504);
  });
});

describe('long non-streaming requests are streamed upstream', () => {
  test('large max_tokens: streamed upstream, assembled; short ones are plain JSON calls', async () => {
    const long = await client.chat.completions.create(ask);
    assert.equal(long.choices[0]!.message.content, 'Hello from the fake upstream.');
    assert.equal(fake.requests[0]!.body.stream, true);
    await client.chat.completions.create({ ...ask, max_tokens: 100 });
    assert.equal(fake.requests[1]!.body.stream, undefined);
  });

  test('a mid-stream failure of an assembled request is still retried (nothing reached the client)', async () => {
    fake.enqueue({ kind: 'midstream-error', afterDeltas: 1, errorType: 'overloaded_error' });
    const completion = await client.chat.completions.create(ask);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.equal(fake.requests.length, 2);
  });

  test('an assembled request whose upstream goes silent: 504', async () => {
    fake.enqueue({ kind: 'silent-then-reply', silentMs: 5000 });
    const response = await post(ask);
    assert.equal(response.status, 504);
  });
});

describe('after the first byte', () => {
  for (const scenario of [
    { kind: 'midstream-error', afterDeltas: 1, errorType: 'overloaded_error' } as const,
    { kind: 'midstream-error', afterDeltas: 1, errorType: 'api_error' } as const,
    { kind: 'eof-without-stop', afterDeltas: 2 } as const,
    { kind: 'malformed-sse', afterDeltas: 1 } as const,
  ]) {
    test(`${scenario.kind}${'errorType' in scenario ? ` (${scenario.errorType})` : ''}: in-band error, [DONE], no finish_reason`, async () => {
      fake.enqueue(scenario);
      const response = await post({ ...ask, stream: true });
      assert.equal(response.status, 200);
      const { data } = await readSse(response);
      assert.equal(data.at(-1), '[DONE]');
      const errorPayload = JSON.parse(data.at(-2)!) as { error: { message: string; type: string; param: unknown; code: unknown } };
      assert.ok(errorPayload.error.message);
      assert.ok(errorPayload.error.type);
      for (const payload of data.slice(0, -2)) {
        const chunk = JSON.parse(payload) as OpenAI.ChatCompletionChunk;
        assert.equal(chunk.choices[0]?.finish_reason ?? null, null);
      }
    });
  }

  test('a silent upstream gets keep-alive comments, then an in-band timeout', async () => {
    fake.enqueue({ kind: 'silent-then-reply', silentMs: 5000 });
    const response = await post({ ...ask, stream: true });
    const { data, comments } = await readSse(response);
    assert.ok(comments >= 2, `expected keep-alives, saw ${comments}`);
    assert.equal(data.at(-1), '[DONE]');
    const errorPayload = JSON.parse(data.at(-2)!) as { error: { code: string } };
    assert.equal(errorPayload.error.code, 'timeout');
  });

  test('a slow but alive upstream is kept alive with comments and finishes cleanly', async () => {
    fake.enqueue({ kind: 'silent-then-reply', silentMs: 700 });
    const response = await post({ ...ask, stream: true });
    const { data, comments } = await readSse(response);
    assert.ok(comments >= 1);
    assert.equal(data.at(-1), '[DONE]');
    const last = JSON.parse(data.at(-2)!) as OpenAI.ChatCompletionChunk;
    assert.equal(last.choices[0]!.finish_reason, 'stop');
  });

  test('the gateway is still healthy after all of this', async () => {
    const completion = await client.chat.completions.create(ask);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
  });
});

describe('the gateway itself failing mid-stream', () => {
  test('a ledger that cannot record ends the stream with an in-band error, never a clean finish', async () => {
    const own = await startGateway({ upstreamUrl: fake.url, transport });
    try {
      fake.enqueue({ kind: 'reply', chunks: 6, delayMs: 100 });
      const response = await fetch(`${own.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${own.masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask, stream: true }),
      });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.ok(!first.done);
      await own.built.close(); // the database goes away under the stream
      let raw = new TextDecoder().decode(first.value);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        raw += new TextDecoder().decode(value);
      }
      const data = raw.split('\n\n').filter((event) => event.startsWith('data: ')).map((event) => event.slice(6));
      assert.equal(data.at(-1), '[DONE]');
      assert.ok((JSON.parse(data.at(-2)!) as { error?: unknown }).error, 'an in-band error payload');
      for (const payload of data.slice(0, -2)) {
        assert.equal((JSON.parse(payload) as OpenAI.ChatCompletionChunk).choices[0]?.finish_reason ?? null, null);
      }
    } finally {
      await own.close().catch(() => undefined);
    }
  });
});

describe('many clients leaving at once', () => {
  test('30 streams aborted at random points: every upstream is cancelled, the gateway stays healthy', async () => {
    for (let i = 0; i < 30; i++) fake.enqueue({ kind: 'reply', chunks: 40, delayMs: 20 });
    const runs = Array.from({ length: 30 }, async (_, i) => {
      const controller = new AbortController();
      const response = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask, stream: true }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      // Leave after 1..6 reads.
      for (let reads = 0; reads < 1 + (i % 6); reads++) await reader.read();
      controller.abort();
    });
    await Promise.all(runs.map((run) => run.catch(() => undefined)));
    await fake.waitForAborts(30, 10_000);
    const health = await fetch(`${gateway.url}/health`);
    assert.equal(health.status, 200);
    const completion = await client.chat.completions.create({ ...ask, max_tokens: 50 });
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
  });
});
}
