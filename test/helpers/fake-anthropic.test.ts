/**
 * Tests of the fake Anthropic upstream itself: wire framing (byte-exact against the shapes of
 * ../shared/fixtures/anthropic/*.sse, inlined below because tests never read outside the repo),
 * every validation rule, the reply planner, client-abort recording and every fault scenario.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.ts';
import { RULES } from './fake-anthropic-validate.ts';

let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic();
});
after(() => fake.close());
beforeEach(() => fake.reset());

const HEADERS: Record<string, string> = {
  'x-api-key': 'sk-ant-test',
  'anthropic-version': '2023-06-01',
  'content-type': 'application/json',
};
const BASE = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] };

function post(body: unknown, init: { headers?: Record<string, string>; path?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(fake.url + (init.path ?? '/v1/messages'), {
    method: 'POST',
    headers: init.headers ?? HEADERS,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

interface Ev { event: string; raw: string; data: any }

/** Strict Anthropic SSE parse: LF only, every event exactly `event: <type>\ndata: <json>\n\n`, data.type === event. */
function parseSse(text: string, { allowBadTail = false } = {}): Ev[] {
  assert.ok(!text.includes('\r'), 'LF only');
  assert.match(text, /^(?:event: [a-z_]+\ndata: [^\n]+\n\n)*$/, 'exact SSE framing');
  const events = text
    .split('\n\n')
    .filter((c) => c !== '')
    .map((chunk, i, all) => {
      const [e, d] = chunk.split('\n');
      const raw = d.slice('data: '.length);
      if (allowBadTail && i === all.length - 1) return { event: e.slice(7), raw, data: undefined };
      return { event: e.slice('event: '.length), raw, data: JSON.parse(raw) };
    });
  for (const e of events) if (e.data !== undefined) assert.equal(e.data.type, e.event, 'data.type equals the event name');
  return events;
}

/** Event grammar of §4.2: message_start, blocks with consecutive indices (start, deltas, stop), message_delta, message_stop. */
function assertGrammar(events: Ev[], complete = true): void {
  assert.equal(events[0]?.event, 'message_start');
  let open: number | null = null;
  let next = 0;
  for (const e of events.slice(1)) {
    switch (e.event) {
      case 'ping':
      case 'error':
        break;
      case 'content_block_start':
        assert.equal(open, null, 'previous block closed');
        assert.equal(e.data.index, next);
        open = next++;
        break;
      case 'content_block_delta':
        assert.equal(e.data.index, open);
        break;
      case 'content_block_stop':
        assert.equal(e.data.index, open);
        open = null;
        break;
      case 'message_delta':
        assert.equal(open, null);
        break;
      case 'message_stop':
        break;
      default:
        assert.fail(`unexpected event ${e.event}`);
    }
  }
  if (complete) {
    assert.deepEqual(events.slice(-2).map((e) => e.event), ['message_delta', 'message_stop']);
  }
}

async function streamOf(body: Record<string, unknown>): Promise<{ res: Response; events: Ev[]; text: string }> {
  const res = await post({ ...body, stream: true });
  assert.equal(res.status, 200);
  const text = await res.text();
  return { res, events: parseSse(text), text };
}

const textOf = (events: Ev[]) => events.filter((e) => e.data?.delta?.type === 'text_delta').map((e) => e.data.delta.text).join('');

// verbatim: ../shared/fixtures/anthropic/text-basic.sse (anthropic-sdk-typescript tests/lib/fixtures/basic_response.txt)
const FIXTURE_TEXT_BASIC =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","type":"message","role":"assistant","content":[],"model":"claude-opus-4-8","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\ndata: {"type": "ping"}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

// keys of ../shared/fixtures/anthropic/nonstream-message-opus-4-7.json, in order
const FIXTURE_MESSAGE_KEYS = ['model', 'id', 'type', 'role', 'content', 'stop_reason', 'stop_sequence', 'stop_details', 'usage'];
const FIXTURE_USAGE_KEYS = [
  'input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_creation',
  'output_tokens', 'output_tokens_details', 'service_tier', 'inference_geo',
];

