import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import { mapUsage } from '../response/map-usage.ts';
import { finishChunk, usageChunk } from './finish-stream.ts';
import { reduceStreamEvent } from './reduce-stream-event.ts';
import { createStreamState, type StreamContext } from './stream-state.ts';
import { endOfStreamError, streamUsage } from './stream-usage.ts';
import { ev } from './test-events.ts';

const base: StreamContext = { id: 'chatcmpl-t', created: 1, model: 'm', includeUsage: false, choiceIndex: 0 };

function stateAfter(events: StreamEvent[], context: Partial<StreamContext> = {}) {
  const state = createStreamState({ ...base, ...context });
  for (const event of events) reduceStreamEvent(state, event);
  return state;
}

describe('finishChunk', () => {
  const cases: Array<[string | null, string]> = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    ['model_context_window_exceeded', 'length'],
    [null, 'stop'],
  ];
  for (const [reason, finish] of cases) {
    it(`${String(reason)} -> ${finish}`, () => {
      const chunk = finishChunk(stateAfter([ev.start(), ev.delta(reason), ev.messageStop()]));
      assert.deepEqual(chunk.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]);
      assert.equal('usage' in chunk, false, 'default mode: the caller attaches usage');
    });
  }
  it('include_usage: usage null; json tool turns tool_use into stop', () => {
    const state = stateAfter([ev.start(), ev.tool(0, 't', 'json_tool_call'), ev.stop(0), ev.delta('tool_use')], { includeUsage: true, jsonToolName: 'json_tool_call' });
    const chunk = finishChunk(state);
    assert.equal(chunk.usage, null);
    assert.equal(chunk.choices[0].finish_reason, 'stop');
  });
});

describe('usageChunk', () => {
  it('choices: [] and the usage, usage last', () => {
    const usage = mapUsage({ input_tokens: 1, output_tokens: 2 });
    const chunk = usageChunk({ id: 'c', created: 2, model: 'm', systemFingerprint: 'fp' }, usage);
    assert.deepEqual(Object.keys(chunk), ['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
    assert.deepEqual(chunk.choices, []);
    assert.equal(chunk.usage, usage);
  });
});

describe('streamUsage', () => {
  it('input/cache from the latest message_delta, else message_start; output from message_delta', () => {
    const state = stateAfter([
      ev.start({ input_tokens: 43, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 20 }, output_tokens: 1 }),
      ev.delta('end_turn', { input_tokens: 61, output_tokens: 9 }),
    ]);
    const { usage, raw, outputTokensSeen, sawMessageStart } = streamUsage(state);
    assert.equal(usage.prompt_tokens, 61 + 100 + 20);
    assert.equal(usage.completion_tokens, 9);
    assert.equal(usage.portico?.cache_creation_1h_input_tokens, 20);
    assert.equal(outputTokensSeen, 9);
    assert.ok(sawMessageStart);
    assert.equal(raw?.input_tokens, 61);
  });

  it('cumulative usage: the last message_delta wins, never a sum', () => {
    const state = stateAfter([ev.start(), ev.delta(null, { output_tokens: 4 }), ev.delta('end_turn', { output_tokens: 10 })]);
    assert.equal(streamUsage(state).usage.completion_tokens, 10);
  });

  it('after a cut: max(message_start output, ceil(chars emitted / 4))', () => {
    const state = stateAfter([
      ev.start({ input_tokens: 5, output_tokens: 1 }),
      ev.thinking(0),
      ev.thinkingDelta(0, 'abcd'),
      ev.stop(0),
      ev.text(1),
      ev.textDelta(1, 'hello world!'),
      ev.tool(2, 't', 'f'),
      ev.json(2, '{"a":1}'),
    ]);
    const { usage, outputTokensSeen } = streamUsage(state);
    assert.equal(usage.completion_tokens, Math.ceil((4 + 12 + 7) / 4));
    assert.equal(usage.prompt_tokens, 5);
    assert.equal(outputTokensSeen, 1);
    const early = streamUsage(stateAfter([ev.start({ input_tokens: 5, output_tokens: 3 })]));
    assert.equal(early.usage.completion_tokens, 3);
  });

  it('nothing seen: zero usage, raw null', () => {
    const result = streamUsage(stateAfter([]));
    assert.equal(result.raw, null);
    assert.equal(result.usage.total_tokens, 0);
    assert.equal(result.sawMessageStart, false);
  });
});

describe('endOfStreamError', () => {
  it('null after message_stop, upstream_protocol_error otherwise', () => {
    assert.equal(endOfStreamError(stateAfter([ev.start(), ev.messageStop()])), null);
    const error = endOfStreamError(stateAfter([ev.start()]));
    assert.equal(error?.code, 'upstream_protocol_error');
    assert.equal(error?.message, 'upstream stream ended before message_stop');
  });
});
