import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { isGatewayError } from '../../domain/errors.ts';
import { ChatCompletionRequestSchema, parseChatCompletionRequest, toParam, unknownTopLevelFields } from './chat-completion-request.ts';

function reject(body: unknown): { message: string; param: string | null; code: string } {
  try {
    parseChatCompletionRequest(body);
  } catch (e) {
    assert.ok(isGatewayError(e));
    return { message: e.message, param: e.param, code: e.code };
  }
  assert.fail('expected rejection');
}

const ok = { messages: [{ role: 'user', content: 'hi' }] };

describe('chat completion request schema', () => {
  it('accepts a typical openai SDK ChatCompletionCreateParams value (type-checked against openai 6.x)', () => {
    const params: ChatCompletionCreateParams = {
      model: 'claude-3-5-sonnet-20241022',
      messages: [
        { role: 'developer', content: 'You are terse.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
          name: 'alice',
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"q":"cat"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        { role: 'assistant', content: [{ type: 'text', text: 'A cat.' }], refusal: null },
        { role: 'user', content: 'thanks' },
      ],
      temperature: 0.7,
      top_p: null,
      n: 1,
      stop: ['END'],
      max_completion_tokens: 1000,
      presence_penalty: 0,
      frequency_penalty: 0,
      stream: true,
      stream_options: { include_usage: true },
      user: 'user-123',
      seed: null,
      logit_bias: null,
      logprobs: false,
      metadata: { team: 'a' },
      store: false,
      service_tier: 'auto',
      parallel_tool_calls: false,
      tools: [{ type: 'function', function: { name: 'look', description: 'Look it up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'look' } },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
      safety_identifier: 'sid-1',
      prompt_cache_key: 'k',
      modalities: ['text'],
      verbosity: 'low',
    };
    const parsed = parseChatCompletionRequest(params);
    assert.equal(parsed.messages.length, 7);
    assert.equal(parsed.temperature, 0.7);
    assert.equal(parsed.top_p, null);
    assert.deepEqual(unknownTopLevelFields(params as unknown as Record<string, unknown>), []);
  });

  it('accepts the Anthropic extensions sent via extra_body', () => {
    const p = parseChatCompletionRequest({ ...ok, thinking: { type: 'enabled', budget_tokens: 2000 }, top_k: 5, cache_control: { type: 'ephemeral', ttl: '1h' } });
    assert.deepEqual(p.thinking, { type: 'enabled', budget_tokens: 2000 });
    assert.equal(p.top_k, 5);
    assert.deepEqual(p.cache_control, { type: 'ephemeral', ttl: '1h' });
  });

  it('accepts and lists unknown top-level fields, stripping them from the output', () => {
    const body = { ...ok, foo: 1, bar: { x: 1 } };
    const p = parseChatCompletionRequest(body);
    assert.equal('foo' in p, false);
    assert.deepEqual(unknownTopLevelFields(body), ['foo', 'bar']);
  });

  it('rejects non-object bodies with param null', () => {
    for (const b of [null, 'x', 1, [ok]]) {
      const r = reject(b);
      assert.deepEqual([r.code, r.param], ['invalid_request', null]);
    }
  });

  const cases: Array<[string, unknown, string, string]> = [
    ['missing messages', {}, 'messages', "Missing required parameter: 'messages'."],
    ['empty messages', { messages: [] }, 'messages', "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."],
    ['temperature above 2', { ...ok, temperature: 3 }, 'temperature', "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."],
    ['temperature below 0', { ...ok, temperature: -0.5 }, 'temperature', "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead."],
    ['temperature type', { ...ok, temperature: 'hot' }, 'temperature', "Invalid type for 'temperature': expected a number, but got a string instead."],
    ['top_p above 1', { ...ok, top_p: 1.5 }, 'top_p', "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead."],
    ['n above cap', { ...ok, n: 9 }, 'n', "Invalid 'n': integer above maximum value. Expected a value <= 8, but got 9 instead."],
    ['n zero', { ...ok, n: 0 }, 'n', "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."],
    ['n decimal', { ...ok, n: 1.5 }, 'n', "Invalid type for 'n': expected an integer, but got a decimal instead."],
    ['max_tokens zero', { ...ok, max_tokens: 0 }, 'max_tokens', "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead."],
    ['max_completion_tokens type', { ...ok, max_completion_tokens: '10' }, 'max_completion_tokens', "Invalid type for 'max_completion_tokens': expected an integer, but got a string instead."],
    ['presence_penalty range', { ...ok, presence_penalty: 2.5 }, 'presence_penalty', "Invalid 'presence_penalty': decimal above maximum value. Expected a value <= 2, but got 2.5 instead."],
    ['frequency_penalty range', { ...ok, frequency_penalty: -3 }, 'frequency_penalty', "Invalid 'frequency_penalty': decimal below minimum value. Expected a value >= -2, but got -3 instead."],
    ['stop too many', { ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead."],
    ['bad role', { messages: [{ role: 'bot', content: 'x' }] }, 'messages[0].role', "Invalid value: 'bot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', and 'function'."],
    ['missing role', { messages: [ok.messages[0], { content: 'x' }] }, 'messages[1].role', "Missing required parameter: 'messages[1].role'."],
    ['content type', { messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', "Invalid type for 'messages[0].content': expected one of a string or an array, but got an integer instead."],
    ['part type for role', { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content[0].type', "Invalid value: 'image_url'. Supported values are: 'text'."],
    ['image url type', { messages: [{ role: 'user', content: [text('a'), { type: 'image_url', image_url: { url: 3 } }] }] }, 'messages[0].content[1].image_url.url', "Invalid type for 'messages[0].content[1].image_url.url': expected a string, but got an integer instead."],
    ['tool_call_id missing', { messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', "Missing required parameter: 'messages[0].tool_call_id'."],
    ['tool name pattern', { ...ok, tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name', "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'."],
    ['tool_choice value', { ...ok, tool_choice: 'always' }, 'tool_choice', "Invalid value: 'always'. Supported values are: 'none', 'auto', and 'required'."],
    ['reasoning_effort value', { ...ok, reasoning_effort: 'huge' }, 'reasoning_effort', "Invalid value: 'huge'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', and 'max'."],
    ['thinking budget minimum', { ...ok, thinking: { type: 'enabled', budget_tokens: 500 } }, 'thinking.budget_tokens', "Invalid 'thinking.budget_tokens': integer below minimum value. Expected a value >= 1024, but got 500 instead."],
    ['response_format type', { ...ok, response_format: { type: 'xml' } }, 'response_format.type', "Invalid value: 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'."],
    ['cache_control ttl', { ...ok, cache_control: { type: 'ephemeral', ttl: '2h' } }, 'cache_control.ttl', "Invalid value: '2h'. Supported values are: '5m' and '1h'."],
    ['tool_choice object', { ...ok, tool_choice: { type: 'function' } }, 'tool_choice.function', "Missing required parameter: 'tool_choice.function'."],
    ['tool_choice number', { ...ok, tool_choice: 5 }, 'tool_choice', "Invalid type for 'tool_choice': expected one of a string or an object, but got an integer instead."],
    ['function_call object', { ...ok, function_call: {} }, 'function_call.name', "Missing required parameter: 'function_call.name'."],
    ['stop item type', { ...ok, stop: [1] }, 'stop[0]', "Invalid type for 'stop[0]': expected a string, but got an integer instead."],
    ['stream type', { ...ok, stream: 'yes' }, 'stream', "Invalid type for 'stream': expected a boolean, but got a string instead."],
  ];
  for (const [name, body, param, message] of cases) {
    it(`400 ${name} → param ${param}`, () => {
      const r = reject(body);
      assert.equal(r.code, 'invalid_request');
      assert.equal(r.param, param);
      assert.equal(r.message, message);
    });
  }

  it('the field-by-field success path gives exactly the whole-object parse (unknown keys dropped, absent stay absent, nulls kept)', () => {
    const bodies: unknown[] = [
      ok,
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], max_tokens: 256, stream: true },
      { ...ok, temperature: null, top_p: 0.5, stop: 'END', foo: 1, stream_options: { include_usage: true } },
      { ...ok, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], tool_choice: 'auto', response_format: { type: 'json_object' } },
      { messages: [{ role: 'system', content: [text('a')] }, { role: 'user', content: [text('b'), { type: 'image_url', image_url: { url: 'x' } }] }], thinking: { type: 'adaptive' } },
      JSON.parse('{"messages":[{"role":"user","content":"hi"}],"__proto__":{"polluted":true},"constructor":1}'),
    ];
    for (const body of bodies) {
      const parsed = parseChatCompletionRequest(body);
      assert.deepEqual(parsed, ChatCompletionRequestSchema.parse(body));
      assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
      assert.equal((parsed as Record<string, unknown>).polluted, undefined);
    }
  });

  it('toParam renders OpenAI-style paths', () => {
    assert.equal(toParam(['messages', 2, 'content', 1, 'image_url', 'url']), 'messages[2].content[1].image_url.url');
    assert.equal(toParam(['temperature']), 'temperature');
  });
});

function text(t: string) {
  return { type: 'text', text: t };
}