describe('wire format', () => {
  test('the strict parser accepts the real fixture (sanity check of the checker)', () => {
    assertGrammar(parseSse(FIXTURE_TEXT_BASIC));
  });

  test('default stream: byte-exact transcript in the fixture framing', async () => {
    const { res, events, text } = await streamOf(BASE);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.match(res.headers.get('request-id') ?? '', /^req_/);
    assertGrammar(events);
    assert.deepEqual(events.map((e) => e.event), parseSse(FIXTURE_TEXT_BASIC).map((e) => e.event));
    const usage = '"input_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0';
    const expected =
      `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_fake_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{${usage},"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}}}\n\n` +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: ping\ndata: {"type": "ping"}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello from"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the fake"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" upstream."}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{${usage},"output_tokens":3}}\n\n` +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    assert.equal(text, expected);
    // The ping line is byte-identical to the real one (space after the colon).
    assert.equal(events[2].raw, parseSse(FIXTURE_TEXT_BASIC)[2].raw);
  });

  test('non-stream: Message JSON with the fixture key order and request-id', async () => {
    const res = await post(BASE);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const msg = await res.json();
    assert.deepEqual(Object.keys(msg), FIXTURE_MESSAGE_KEYS);
    assert.deepEqual(Object.keys(msg.usage), FIXTURE_USAGE_KEYS);
    assert.deepEqual(msg.content, [{ type: 'text', text: 'Hello from the fake upstream.' }]);
    assert.equal(msg.id, 'msg_fake_1');
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.output_tokens, 3);
    assert.deepEqual(msg.usage.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 });
  });

  test('aliases resolve to the dated snapshot in message.model', async () => {
    const msg = await (await post({ ...BASE, model: 'claude-haiku-4-5' })).json();
    assert.equal(msg.model, 'claude-haiku-4-5-20251001');
  });

  test('error envelope: type/error/request_id matching the request-id header', async () => {
    const res = await post({ ...BASE, foo: 1 });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ['type', 'error', 'request_id']);
    assert.equal(body.type, 'error');
    assert.deepEqual(body.error, { type: 'invalid_request_error', message: 'foo: Extra inputs are not permitted' });
    assert.equal(body.request_id, res.headers.get('request-id'));
  });
});

describe('reply planning', () => {
  test('chunks and custom text', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three four five six', chunks: 6 });
    const { events } = await streamOf(BASE);
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text);
    assert.deepEqual(deltas, ['one', ' two', ' three', ' four', ' five', ' six']);
  });

  test('defaultText option', async () => {
    const other = await startFakeAnthropic({ defaultText: 'Custom default.', apiKey: 'k2' });
    try {
      const res = await fetch(`${other.url}/v1/messages`, { method: 'POST', headers: { ...HEADERS, 'x-api-key': 'k2' }, body: JSON.stringify(BASE) });
      assert.equal((await res.json()).content[0].text, 'Custom default.');
    } finally {
      await other.close();
    }
  });

  const weatherTool = {
    name: 'get_weather',
    description: 'Weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { enum: ['c', 'f'] }, days: { type: 'integer' } }, required: ['location', 'unit'] },
  };
  const timeTool = { name: 'get_time', input_schema: { type: 'object', properties: {} } };

  test('tool use: one tool_use block per tool, "" first fragment, mid-string splits, stop_reason tool_use', async () => {
    const { events } = await streamOf({ ...BASE, tools: [weatherTool, timeTool], messages: [{ role: 'user', content: 'Please use a tool.' }] });
    assertGrammar(events);
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data.content_block);
    assert.deepEqual(starts, [
      { type: 'tool_use', id: 'toolu_fake_1', name: 'get_weather', input: {} },
      { type: 'tool_use', id: 'toolu_fake_2', name: 'get_time', input: {} },
    ]);
    const frags = (i: number) => events.filter((e) => e.data.delta?.type === 'input_json_delta' && e.data.index === i).map((e) => e.data.delta.partial_json);
    assert.equal(frags(0)[0], '');
    assert.ok(frags(0).length > 2);
    assert.ok(frags(0).slice(1, -1).some((f: string) => { try { JSON.parse(f); return false; } catch { return true; } }), 'fragments cut mid-JSON');
    assert.deepEqual(JSON.parse(frags(0).join('')), { location: 'placeholder', unit: 'c' });
    assert.deepEqual(frags(1), [''], 'a tool without arguments sends only ""');
    assert.equal(events.at(-2)?.data.delta.stop_reason, 'tool_use');
  });

  test('tool use non-stream; tool_choice tool picks the named tool; disable_parallel_tool_use keeps one', async () => {
    const msg = await (await post({ ...BASE, tools: [weatherTool, timeTool], tool_choice: { type: 'tool', name: 'get_time' } })).json();
    assert.deepEqual(msg.content, [{ type: 'tool_use', id: 'toolu_fake_1', name: 'get_time', input: {} }]);
    assert.equal(msg.stop_reason, 'tool_use');
    const one = await (await post({ ...BASE, tools: [weatherTool, timeTool], tool_choice: { type: 'any', disable_parallel_tool_use: true } })).json();
    assert.equal(one.content.length, 1);
    assert.equal(one.content[0].name, 'get_weather');
  });

  test('tools without the trigger phrase, or tool_choice none: plain text', async () => {
    const a = await (await post({ ...BASE, tools: [weatherTool] })).json();
    assert.equal(a.content[0].type, 'text');
    const b = await (await post({ ...BASE, tools: [weatherTool], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'use a tool' }] })).json();
    assert.equal(b.content[0].type, 'text');
  });

  test('scenario toolUses with text: text block then tool_use', async () => {
    fake.enqueue({ kind: 'reply', text: 'Checking.', toolUses: [{ id: 'toolu_custom', name: 'get_weather', input: { location: 'Paris' } }] });
    const msg = await (await post({ ...BASE, tools: [weatherTool] })).json();
    assert.deepEqual(msg.content, [
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_custom', name: 'get_weather', input: { location: 'Paris' } },
    ]);
  });

  test('thinking enabled: thinking block (deltas, signature_delta last) before text', async () => {
    const { events } = await streamOf({ ...BASE, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } });
    assertGrammar(events);
    const block0 = events.filter((e) => e.data.index === 0 && e.event === 'content_block_delta').map((e) => e.data.delta.type);
    assert.deepEqual(block0, ['thinking_delta', 'thinking_delta', 'thinking_delta', 'signature_delta']);
    assert.deepEqual(events[1].data.content_block, { type: 'thinking', thinking: '', signature: '' });
    assert.equal(events[2].event, 'ping');
    assert.equal(events.find((e) => e.event === 'content_block_start' && e.data.index === 1)?.data.content_block.type, 'text');
    assert.equal(textOf(events), 'Hello from the fake upstream.');
  });

  test('adaptive thinking with display omitted: empty thinking, signature only; scenario thinking text', async () => {
    const { events } = await streamOf({ ...BASE, model: 'claude-opus-4-7', thinking: { type: 'adaptive', display: 'omitted' } });
    assert.deepEqual(events.filter((e) => e.data.index === 0 && e.event === 'content_block_delta').map((e) => e.data.delta.type), ['signature_delta']);
    fake.enqueue({ kind: 'reply', thinking: { text: 'Deep thought.', signature: 'sig123' } });
    const msg = await (await post(BASE)).json();
    assert.deepEqual(msg.content[0], { type: 'thinking', thinking: 'Deep thought.', signature: 'sig123' });
    assert.equal(msg.usage.output_tokens_details.thinking_tokens, 3, 'one token per thinking fragment');
  });

  test('output_config.format json_schema: JSON text with the required properties', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' }, tags: { type: 'array' } }, required: ['name', 'age', 'tags'], additionalProperties: false };
    const { events } = await streamOf({ ...BASE, output_config: { format: { type: 'json_schema', schema } } });
    assert.deepEqual(JSON.parse(textOf(events)), { name: 'placeholder', age: 1, tags: [] });
  });

  test('stop_sequences cut the text; stop_reason stop_sequence', async () => {
    const { events } = await streamOf({ ...BASE, stop_sequences: ['upstream', 'fake'] });
    assert.equal(textOf(events), 'Hello from the ');
    assert.deepEqual(events.at(-2)?.data.delta, { stop_reason: 'stop_sequence', stop_sequence: 'fake' });
  });

  test('max_tokens below the answer length: cut, stop_reason max_tokens, output_tokens = max_tokens', async () => {
    const { events } = await streamOf({ ...BASE, max_tokens: 2 });
    assert.equal(textOf(events), 'Hello from the fake');
    assert.equal(events.at(-2)?.data.delta.stop_reason, 'max_tokens');
    assert.equal(events.at(-2)?.data.usage.output_tokens, 2);
  });

  test('max_tokens cuts tool JSON mid-way', async () => {
    const msg = await (await post({ ...BASE, max_tokens: 2, tools: [weatherTool], messages: [{ role: 'user', content: 'use a tool' }] })).json();
    assert.equal(msg.stop_reason, 'max_tokens');
    assert.equal(msg.content[0].type, 'tool_use');
  });

  test('usage: input estimate = ceil(chars/4); scenario cache usage repeated in message_delta', async () => {
    const est = await (await post({ ...BASE, system: 'x'.repeat(40), messages: [{ role: 'user', content: 'y'.repeat(360) }] })).json();
    assert.equal(est.usage.input_tokens, 100);
    fake.enqueue({ kind: 'reply', usage: { input_tokens: 7, cache_read_input_tokens: 50, ephemeral_5m: 10, ephemeral_1h: 20, output_tokens: 9 } });
    const { events } = await streamOf(BASE);
    assert.deepEqual(events[0].data.message.usage, {
      input_tokens: 7, cache_creation_input_tokens: 30, cache_read_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 }, output_tokens: 1, service_tier: 'standard',
    });
    assert.deepEqual(events.at(-2)?.data.usage, { input_tokens: 7, cache_creation_input_tokens: 30, cache_read_input_tokens: 50, output_tokens: 9 });
  });

  test('stopReason override and empty text (refusal-like stream with no content blocks)', async () => {
    fake.enqueue({ kind: 'reply', text: '', stopReason: 'refusal' });
    const { events } = await streamOf(BASE);
    assertGrammar(events);
    assert.deepEqual(events.map((e) => e.event), ['message_start', 'ping', 'message_delta', 'message_stop']);
    assert.equal(events[2].data.delta.stop_reason, 'refusal');
  });
});

// ---------------------------------------------------------------------------------------------

type Case = { name: string; body: Record<string, unknown>; status?: number; type?: string; message: string | RegExp };
const PNG_B64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64');
const user = (content: unknown) => ({ role: 'user', content });
const asst = (content: unknown) => ({ role: 'assistant', content });
const img = (source: unknown) => user([{ type: 'image', source }, { type: 'text', text: 'what is it?' }]);
const toolUse = (id: string, name = 'get_weather') => ({ type: 'tool_use', id, name, input: {} });
const toolResult = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'sunny' });
const tool = (name: string, input_schema: unknown = { type: 'object', properties: {} }) => ({ name, input_schema });
const cc = { type: 'ephemeral' };
const PAIR = '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
const PREFILL = 'This model does not support assistant message prefill. The conversation must end with a user message.';
const FORCED = 'tool_choice: type "tool" and "any" are not supported for this model.';
const ENABLED = '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
const TAGS = "'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'";

const INVALID: Case[] = [
  { name: 'unknown top-level field', body: { ...BASE, foo: 1 }, message: 'foo: Extra inputs are not permitted' },
  { name: 'OpenAI field leaked through', body: { ...BASE, n: 1 }, message: 'n: Extra inputs are not permitted' },
  { name: 'null where a number is expected', body: { ...BASE, temperature: null }, message: 'temperature: Input should be a valid number' },
  { name: 'model missing', body: { max_tokens: 10, messages: BASE.messages }, message: 'model: Field required' },
  { name: 'retired model', body: { ...BASE, model: 'claude-3-5-sonnet-20241022' }, status: 404, type: 'not_found_error', message: 'model: claude-3-5-sonnet-20241022' },
  { name: 'retired sonnet 4', body: { ...BASE, model: 'claude-sonnet-4-20250514' }, status: 404, type: 'not_found_error', message: 'model: claude-sonnet-4-20250514' },
  { name: 'unknown model', body: { ...BASE, model: 'gpt-4o' }, status: 404, type: 'not_found_error', message: 'model: gpt-4o' },
  { name: 'max_tokens missing', body: { model: BASE.model, messages: BASE.messages }, message: 'max_tokens: Field required' },
  { name: 'max_tokens not integer', body: { ...BASE, max_tokens: 1.5 }, message: 'max_tokens: Input should be a valid integer' },
  { name: 'max_tokens string', body: { ...BASE, max_tokens: '100' }, message: 'max_tokens: Input should be a valid integer' },
  { name: 'max_tokens < 1', body: { ...BASE, max_tokens: 0 }, message: 'max_tokens: Input should be greater than or equal to 1' },
  { name: 'max_tokens above sonnet-4-6 max', body: { ...BASE, max_tokens: 64001 }, message: 'max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-6' },
  { name: 'max_tokens above haiku-4-5 max', body: { ...BASE, model: 'claude-haiku-4-5', max_tokens: 64001 }, message: 'max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001' },
  { name: 'max_tokens above opus-4-6 max', body: { ...BASE, model: 'claude-opus-4-6', max_tokens: 128001 }, message: 'max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-opus-4-6' },
  { name: 'messages empty', body: { ...BASE, messages: [] }, message: 'messages: at least one message is required' },
  { name: 'messages missing', body: { model: BASE.model, max_tokens: 10 }, message: 'messages: Field required' },
  { name: 'system role in messages', body: { ...BASE, messages: [{ role: 'system', content: 'x' }] }, message: "messages.0.role: Input should be 'user' or 'assistant'" },
  { name: 'tool role in messages', body: { ...BASE, messages: [{ role: 'tool', content: 'x' }] }, message: "messages.0.role: Input should be 'user' or 'assistant'" },
  { name: 'extra field on a message', body: { ...BASE, messages: [{ role: 'user', content: 'x', name: 'bob' }] }, message: 'messages.0.name: Extra inputs are not permitted' },
  { name: 'content ""', body: { ...BASE, messages: [user('')] }, message: 'messages: text content blocks must be non-empty' },
  { name: 'empty text block', body: { ...BASE, messages: [user([{ type: 'text', text: '' }])] }, message: 'messages: text content blocks must be non-empty' },
  { name: 'whitespace-only text block', body: { ...BASE, messages: [user([{ type: 'text', text: ' \n\t' }])] }, message: 'messages: text content blocks must contain non-whitespace text' },
  { name: 'whitespace-only content string', body: { ...BASE, messages: [user('   ')] }, message: 'messages: text content blocks must contain non-whitespace text' },
  { name: 'empty content list', body: { ...BASE, messages: [user([])] }, message: 'messages: all messages must have non-empty content except for the optional final assistant message' },
  { name: 'unknown block type', body: { ...BASE, messages: [user([{ type: 'image_url', image_url: { url: 'https://x/y.png' } }])] }, message: `messages.0.content.0: Input tag 'image_url' found using 'type' does not match any of the expected tags: ${TAGS}` },
  { name: 'unknown field in text block', body: { ...BASE, messages: [user([{ type: 'text', text: 'hi', name: 'x' }])] }, message: 'messages.0.content.0.text.name: Extra inputs are not permitted' },
  { name: 'tool_result in an assistant message', body: { ...BASE, messages: [user('a'), asst([toolResult('x')]), user('b')] }, message: 'messages.1.content.0: `tool_result` blocks are not allowed in `assistant` messages' },
  { name: 'image media_type', body: { ...BASE, messages: [img({ type: 'base64', media_type: 'image/bmp', data: PNG_B64 })] }, message: "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'" },
  { name: 'image base64 does not decode', body: { ...BASE, messages: [img({ type: 'base64', media_type: 'image/png', data: 'not base64!' })] }, message: 'messages.0.content.0.image.source.base64.data: Invalid base64 data' },
  { name: 'image data URL passed as base64 data', body: { ...BASE, messages: [img({ type: 'base64', media_type: 'image/png', data: `data:image/png;base64,${PNG_B64}` })] }, message: 'messages.0.content.0.image.source.base64.data: Invalid base64 data' },
  { name: 'image bytes do not match media_type', body: { ...BASE, messages: [img({ type: 'base64', media_type: 'image/jpeg', data: PNG_B64 })] }, message: 'messages.0.content.0.image.source.base64.data: The image was specified using the image/jpeg media type, but the image appears to be a image/png image' },
  { name: 'image url not http(s)', body: { ...BASE, messages: [img({ type: 'url', url: 'ftp://example.com/a.png' })] }, message: "messages.0.content.0.image.source.url.url: URL scheme should be 'http' or 'https'" },
  { name: 'image source type', body: { ...BASE, messages: [img({ type: 'data_url', url: 'x' })] }, message: "messages.0.content.0.image.source: Input tag 'data_url' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'" },
  { name: 'temperature > 1', body: { ...BASE, temperature: 1.5 }, message: 'temperature: Input should be less than or equal to 1' },
  { name: 'temperature < 0', body: { ...BASE, temperature: -0.1 }, message: 'temperature: Input should be greater than or equal to 0' },
  { name: 'top_p > 1', body: { ...BASE, top_p: 1.2 }, message: 'top_p: Input should be less than or equal to 1' },
  { name: 'top_p < 0', body: { ...BASE, top_p: -1 }, message: 'top_p: Input should be greater than or equal to 0' },
  ...['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-opus-4-5-20251101', 'claude-opus-4-6'].map(
    (model): Case => ({ name: `temperature + top_p on ${model}`, body: { ...BASE, model, temperature: 0.7, top_p: 1 }, message: PAIR }),
  ),
  ...['claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-opus-5', 'claude-fable-5', 'claude-fable-5-1', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5'].flatMap((model): Case[] => [
    { name: `temperature 0.7 on ${model}`, body: { ...BASE, model, temperature: 0.7 }, message: '`temperature` is deprecated for this model.' },
    { name: `top_p 0.9 on ${model}`, body: { ...BASE, model, top_p: 0.9 }, message: '`top_p` is deprecated for this model.' },
    { name: `top_k on ${model}`, body: { ...BASE, model, top_k: 40 }, message: '`top_k` is deprecated for this model.' },
    { name: `prefill on ${model}`, body: { ...BASE, model, messages: [user('Hi'), asst('Sure')] }, message: PREFILL },
  ]),
  { name: 'prefill on claude-sonnet-4-6', body: { ...BASE, messages: [user('Hi'), asst('Sure')] }, message: PREFILL },
  { name: 'prefill on claude-opus-4-6', body: { ...BASE, model: 'claude-opus-4-6', messages: [user('Hi'), asst('Sure')] }, message: PREFILL },
  { name: 'prefill with trailing whitespace (older model)', body: { ...BASE, model: 'claude-sonnet-4-5', messages: [user('Hi'), asst('The answer is ')] }, message: 'messages: final assistant content cannot end with trailing whitespace' },
  { name: 'prefill block with trailing newline (older model)', body: { ...BASE, model: 'claude-haiku-4-5', messages: [user('Hi'), asst([{ type: 'text', text: 'A\n' }])] }, message: 'messages: final assistant content cannot end with trailing whitespace' },
  { name: 'tool_use id pattern', body: { ...BASE, messages: [user('a'), asst([toolUse('call.1')]), user([toolResult('call.1')])] }, message: "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'" },
  { name: 'tool_use ids unique', body: { ...BASE, messages: [user('a'), asst([toolUse('t1'), toolUse('t1')]), user([toolResult('t1')])] }, message: 'messages.1.content.1: `tool_use` ids must be unique' },
  { name: 'tool_use ids unique across messages', body: { ...BASE, messages: [user('a'), asst([toolUse('t1')]), user([toolResult('t1')]), asst([toolUse('t1')]), user([toolResult('t1')])] }, message: 'messages.3.content.0: `tool_use` ids must be unique' },
  { name: 'tool_use without tool_result', body: { ...BASE, messages: [user('a'), asst([{ type: 'text', text: 'let me check' }, toolUse('t1'), toolUse('t2')]), user('thanks')] }, message: 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1, t2. Each `tool_use` block must have a corresponding `tool_result` block in the next message.' },
  { name: 'one tool_result missing', body: { ...BASE, messages: [user('a'), asst([toolUse('t1'), toolUse('t2')]), user([toolResult('t1')])] }, message: 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t2. Each `tool_use` block must have a corresponding `tool_result` block in the next message.' },
  { name: 'tool_use as the last message', body: { ...BASE, model: 'claude-sonnet-4-5', messages: [user('a'), asst([toolUse('t1')])] }, message: 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.' },
  { name: 'text before tool_result', body: { ...BASE, messages: [user('a'), asst([toolUse('t1')]), user([{ type: 'text', text: 'here' }, toolResult('t1')])] }, message: 'Did not find 1 tool_result block(s) at the beginning of this message. Messages following tool_use blocks must begin with a matching number of tool_result blocks.' },
  { name: 'tool_result without tool_use', body: { ...BASE, messages: [user([toolResult('t9')])] }, message: 'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.' },
  { name: 'tool_result for an older turn', body: { ...BASE, messages: [user('a'), asst([toolUse('t1')]), user([toolResult('t1')]), asst('ok'), user([toolResult('t1')])] }, message: 'messages.4.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t1. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.' },
  { name: 'empty text block inside tool_result', body: { ...BASE, messages: [user('a'), asst([toolUse('t1')]), user([{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: '' }] }])] }, message: 'messages: text content blocks must be non-empty' },
  { name: 'tool name pattern', body: { ...BASE, tools: [tool('get weather')] }, message: "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'" },
  { name: 'tool name > 128 chars', body: { ...BASE, tools: [tool('a'.repeat(129))] }, message: "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'" },
  { name: 'tool names unique', body: { ...BASE, tools: [tool('a'), tool('a')] }, message: 'tools: Tool names must be unique.' },
  { name: 'OpenAI-shaped tool', body: { ...BASE, tools: [{ type: 'function', function: { name: 'f' } }] }, message: "tools.0: Input tag 'function' found using 'type' does not match any of the expected tags: 'custom'" },
  { name: 'input_schema missing', body: { ...BASE, tools: [{ name: 'f' }] }, message: 'tools.0.custom.input_schema: Field required' },
  { name: 'input_schema.type not object', body: { ...BASE, tools: [tool('f', { type: 'string' })] }, message: "tools.0.custom.input_schema.type: Input should be 'object'" },
  { name: 'input_schema without type', body: { ...BASE, tools: [tool('f', { properties: {} })] }, message: "tools.0.custom.input_schema.type: Input should be 'object'" },
  { name: 'input_schema root anyOf', body: { ...BASE, tools: [tool('f', { type: 'object', anyOf: [{ required: ['a'] }] })] }, message: 'tools.0.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level' },
  { name: 'unknown tool field', body: { ...BASE, tools: [{ ...tool('f'), parameters: {} }] }, message: 'tools.0.custom.parameters: Extra inputs are not permitted' },
  ...['claude-fable-5-1', 'claude-opus-5-5', 'claude-sonnet-5-5'].flatMap((model): Case[] => [
    { name: `tool_choice any on ${model}`, body: { ...BASE, model, tools: [tool('f')], tool_choice: { type: 'any' } }, message: FORCED },
    { name: `tool_choice tool on ${model}`, body: { ...BASE, model, tools: [tool('f')], tool_choice: { type: 'tool', name: 'f' } }, message: FORCED },
  ]),
  { name: 'tool_choice unknown type', body: { ...BASE, tools: [tool('f')], tool_choice: { type: 'required' } }, message: "tool_choice: Input tag 'required' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'" },
  { name: 'tool_choice none with disable_parallel_tool_use', body: { ...BASE, tools: [tool('f')], tool_choice: { type: 'none', disable_parallel_tool_use: true } }, message: 'tool_choice.none.disable_parallel_tool_use: Extra inputs are not permitted' },
  { name: 'tool_choice names a missing tool', body: { ...BASE, tools: [tool('f')], tool_choice: { type: 'tool', name: 'g' } }, message: "tool_choice.tool.name: Tool 'g' not found in the provided tools" },
  { name: 'thinking budget < 1024', body: { ...BASE, thinking: { type: 'enabled', budget_tokens: 1000 } }, message: 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024' },
  { name: 'thinking budget missing', body: { ...BASE, thinking: { type: 'enabled' } }, message: 'thinking.enabled.budget_tokens: Field required' },
  { name: 'thinking budget >= max_tokens', body: { ...BASE, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 2048 } }, message: '`max_tokens` must be greater than `thinking.budget_tokens`.' },
  ...['claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-opus-5', 'claude-fable-5', 'claude-fable-5-1', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5'].map(
    (model): Case => ({ name: `thinking enabled on ${model}`, body: { ...BASE, model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } }, message: ENABLED }),
  ),
  ...['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5'].map(
    (model): Case => ({ name: `adaptive thinking on ${model}`, body: { ...BASE, model, thinking: { type: 'adaptive' } }, message: '"thinking.type.adaptive" is not supported for this model. Use "thinking.type.enabled" and "thinking.budget_tokens" instead.' }),
  ),
  ...['claude-fable-5-1', 'claude-opus-5-5'].map(
    (model): Case => ({ name: `thinking disabled on ${model}`, body: { ...BASE, model, thinking: { type: 'disabled' } }, message: '"thinking.type.disabled" is not supported for this model.' }),
  ),
  { name: 'thinking with temperature != 1', body: { ...BASE, max_tokens: 4096, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 1024 } }, message: 'temperature may only be set to 1 when thinking is enabled' },
  { name: 'adaptive thinking with temperature != 1', body: { ...BASE, temperature: 0, thinking: { type: 'adaptive' } }, message: 'temperature may only be set to 1 when thinking is enabled' },
  { name: 'thinking with top_k', body: { ...BASE, top_k: 5, thinking: { type: 'adaptive' } }, message: 'top_k is not compatible with thinking. Please remove top_k from your request.' },
  { name: 'thinking with top_p < 0.95', body: { ...BASE, top_p: 0.9, thinking: { type: 'adaptive' } }, message: 'top_p must be between 0.95 and 1 when thinking is enabled' },
  { name: 'thinking with forced tool_choice', body: { ...BASE, max_tokens: 4096, tools: [tool('f')], tool_choice: { type: 'any' }, thinking: { type: 'enabled', budget_tokens: 1024 } }, message: 'Thinking may not be enabled when tool_choice forces tool use.' },
  { name: 'thinking tool loop without the thinking block', body: { ...BASE, thinking: { type: 'adaptive' }, tools: [tool('get_weather')], messages: [user('a'), asst([toolUse('t1')]), user([toolResult('t1')])] }, message: /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`\. When `thinking` is enabled, a final `assistant` message must start with a thinking block/ },
  { name: 'thinking unknown type', body: { ...BASE, thinking: { type: 'on' } }, message: "thinking: Input tag 'on' found using 'type' does not match any of the expected tags: 'enabled', 'adaptive', 'disabled'" },
  { name: 'stop_sequences not strings', body: { ...BASE, stop_sequences: [1] }, message: 'stop_sequences.0: Input should be a valid string' },
  { name: 'stop_sequences whitespace-only', body: { ...BASE, stop_sequences: ['END', ' \n'] }, message: 'stop_sequences: each stop sequence must contain non-whitespace characters' },
  { name: 'stop_sequences as a string', body: { ...BASE, stop_sequences: 'END' }, message: 'stop_sequences: Input should be a valid list' },
  { name: 'metadata other than user_id', body: { ...BASE, metadata: { user_id: 'u1', session: 'x' } }, message: 'metadata.session: Extra inputs are not permitted' },
  { name: 'metadata.user_id not a string', body: { ...BASE, metadata: { user_id: 5 } }, message: 'metadata.user_id: Input should be a valid string' },
  { name: 'output_config.effort', body: { ...BASE, output_config: { effort: 'minimal' } }, message: "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'" },
  { name: 'output_config unknown field', body: { ...BASE, output_config: { verbosity: 'low' } }, message: 'output_config.verbosity: Extra inputs are not permitted' },
  { name: 'output_config.format type', body: { ...BASE, output_config: { format: { type: 'json_object' } } }, message: "output_config.format: Input tag 'json_object' found using 'type' does not match any of the expected tags: 'json_schema'" },
  { name: 'output_config.format schema missing', body: { ...BASE, output_config: { format: { type: 'json_schema' } } }, message: 'output_config.format.json_schema.schema: Field required' },
  { name: 'output_config.format OpenAI-shaped', body: { ...BASE, output_config: { format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } } }, message: 'output_config.format.json_schema.json_schema: Extra inputs are not permitted' },
  { name: 'system not string or list', body: { ...BASE, system: 5 }, message: 'system: Input should be a valid string' },
  { name: 'system empty text block', body: { ...BASE, system: [{ type: 'text', text: '' }] }, message: 'system: text content blocks must be non-empty' },
  { name: 'system whitespace text block', body: { ...BASE, system: [{ type: 'text', text: '  ' }] }, message: 'system: text content blocks must contain non-whitespace text' },
  { name: 'system non-text block', body: { ...BASE, system: [{ type: 'image', source: {} }] }, message: "system.0: Input tag 'image' found using 'type' does not match any of the expected tags: 'text'" },
  { name: 'cache_control type', body: { ...BASE, system: [{ type: 'text', text: 'S', cache_control: { type: 'persistent' } }] }, message: "system.0.cache_control.type: Input tag 'persistent' found using 'type' does not match any of the expected tags: 'ephemeral'" },
  { name: 'cache_control ttl', body: { ...BASE, messages: [user([{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '10m' } }])] }, message: "messages.0.content.0.text.cache_control.ttl: Input should be '5m' or '1h'" },
  { name: 'cache_control on a thinking block', body: { ...BASE, model: 'claude-sonnet-4-5', messages: [user('a'), asst([{ type: 'thinking', thinking: 't', signature: 's', cache_control: cc }, { type: 'text', text: 'x' }]), user('b')] }, message: 'messages.1.content.0.thinking.cache_control: Extra inputs are not permitted' },
  { name: 'more than 4 cache breakpoints', body: { ...BASE, tools: [{ ...tool('f'), cache_control: cc }], system: [{ type: 'text', text: 'S', cache_control: cc }], cache_control: cc, messages: [user([{ type: 'text', text: 'a', cache_control: cc }, { type: 'text', text: 'b', cache_control: cc }])] }, message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.' },
  { name: 'service_tier value', body: { ...BASE, service_tier: 'priority' }, message: "service_tier: Input should be 'auto' or 'standard_only'" },
  { name: 'stream not boolean', body: { ...BASE, stream: 'true' }, message: 'stream: Input should be a valid boolean' },
];

