/**
 * The official `openai` SDK against the running gateway, against a strict fake Anthropic upstream.
 * The SDK's behaviour is the acceptance criterion.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI, { APIError } from 'openai';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { startE2e, stopE2e } from '../helpers/e2e.ts';

let fake: FakeAnthropic;
let gateway: RunningGateway;
let client: OpenAI;

before(async () => ({ fake, gateway, client } = await startE2e()));
after(() => stopE2e({ fake, gateway }));
beforeEach(() => fake.reset());

describe('non-streaming', () => {
  test('the seed request: default model name, chat.completion shape, usage', async () => {
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'claude-3-5-sonnet-20241022', messages: [{ role: 'user', content: 'What is the capital of France?' }] })
      .withResponse();
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'claude-3-5-sonnet-20241022');
    assert.equal(typeof completion.created, 'number');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0]!.message.role, 'assistant');
    assert.equal(completion.choices[0]!.message.content, 'Hello from the fake upstream.');
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.equal(completion.choices[0]!.logprobs, null);
    assert.ok(completion.usage!.prompt_tokens > 0);
    assert.equal(completion.usage!.total_tokens, completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    // The retired id was remapped to a live model, and the gateway says so.
    const upstreamModel = fake.requests[0]!.body.model as string;
    assert.notEqual(upstreamModel, 'claude-3-5-sonnet-20241022');
    assert.match(response.headers.get('x-portico-adjustments') ?? '', /model/);
    assert.equal(response.headers.get('x-portico-model'), upstreamModel);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    assert.ok(Number(response.headers.get('x-portico-cost-usd')) > 0);
    // max_tokens was injected (Anthropic requires it), never a small trap value.
    assert.ok((fake.requests[0]!.body.max_tokens as number) >= 8192);
  });

  test('omitted model uses the default', async () => {
    const completion = await client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as never);
    assert.equal((completion as OpenAI.ChatCompletion).model, 'claude-3-5-sonnet-20241022');
  });

  test('n=2 fans out two upstream calls and sums usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      n: 2,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(
      completion.choices.map((c) => c.index),
      [0, 1],
    );
    const single = Math.ceil(0); // placeholder to keep types simple
    void single;
    assert.equal(completion.usage!.total_tokens, completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    assert.ok(completion.usage!.prompt_tokens >= 2);
  });
});

describe('streaming', () => {
  test('default: role first, one id, content deltas, usage on the finish chunk, [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: 'Tell me a story' }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length >= 3);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'Hello from the fake upstream.');
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices[0]!.delta, {});
    assert.equal(last.choices[0]!.finish_reason, 'stop');
    assert.ok(last.usage && last.usage.total_tokens > 0);
    assert.equal(chunks.filter((c) => c.choices[0]?.finish_reason).length, 1);
  });

  test('include_usage: usage null on every chunk, then exactly one choices:[] usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const usageChunks = chunks.filter((c) => c.usage);
    assert.equal(usageChunks.length, 1);
    assert.deepEqual(usageChunks[0]!.choices, []);
    assert.equal(chunks.at(-1), usageChunks[0]);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null);
  });

  test('n=2 streams interleave by choice index, one usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      n: 2,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ['', ''];
    let finishes = 0;
    let usages = 0;
    for await (const chunk of stream) {
      if (chunk.usage) usages++;
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason) finishes++;
      }
    }
    assert.deepEqual(texts, ['Hello from the fake upstream.', 'Hello from the fake upstream.']);
    assert.equal(finishes, 2);
    assert.equal(usages, 1);
  });

  test('mid-stream upstream error: the SDK throws, no clean finish', async () => {
    fake.enqueue({ kind: 'midstream-error', afterDeltas: 2, errorType: 'overloaded_error' });
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const seen: OpenAI.ChatCompletionChunk[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
      (error: unknown) => error instanceof APIError,
    );
    assert.ok(seen.length >= 1);
    assert.equal(seen.filter((c) => c.choices[0]?.finish_reason).length, 0);
  });

  test('client abort mid-stream cancels the upstream request', async () => {
    fake.enqueue({ kind: 'reply', chunks: 50, delayMs: 50 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    let count = 0;
    // The SDK ends the loop quietly on abort (or throws an APIUserAbortError, depending on timing).
    try {
      for await (const _ of stream) {
        if (++count === 3) controller.abort();
      }
    } catch (error) {
      assert.match(String((error as Error).name), /Abort/);
    }
    assert.equal(count, 3);
    await fake.waitForAborts(1, 5000);
    assert.equal(fake.requests[0]!.aborted, true);
  });

  test('client abort before upstream headers cancels the upstream request', async () => {
    fake.enqueue({ kind: 'hang', ms: 10_000 });
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(pending);
    await fake.waitForAborts(1, 5000);
  });

  test('client abort of a non-streaming request cancels the upstream request', async () => {
    fake.enqueue({ kind: 'hang', ms: 10_000 });
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(pending);
    await fake.waitForAborts(1, 5000);
  });
});

describe('errors', () => {
  test('a bad parameter is a 400 naming the field', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal((error as APIError).param, 'temperature');
        assert.equal((error as APIError).type, 'invalid_request_error');
        return true;
      },
    );
    await assert.rejects(
      client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }, { role: 'usr' as never, content: 'x' }] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && (error as APIError).param === 'messages[1].role',
    );
    assert.equal(fake.requests.length, 0);
  });

  test('a wrong key is a 401 invalid_api_key that never echoes the key', async () => {
    const bad = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-wrong-secret-value', maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal((error as APIError).code, 'invalid_api_key');
      assert.doesNotMatch(JSON.stringify((error as APIError).error), /sk-wrong-secret-value/);
      return true;
    });
  });

  test('an unknown model is a 404 model_not_found', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-nonexistent', messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && (error as APIError).code === 'model_not_found',
    );
  });

  test('malformed JSON, a non-object body and an oversized body get clear 400/413s', async () => {
    const post = (body: string) =>
      fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
        body,
      });
    const malformed = await post('{"model": ');
    assert.equal(malformed.status, 400);
    const malformedBody = (await malformed.json()) as { error: { type: string; message: string; param: unknown; code: unknown } };
    assert.equal(malformedBody.error.type, 'invalid_request_error');
    assert.ok('param' in malformedBody.error && 'code' in malformedBody.error);
    assert.equal((await post('[1,2]')).status, 400);
    assert.equal((await post('"hello"')).status, 400);
    const huge = await post(JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(33 * 1024 * 1024) }] }));
    assert.equal(huge.status, 413);
  });

  test('a chunked upload (no content-length) is read with the same cap', async () => {
    const chunked = (text: string, repeat: number) =>
      fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            const bytes = new TextEncoder().encode(text);
            for (let i = 0; i < repeat; i++) controller.enqueue(bytes);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const ok = await chunked(JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }), 1);
    assert.equal(ok.status, 200);
    const padding = ' '.repeat(1024 * 1024);
    const tooBig = await chunked(padding, 40);
    assert.equal(tooBig.status, 413);
  });

  test('GET on the completions route is a 405 envelope; unknown route a 404 envelope', async () => {
    const wrongMethod = await fetch(`${gateway.baseURL}/chat/completions`, { headers: { authorization: `Bearer ${gateway.masterKey}` } });
    assert.equal(wrongMethod.status, 405);
    const unknown = await fetch(`${gateway.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${gateway.masterKey}` } });
    assert.equal(unknown.status, 404);
    assert.ok(((await unknown.json()) as { error: unknown }).error);
  });
});

describe('strict mode', () => {
  test('x-portico-strict turns an adaptation into a 400 naming the field', async () => {
    const strict = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0, defaultHeaders: { 'x-portico-strict': 'true' } });
    await assert.rejects(
      strict.chat.completions.create({ model: 'claude-sonnet-4-6', max_tokens: 100, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && (error as APIError).param === 'temperature',
    );
    const ok = await strict.chat.completions.create({ model: 'claude-sonnet-4-6', max_tokens: 100, temperature: 0.5, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(ok.choices[0]!.finish_reason, 'stop');
    assert.equal(fake.requests.length, 1);
  });

  test('without strict mode the same request is adapted and the header lists it', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'claude-sonnet-4-6', max_tokens: 100, temperature: 1.5, top_p: 0.9, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.match(response.headers.get('x-portico-adjustments') ?? '', /temperature=clamped/);
    assert.match(response.headers.get('x-portico-adjustments') ?? '', /top_p=dropped/);
    assert.equal(fake.requests[0]!.body.temperature, 1);
    assert.equal(fake.requests[0]!.body.top_p, undefined);
  });
});

describe('models, health, CORS', () => {
  test('GET /v1/models lists live models and the seed default; /v1/models/{id}; unknown → 404', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    assert.ok(ids.includes('claude-3-5-sonnet-20241022'));
    assert.ok(ids.includes('claude-sonnet-4-6'));
    for (const model of list.data) assert.equal(model.object, 'model');
    const one = await client.models.retrieve('claude-sonnet-4-6');
    assert.equal(one.id, 'claude-sonnet-4-6');
    await assert.rejects(client.models.retrieve('no-such-model'), (error: unknown) => error instanceof OpenAI.NotFoundError);
  });

  test('GET /health is 200 JSON and needs no key; every response has a request id; CORS preflight', async () => {
    const health = await fetch(`${gateway.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    assert.match(health.headers.get('x-request-id') ?? '', /^req_/);
    const preflight = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.ok(preflight.status === 204 || preflight.status === 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  });

  test('a stream through the Hono app (browser) and through the Node direct path carry the same chunks', async () => {
    const body = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const read = async (extra: Record<string, string>) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json', ...extra },
        body,
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const text = await response.text();
      assert.ok(text.endsWith('data: [DONE]\n\n'), text.slice(-80));
      // Ids and timestamps differ per request; the chunk sequence must not.
      return text.replace(/"id":"chatcmpl-[^"]+"/g, '"id":"X"').replace(/"created":\d+/g, '"created":0');
    };
    const browser = await read({ origin: 'https://app.example' });
    const server = await read({});
    assert.equal(server, browser);
    assert.match(server, /"finish_reason":"stop"/);
  });

  test('a browser POST (Origin, served through the Hono app) and a server POST (the Node direct path) answer alike', async () => {
    const body = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const post = (extra: Record<string, string>, path = '/v1/chat/completions') =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json', ...extra },
        body,
      });
    const browser = await post({ origin: 'https://app.example' });
    const server = await post({}, '/v1/chat/completions?api-version=2024-06-01');
    assert.equal(browser.status, 200);
    assert.equal(server.status, 200);
    assert.equal(browser.headers.get('access-control-allow-origin'), '*');
    assert.equal(server.headers.get('access-control-allow-origin'), null);
    for (const name of ['content-type', 'openai-version', 'x-portico-model', 'x-portico-cost-usd']) {
      assert.equal(server.headers.get(name), browser.headers.get(name), name);
    }
    assert.match(server.headers.get('x-request-id') ?? '', /^req_/);
    assert.match(server.headers.get('x-portico-overhead-ms') ?? '', /^\d+\.\d{3}$/);
    const a = (await browser.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    const b = (await server.json()) as typeof a;
    assert.equal(a.object, 'chat.completion');
    assert.equal(b.choices[0]!.message.content, a.choices[0]!.message.content);
    // Errors render the same envelope on both paths.
    const badBrowser = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { origin: 'https://app.example' }, body });
    const badServer = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body });
    assert.equal(badBrowser.status, 401);
    assert.equal(badServer.status, 401);
    assert.deepEqual(await badServer.json(), await badBrowser.json());
    assert.equal(badServer.headers.get('x-should-retry'), 'false');
    assert.match(badServer.headers.get('x-request-id') ?? '', /^req_/);
  });
});
