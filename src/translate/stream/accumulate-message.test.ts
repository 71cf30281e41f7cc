import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import { decodeAnthropicEvents } from '../../sse/decode-anthropic-events.ts';
import { accumulateEvent, createMessageAccumulator, finishAccumulation } from './accumulate-message.ts';

async function eventsOf(fixture: string): Promise<StreamEvent[]> {
  const bytes = readFileSync(new URL(`../../../test/fixtures/stream/${fixture}/upstream.anthropic.sse`, import.meta.url));
  const events: StreamEvent[] = [];
  async function* body(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(bytes);
  }
  for await (const event of decodeAnthropicEvents(body())) events.push(event);
  return events;
}

async function accumulate(fixture: string) {
  const state = createMessageAccumulator();
  for (const event of await eventsOf(fixture)) {
    const error = accumulateEvent(state, event);
    if (error) throw error;
  }
  return finishAccumulation(state);
}

test('text stream → the Message a non-stream call returns', async () => {
  const message = await accumulate('text-basic');
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.content.length, 1);
  assert.equal(message.content[0]!.type, 'text');
  assert.ok(((message.content[0] as { text: string }).text).length > 0);
  assert.equal(message.usage.output_tokens, 6);
});

test('tool_use: fragments joined and parsed, text kept', async () => {
  const message = await accumulate('tool-use');
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.content.map((block) => block.type), ['text', 'tool_use']);
  assert.deepEqual((message.content[1] as { input: unknown }).input, { location: 'Paris' });
});

test('a tool with no argument fragments gets {}', async () => {
  const message = await accumulate('tool-no-args');
  const tool = message.content.find((block) => block.type === 'tool_use') as { input: unknown };
  assert.deepEqual(tool.input, {});
});

test('thinking text and signature are assembled', async () => {
  const message = await accumulate('thinking');
  const thinking = message.content.find((block) => block.type === 'thinking') as { thinking: string; signature: string };
  assert.ok(thinking.thinking.length > 0);
  assert.ok(thinking.signature.length > 0);
});

test('a mid-stream error event is returned mapped; EOF without message_stop throws', async () => {
  const state = createMessageAccumulator();
  let failure = null;
  for (const event of await eventsOf('midstream-error-overloaded')) failure ??= accumulateEvent(state, event);
  assert.equal(failure?.code, 'upstream_overloaded');
  const cut = createMessageAccumulator();
  for (const event of await eventsOf('no-message-stop')) accumulateEvent(cut, event);
  assert.throws(() => finishAccumulation(cut), (error: { code?: string }) => error.code === 'upstream_protocol_error');
});