const VALID: Array<{ name: string; body: Record<string, unknown> }> = [
  { name: 'every live model', body: BASE },
  { name: 'max_tokens at the sonnet-4-6 max', body: { ...BASE, max_tokens: 64000 } },
  { name: 'max_tokens at the opus-4-7 max', body: { ...BASE, model: 'claude-opus-4-7', max_tokens: 128000 } },
  { name: 'temperature alone on sonnet-4-6', body: { ...BASE, temperature: 0.2, top_k: 10 } },
  { name: 'temperature 1 and top_p 0.99 on claude-sonnet-5', body: { ...BASE, model: 'claude-sonnet-5', temperature: 1, top_p: 0.99 } },
  { name: 'prefill without trailing whitespace on sonnet-4-5', body: { ...BASE, model: 'claude-sonnet-4-5', messages: [user('Hi'), asst('The answer is')] } },
  { name: 'empty final assistant content on sonnet-4-5', body: { ...BASE, model: 'claude-sonnet-4-5', messages: [user('Hi'), asst([])] } },
  { name: 'tool loop with results first, then text', body: { ...BASE, tools: [tool('get_weather')], messages: [user('a'), asst([{ type: 'text', text: 'checking' }, toolUse('toolu_1'), toolUse('toolu_2')]), user([toolResult('toolu_2'), toolResult('toolu_1'), { type: 'text', text: 'thanks' }])] } },
  { name: 'tool results split over consecutive user messages (merged into one turn)', body: { ...BASE, messages: [user('a'), asst([toolUse('t1'), toolUse('t2')]), user([toolResult('t1')]), user([toolResult('t2')]), user('thanks')] } },
  { name: 'assistant turn split over two messages', body: { ...BASE, messages: [user('a'), asst('checking'), asst([toolUse('t1')]), user([toolResult('t1')])] } },
  { name: 'tool_result with is_error and no content', body: { ...BASE, messages: [user('a'), asst([toolUse('t1')]), user([{ type: 'tool_result', tool_use_id: 't1', is_error: true }])] } },
  { name: 'tool name of 128 chars', body: { ...BASE, tools: [tool('a'.repeat(128))] } },
  { name: 'tool_choice any on sonnet-4-6', body: { ...BASE, tools: [tool('f')], tool_choice: { type: 'any' } } },
  { name: 'images: base64 png and https url', body: { ...BASE, messages: [user([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_B64 } }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } }, { type: 'text', text: 'compare' }])] } },
  { name: 'pdf document', body: { ...BASE, messages: [user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: Buffer.from('%PDF-1.4').toString('base64') } }, { type: 'text', text: 'summarise' }])] } },
  { name: 'thinking enabled on opus-4-6 and adaptive on sonnet-4-6', body: { ...BASE, model: 'claude-opus-4-6', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024, display: 'summarized' } } },
  { name: 'adaptive with effort on opus-5-5', body: { ...BASE, model: 'claude-opus-5-5', thinking: { type: 'adaptive' }, output_config: { effort: 'high' } } },
  { name: 'thinking disabled on sonnet-5', body: { ...BASE, model: 'claude-sonnet-5', thinking: { type: 'disabled' } } },
  { name: 'thinking tool loop with the thinking block echoed', body: { ...BASE, thinking: { type: 'adaptive' }, tools: [tool('get_weather')], messages: [user('a'), asst([{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, toolUse('t1')]), user([toolResult('t1')])] } },
  { name: '4 cache breakpoints with ttl', body: { ...BASE, tools: [{ ...tool('f'), cache_control: { type: 'ephemeral', ttl: '1h' } }], system: [{ type: 'text', text: 'S', cache_control: cc }], messages: [user([{ type: 'text', text: 'a', cache_control: cc }, { type: 'text', text: 'b', cache_control: cc }])] } },
  { name: 'metadata, service_tier, stop_sequences, system string', body: { ...BASE, metadata: { user_id: 'u-1' }, service_tier: 'auto', stop_sequences: ['END'], system: 'Be brief.' } },
];

