/**
 * Virtual keys, limits, budgets and the usage ledger, end to end: the `openai` SDK with a gateway
 * key against the running gateway; the admin API with the master key.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { startE2e, stopE2e } from '../helpers/e2e.ts';

let fake: FakeAnthropic;
let gateway: RunningGateway;
const logLines: string[] = [];

before(async () => ({ fake, gateway } = await startE2e({ logLines })));
after(() => stopE2e({ fake, gateway }));
beforeEach(() => fake.reset());

interface CreatedKey {
  id: string;
  key: string;
  name: string;
  [field: string]: unknown;
}

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${gateway.masterKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function createKey(body: Record<string, unknown>): Promise<CreatedKey> {
  const { status, json } = await admin('POST', '/admin/keys', body);
  assert.equal(status, 201, JSON.stringify(json));
  assert.match(json.key, /^sk-/);
  return json as CreatedKey;
}

function sdk(key: string): OpenAI {
  return new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
}

const ask = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('keys and usage', () => {
  test('usage totals equal the sum of what the client saw; cost > 0; key never listed', async () => {
    const created = await createKey({ name: 'team-a' });
    const client = sdk(created.key);
    let prompt = 0;
    let completion = 0;
    for (let i = 0; i < 2; i++) {
      const result = await client.chat.completions.create(ask);
      prompt += result.usage!.prompt_tokens;
      completion += result.usage!.completion_tokens;
    }
    const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) {
      if (chunk.usage) {
        prompt += chunk.usage.prompt_tokens;
        completion += chunk.usage.completion_tokens;
      }
    }
    const stream2 = await client.chat.completions.create({ ...ask, stream: true });
    for await (const chunk of stream2) {
      if (chunk.usage) {
        prompt += chunk.usage.prompt_tokens;
        completion += chunk.usage.completion_tokens;
      }
    }
    const { status, json: usage } = await admin('GET', `/admin/usage?key_id=${created.id}`);
    assert.equal(status, 200);
    assert.equal(usage.requests, 4);
    assert.equal(usage.prompt_tokens, prompt);
    assert.equal(usage.completion_tokens, completion);
    assert.ok(usage.cost_usd > 0);

    const list = await admin('GET', '/admin/keys');
    assert.ok(list.json.data.some((k: { id: string }) => k.id === created.id));
    assert.doesNotMatch(JSON.stringify(list.json), new RegExp(created.key));
    const byModel = await admin('GET', `/admin/usage?key_id=${created.id}&group_by=model`);
    assert.equal(byModel.status, 200);
  });

  test('one log line per request: key id and display prefix, never the key', async () => {
    const created = await createKey({ name: 'logged' });
    const before = logLines.length;
    const { response } = await sdk(created.key).chat.completions.create(ask).withResponse();
    const requestId = response.headers.get('x-request-id');
    const lines = logLines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = lines.filter((line) => line['request_id'] === requestId);
    assert.equal(mine.length, 1, 'exactly one line for the request');
    assert.equal(mine[0]!['key_id'], created.id);
    assert.equal(mine[0]!['key_prefix'], String(created['prefix']));
    assert.equal(mine[0]!['status'], 200);
    assert.ok(!logLines.some((line) => line.includes(created.key)), 'the key secret is never logged');
  });

  test('revoked key → 401', async () => {
    const created = await createKey({ name: 'short-lived' });
    await sdk(created.key).chat.completions.create(ask);
    assert.equal((await admin('DELETE', `/admin/keys/${created.id}`)).status, 200);
    await assert.rejects(sdk(created.key).chat.completions.create(ask), (error: unknown) => error instanceof OpenAI.AuthenticationError);
  });

  test('rpm: exact 429 sequence with OpenAI rate-limit headers', async () => {
    const created = await createKey({ name: 'limited', rpm: 3 });
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(ask),
      });
      statuses.push(last.status);
      if (i === 0) {
        assert.equal(last.headers.get('x-ratelimit-limit-requests'), '3');
        assert.equal(last.headers.get('x-ratelimit-remaining-requests'), '2');
        assert.ok(last.headers.get('x-ratelimit-reset-requests'));
      }
      await last.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(last!.headers.get('x-ratelimit-remaining-requests'), '0');
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
  });

  test('budget → 429 insufficient_quota', async () => {
    const created = await createKey({ name: 'frugal', budget_usd: 0.0000001 });
    const client = sdk(created.key);
    await client.chat.completions.create(ask);
    await assert.rejects(client.chat.completions.create(ask), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal((error as { code?: string }).code, 'insufficient_quota');
      return true;
    });
  });

  test('model allowlist → 403 for other models', async () => {
    const created = await createKey({ name: 'haiku-only', models: ['claude-haiku-*'], rpm: 100 });
    const client = sdk(created.key);
    await client.chat.completions.create({ ...ask, model: 'claude-haiku-4-5' });
    await assert.rejects(client.chat.completions.create(ask), (error: unknown) => error instanceof OpenAI.PermissionDeniedError);
    // Rate-limit headers ride on every response of a limited key, refusals included.
    const refused = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-ratelimit-limit-requests'), '100');
  });

  test('a virtual key cannot use the admin API', async () => {
    const created = await createKey({ name: 'no-admin' });
    const response = await fetch(`${gateway.url}/admin/keys`, { headers: { authorization: `Bearer ${created.key}` } });
    assert.equal(response.status, 403);
  });

  test('an abandoned stream is recorded as cancelled, with the tokens produced so far', async () => {
    const created = await createKey({ name: 'quitter' });
    fake.enqueue({ kind: 'reply', chunks: 40, delayMs: 30, usage: { input_tokens: 120 } });
    const controller = new AbortController();
    const stream = await sdk(created.key).chat.completions.create({ ...ask, stream: true }, { signal: controller.signal });
    let chunks = 0;
    try {
      for await (const _ of stream) if (++chunks === 5) controller.abort();
    } catch {
      // aborted
    }
    await fake.waitForAborts(1, 5000);
    let rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = (await admin('GET', `/admin/requests?key_id=${created.id}`)).json.data;
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row['cancelled'], true);
    // Input from message_start, output counted to the cut.
    assert.equal(row['input_tokens'], 120);
    assert.ok(Number(row['completion_tokens']) >= 1);
    assert.ok(Number(row['cost_usd']) > 0);
  });

  test('bad admin input → 400 naming the field; unknown id → 404', async () => {
    const bad = await admin('POST', '/admin/keys', { name: 'x', rpm: -1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, 'rpm');
    assert.equal((await admin('GET', '/admin/keys/key_does_not_exist')).status, 404);
    assert.equal((await admin('PATCH', '/admin/keys/key_does_not_exist', { rpm: 5 })).status, 404);
  });
});
