/**
 * Acceptance by the real client (architecture.md §4.6, in-process): the official `openai` SDK reads each
 * golden expected stream through a stub `fetch` (no network). Normal streams must accumulate into the
 * intended completion via the SDK's own ChatCompletionStream; error streams must make the SDK throw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import OpenAI, { APIError } from 'openai';
import { caseDirs } from './golden-helpers.ts';

function clientServing(body: string): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

const request = { model: 'claude-opus-4-8', messages: [{ role: 'user' as const, content: 'hi' }] };

const expectations: Record<string, (completion: OpenAI.Chat.Completions.ChatCompletion) => void> = {
  'text-basic': (c) => {
    assert.equal(c.choices[0]?.message.content, 'Hello there!');
    assert.equal(c.choices[0]?.finish_reason, 'stop');
    assert.equal(c.usage?.total_tokens, 17);
  },
  'tool-use': (c) => {
    const call = c.choices[0]?.message.tool_calls?.[0];
    assert.equal(c.choices[0]?.finish_reason, 'tool_calls');
    assert.ok(call?.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris' });
    assert.equal(c.usage?.prompt_tokens, 377);
  },
  'parallel-tool-use': (c) => {
    const calls = c.choices[0]?.message.tool_calls ?? [];
    assert.deepEqual(
      calls.map((call) => (call.type === 'function' ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : null)),
      [
        ['toolu_01NRLabsLyVHZPKxbKvkfSMn', 'get_weather', { location: 'Paris' }],
        ['toolu_01Ab3Kf9XyZtimeParis0000', 'get_time', { timezone: 'Europe/Paris' }],
      ],
    );
  },
  'tool-no-args': (c) => {
    const call = c.choices[0]?.message.tool_calls?.[0];
    assert.ok(call?.type === 'function');
    assert.equal(call.function.arguments, '{}');
  },
  'json-tool': (c) => {
    assert.deepEqual(JSON.parse(c.choices[0]?.message.content ?? ''), { city: 'Paris', temp_c: 18 });
    assert.equal(c.choices[0]?.finish_reason, 'stop');
  },
  'refusal-no-content': (c) => {
    assert.equal(c.choices[0]?.finish_reason, 'content_filter');
    assert.equal(c.choices[0]?.message.refusal, 'This request was declined by the safety classifier.');
  },
  thinking: (c) => {
    assert.equal(c.choices[0]?.message.content, '925 ÷ 5 = 185');
  },
  'cache-usage': (c) => {
    assert.equal(c.usage?.prompt_tokens_details?.cached_tokens, 12000);
  },
};

describe('the openai SDK consumes every golden stream', () => {
  for (const dir of caseDirs('stream')) {
    const name = basename(dir);
    const body = readFileSync(join(dir, 'expected.openai.sse'), 'utf8');
    const isError = body.includes('data: {"error":');
    it(name, async () => {
      const stream = clientServing(body).chat.completions.stream({ ...request, stream: true });
      if (isError) {
        await assert.rejects(stream.finalChatCompletion(), (error: unknown) => error instanceof APIError);
        return;
      }
      const completion = await stream.finalChatCompletion();
      assert.equal(completion.id, 'chatcmpl-portico-golden-0001');
      assert.equal(completion.choices.length, 1);
      expectations[name]?.(completion);
    });
  }
});