describe('validation', () => {
  for (const c of INVALID) {
    test(`rejects: ${c.name}`, async () => {
      const res = await post(c.body);
      const body = await res.json();
      assert.equal(res.status, c.status ?? 400);
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, c.type ?? 'invalid_request_error');
      if (typeof c.message === 'string') assert.equal(body.error.message, c.message);
      else assert.match(body.error.message, c.message);
      assert.equal(fake.requests.length, 1, 'invalid requests are recorded');
    });
  }

  for (const v of VALID) {
    test(`accepts: ${v.name}`, async () => {
      const res = await post(v.body);
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.type, 'message');
    });
  }

  test('accepts every live model; rule table is non-trivial', async () => {
    const live = ['claude-sonnet-4-6', 'claude-opus-4-6', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5', 'claude-opus-4-5-20251101', 'claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-opus-5', 'claude-fable-5', 'claude-fable-5-1', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5'];
    for (const model of live) assert.equal((await post({ ...BASE, model })).status, 200, model);
    assert.ok(RULES.length >= 15);
  });

  test('invalid requests do not consume scenarios', async () => {
    fake.enqueue({ kind: 'status', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    assert.equal((await post({ ...BASE, foo: 1 })).status, 400);
    assert.equal((await post(BASE)).status, 529);
    assert.equal((await post(BASE)).status, 200);
  });
});

describe('http surface', () => {
  test('auth: x-api-key missing / wrong -> 401; Bearer accepted', async () => {
    const { 'x-api-key': _k, ...noKey } = HEADERS;
    let res = await post(BASE, { headers: noKey });
    assert.equal(res.status, 401);
    assert.deepEqual((await res.json()).error, { type: 'authentication_error', message: 'x-api-key header is required' });
    res = await post(BASE, { headers: { ...HEADERS, 'x-api-key': 'wrong' } });
    assert.equal(res.status, 401);
    assert.deepEqual((await res.json()).error, { type: 'authentication_error', message: 'invalid x-api-key' });
    res = await post(BASE, { headers: { ...noKey, authorization: 'Bearer sk-ant-test' } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  test('anthropic-version required', async () => {
    const { 'anthropic-version': _v, ...noVersion } = HEADERS;
    const res = await post(BASE, { headers: noVersion });
    assert.equal(res.status, 400);
    assert.deepEqual((await res.json()).error, { type: 'invalid_request_error', message: 'anthropic-version: header is required' });
  });

  test('unknown routes and methods -> 404 not_found_error (not recorded); query string tolerated', async () => {
    let res = await post(BASE, { path: '/v1/messages/count_tokens' });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.type, 'not_found_error');
    res = await fetch(`${fake.url}/v1/messages`, { headers: HEADERS });
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    assert.equal(fake.requests.length, 0);
    res = await post(BASE, { path: '/v1/messages?beta=true' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(fake.requests[0].path, '/v1/messages?beta=true');
  });

  test('invalid JSON and non-object bodies -> 400', async () => {
    let res = await post('{"model":');
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.type, 'invalid_request_error');
    res = await post([BASE]);
    assert.equal(res.status, 400);
    await res.arrayBuffer();
    assert.equal(fake.requests[0].body, '{"model":', 'unparseable bodies are recorded raw');
  });

  test('body over 32 MB -> 413 request_too_large', async () => {
    const huge = { ...BASE, messages: [user('x'.repeat(32 * 1024 * 1024 + 10))] };
    const res = await post(huge);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.type, 'request_too_large');
  });

  test('records method, path, lower-cased headers, parsed body', async () => {
    await (await post(BASE)).arrayBuffer();
    const r = fake.requests[0];
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(r.body, BASE);
    assert.equal(r.aborted, false);
    assert.equal(typeof r.receivedAt, 'number');
  });

  test('keep-alive: the second request reuses the socket', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const once = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = http.request(`${fake.url}/v1/messages`, { method: 'POST', headers: HEADERS, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(req.reusedSocket));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ ...BASE, stream: true }));
      });
    try {
      assert.equal(await once(), false);
      assert.equal(await once(), true);
    } finally {
      agent.destroy();
    }
  });
});

describe('faults and cancellation', () => {
  test('status: 429 with retry-after, 529 overloaded, 401, 500', async () => {
    fake.enqueue(
      { kind: 'status', status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', headers: { 'retry-after': '7' } },
      { kind: 'status', status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
      { kind: 'status', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' },
      { kind: 'status', status: 500, errorType: 'api_error', message: 'Internal server error' },
    );
    let res = await post({ ...BASE, stream: true });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json();
    assert.equal(body.error.type, 'rate_limit_error');
    assert.equal(body.request_id, res.headers.get('request-id'));
    for (const [status, type] of [[529, 'overloaded_error'], [401, 'authentication_error'], [500, 'api_error']] as const) {
      res = await post(BASE);
      assert.equal(res.status, status);
      assert.equal((await res.json()).error.type, type);
    }
  });

  test('midstream-error: 200, N deltas, event: error (details:null, request_id), no message_stop', async () => {
    fake.enqueue({ kind: 'midstream-error', afterDeltas: 2 });
    const { res, events } = await streamOf(BASE);
    assertGrammar(events, false);
    assert.deepEqual(events.map((e) => e.event), ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'error']);
    assert.deepEqual(events.at(-1)?.data, { type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' }, request_id: res.headers.get('request-id') });
    fake.enqueue({ kind: 'midstream-error', afterDeltas: 0, errorType: 'api_error' });
    const second = await streamOf(BASE);
    assert.deepEqual(second.events.at(-1)?.data.error, { details: null, type: 'api_error', message: 'Internal server error' });
  });

  test('eof-without-stop: stream ends after N deltas', async () => {
    fake.enqueue({ kind: 'eof-without-stop', afterDeltas: 1 });
    const { events } = await streamOf(BASE);
    assert.deepEqual(events.map((e) => e.event), ['message_start', 'content_block_start', 'ping', 'content_block_delta']);
  });

  test('malformed-sse: a data line that is not JSON', async () => {
    fake.enqueue({ kind: 'malformed-sse', afterDeltas: 1 });
    const res = await post({ ...BASE, stream: true });
    const text = await res.text();
    assert.ok(text.endsWith('event: content_block_delta\ndata: {not json\n\n'));
    const events = parseSse(text, { allowBadTail: true });
    assert.equal(events.length, 5);
  });

  test('non-stream fault variants', async () => {
    fake.enqueue({ kind: 'midstream-error', afterDeltas: 1 }, { kind: 'malformed-sse', afterDeltas: 1 }, { kind: 'eof-without-stop', afterDeltas: 1 });
    let res = await post(BASE);
    assert.equal(res.status, 529);
    assert.equal((await res.json()).error.type, 'overloaded_error');
    res = await post(BASE);
    assert.equal(await res.text(), '{not json');
    res = await post(BASE);
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
  });

  test('reset: the socket is destroyed before any response', async () => {
    fake.enqueue({ kind: 'reset' });
    await assert.rejects(post(BASE), TypeError);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].aborted, false, 'a server-side reset is not a client abort');
  });

  test('hang with ms: the connection is dropped without an answer', async () => {
    fake.enqueue({ kind: 'hang', ms: 30 });
    await assert.rejects(post(BASE), TypeError);
    assert.equal(fake.requests[0].aborted, false);
  });

  test('hang: a client abort is recorded and waitForAborts resolves', async () => {
    fake.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const pending = post({ ...BASE, stream: true }, { signal: ac.signal });
    while (fake.requests.length === 0 || fake.requests[0].body === undefined) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await assert.rejects(pending);
    await fake.waitForAborts(1);
    assert.equal(fake.requests[0].aborted, true);
  });

  test('abort mid-stream (delayMs) is recorded; the fake stops writing', async () => {
    fake.enqueue({ kind: 'reply', delayMs: 50, chunks: 20, text: 'a b c d e f g h i j k l m n o p q r s t' });
    const ac = new AbortController();
    const res = await post({ ...BASE, stream: true }, { signal: ac.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(new TextDecoder().decode(first.value).startsWith('event: message_start\n'));
    ac.abort();
    await fake.waitForAborts(1);
    assert.equal(fake.requests[0].aborted, true);
  });

  test('abort during firstByteDelayMs is recorded', async () => {
    fake.enqueue({ kind: 'reply', firstByteDelayMs: 10_000 });
    const ac = new AbortController();
    const pending = post(BASE, { signal: ac.signal });
    while (fake.requests.length === 0 || fake.requests[0].body === undefined) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await assert.rejects(pending);
    await fake.waitForAborts(1);
  });

  test('waitForAborts rejects after its timeout', async () => {
    await (await post(BASE)).arrayBuffer();
    await assert.rejects(fake.waitForAborts(1, 20), /expected 1/);
    assert.equal(fake.requests[0].aborted, false, 'a completed response is not an abort');
  });

  test('silent-then-reply: headers first, then a complete normal stream', async () => {
    fake.enqueue({ kind: 'silent-then-reply', silentMs: 50 });
    const res = await post({ ...BASE, stream: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const events = parseSse(await res.text());
    assertGrammar(events);
    assert.equal(textOf(events), 'Hello from the fake upstream.');
  });

  test('raw: arbitrary status, headers and body', async () => {
    fake.enqueue({ kind: 'raw', status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' });
    const res = await post(BASE);
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.equal(await res.text(), '<html>Bad Gateway</html>');
  });

  test('reset() clears queue, records and counters', async () => {
    fake.enqueue({ kind: 'status', status: 500, errorType: 'api_error', message: 'x' });
    await (await post({ ...BASE, foo: 1 })).arrayBuffer();
    fake.reset();
    assert.equal(fake.requests.length, 0);
    const msg = await (await post(BASE)).json();
    assert.equal(msg.id, 'msg_fake_1');
  });

  test('close() destroys open connections and resolves', async () => {
    const other = await startFakeAnthropic();
    other.enqueue({ kind: 'hang' });
    const pending = fetch(`${other.url}/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify(BASE) });
    while (other.requests.length === 0 || other.requests[0].body === undefined) await new Promise((r) => setTimeout(r, 5));
    await other.close();
    await assert.rejects(pending, TypeError);
    assert.equal(other.requests[0].aborted, false, 'closing the fake is not a client abort');
  });
});

describe('standalone process', () => {
  test('fake-anthropic-main.ts prints its url, answers, and exits on SIGTERM', async () => {
    const main = new URL('./fake-anthropic-main.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--api-key', 'k-main', '--text', 'From a child.'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fake exited early (${code})`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { ...HEADERS, 'x-api-key': 'k-main' }, body: JSON.stringify(BASE) });
      assert.equal((await res.json()).content[0].text, 'From a child.');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
