import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionChunkDelta } from '../../protocol/openai/chat-completion.ts';
import { reduceStreamEvent, type StreamStep } from './reduce-stream-event.ts';
import { createStreamState, type StreamContext, type StreamState } from './stream-state.ts';
import { ev } from './test-events.ts';

const base: StreamContext = { id: 'chatcmpl-t', created: 1, model: 'm', includeUsage: false, choiceIndex: 0 };

function run(events: StreamEvent[], context: Partial<StreamContext> = {}): { state: StreamState; steps: StreamStep[]; deltas: ChatCompletionChunkDelta[] } {
  const state = createStreamState({ ...base, ...context });
  const steps = events.map((event) => reduceStreamEvent(state, event));
  const deltas = steps.flatMap((step) => step.chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta)));
  return { state, steps, deltas };
}

describe('reduceStreamEvent: message_start', () => {
  it('emits the role chunk once, with the context envelope', () => {
    const { steps, state } = run([ev.start(), ev.start()], { choiceIndex: 2, systemFingerprint: 'fp_1' });
    assert.equal(steps[0].chunks.length, 1);
    assert.deepEqual(steps[0].chunks[0], {
      id: 'chatcmpl-t',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      system_fingerprint: 'fp_1',
      choices: [{ index: 2, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
    assert.equal(steps[1].chunks.length, 0, 'a repeated message_start is ignored');
    assert.ok(state.sawMessageStart);
    assert.deepEqual(state.startUsage, { input_tokens: 10, output_tokens: 1 });
  });

  it('include_usage: every chunk carries usage: null', () => {
    const { steps } = run([ev.start(), ev.text(0), ev.textDelta(0, 'x')], { includeUsage: true });
    for (const step of steps) for (const chunk of step.chunks) assert.equal(chunk.usage, null);
    assert.deepEqual(Object.keys(steps[0].chunks[0]), ['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
  });
});

describe('reduceStreamEvent: text', () => {
  it('emits content deltas, skips empty ones, ignores ping', () => {
    const { deltas } = run([ev.start(), ev.text(0), ev.ping(), ev.textDelta(0, 'Hel'), ev.textDelta(0, ''), ev.textDelta(0, 'lo'), ev.stop(0)]);
    assert.deepEqual(deltas, [{ role: 'assistant', content: '' }, { content: 'Hel' }, { content: 'lo' }]);
  });

  it('ignores deltas for unknown or stopped blocks and mismatched delta kinds', () => {
    const { deltas } = run([ev.start(), ev.textDelta(5, 'x'), ev.text(0), ev.json(0, '{"a":1}'), ev.thinkingDelta(0, 'hm'), ev.stop(0), ev.textDelta(0, 'late'), ev.stop(0)]);
    assert.deepEqual(deltas, [{ role: 'assistant', content: '' }]);
  });
});

describe('reduceStreamEvent: tool_use', () => {
  it('start chunk with id/name/empty arguments, then fragments; skips ""', () => {
    const { deltas } = run([ev.start(), ev.tool(0, 'toolu_a', 'get'), ev.json(0, ''), ev.json(0, '{"x"'), ev.json(0, ':1}'), ev.stop(0)]);
    assert.deepEqual(deltas.slice(1), [
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"x"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
    ]);
  });

  it('a tool that never sent a non-empty fragment gets "{}" at content_block_stop', () => {
    const { deltas } = run([ev.start(), ev.tool(0, 'toolu_a', 'now'), ev.json(0, ''), ev.stop(0)]);
    assert.deepEqual(deltas.at(-1), { tool_calls: [{ index: 0, function: { arguments: '{}' } }] });
  });

  it('parallel calls get dense indexes in start order, independent of the Anthropic block index', () => {
    const { deltas, state } = run([
      ev.start(),
      ev.text(0),
      ev.textDelta(0, 'Let me check.'),
      ev.stop(0),
      ev.tool(1, 'toolu_a', 'a'),
      ev.json(1, '{}'),
      ev.stop(1),
      ev.thinking(2),
      ev.stop(2),
      ev.tool(3, 'toolu_b', 'b'),
      ev.json(3, '{"q":2}'),
      ev.stop(3),
    ]);
    const indexes = deltas.flatMap((d) => d.tool_calls?.map((t) => t.index) ?? []);
    assert.deepEqual(indexes, [0, 0, 1, 1]);
    assert.equal(state.nextToolCallIndex, 2);
  });

  it('a start block that already carries input sends it as the first fragment', () => {
    const { deltas } = run([ev.start(), ev.tool(0, 'toolu_a', 'f', { a: 1 }), ev.stop(0)]);
    assert.deepEqual(deltas.slice(1), [
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
    ]);
  });

  it('json tool: fragments become content, "{}" when empty, flagged for finish_reason stop', () => {
    const streamed = run([ev.start(), ev.tool(0, 'toolu_j', 'json_tool_call'), ev.json(0, ''), ev.json(0, '{"a"'), ev.json(0, ':1}'), ev.stop(0)], { jsonToolName: 'json_tool_call' });
    assert.deepEqual(streamed.deltas.slice(1), [{ content: '{"a"' }, { content: ':1}' }]);
    assert.ok(streamed.state.sawJsonTool);
    const empty = run([ev.start(), ev.tool(0, 'toolu_j', 'json_tool_call'), ev.stop(0)], { jsonToolName: 'json_tool_call' });
    assert.deepEqual(empty.deltas.slice(1), [{ content: '{}' }]);
  });
});

describe('reduceStreamEvent: thinking', () => {
  it('reasoning_content per non-empty delta, thinking_blocks with full text and signature at stop', () => {
    const { deltas } = run([ev.start(), ev.thinking(0), ev.thinkingDelta(0, 'a'), ev.thinkingDelta(0, ''), ev.thinkingDelta(0, 'b'), ev.signature(0, 'SIG'), ev.stop(0)]);
    assert.deepEqual(deltas.slice(1), [
      { reasoning_content: 'a' },
      { reasoning_content: 'b' },
      { thinking_blocks: [{ type: 'thinking', thinking: 'ab', signature: 'SIG' }] },
    ]);
  });

  it('redacted thinking is returned whole at stop', () => {
    const { deltas } = run([ev.start(), ev.redacted(0, 'opaque=='), ev.stop(0)]);
    assert.deepEqual(deltas.slice(1), [{ thinking_blocks: [{ type: 'redacted_thinking', data: 'opaque==' }] }]);
  });
});

describe('reduceStreamEvent: unknown things', () => {
  it('ignores unknown events, blocks and deltas', () => {
    const { deltas, steps } = run([
      ev.start(),
      { type: 'future_event', x: 1 } as unknown as StreamEvent,
      { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 's', name: 'web_search', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"q":1}' } },
      ev.stop(0),
      ev.text(1),
      { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: { url: 'x' } } },
      ev.stop(1),
    ]);
    assert.deepEqual(deltas, [{ role: 'assistant', content: '' }]);
    assert.ok(steps.every((step) => step.error === null && !step.done));
  });
});

describe('reduceStreamEvent: message_delta / message_stop / error', () => {
  it('stores stop_reason and overwrites cumulative usage (input_tokens may change)', () => {
    const { state } = run([
      ev.start({ input_tokens: 43, output_tokens: 1 }),
      ev.delta(null, { input_tokens: 61, output_tokens: 3 }),
      ev.delta('end_turn', { input_tokens: 61, output_tokens: 9 }),
    ]);
    assert.equal(state.stopReason, 'end_turn');
    assert.deepEqual(state.deltaUsage, { input_tokens: 61, output_tokens: 9 });
    assert.deepEqual(state.startUsage, { input_tokens: 43, output_tokens: 1 });
  });

  it('a refusal explanation streams as delta.refusal', () => {
    const { deltas } = run([ev.start(), ev.delta('refusal', { output_tokens: 2 }, { stop_details: { type: 'refusal', category: null, explanation: 'Declined.' } })]);
    assert.deepEqual(deltas.slice(1), [{ refusal: 'Declined.' }]);
    const silent = run([ev.start(), ev.delta('refusal', { output_tokens: 2 }, { stop_details: null })]);
    assert.equal(silent.deltas.length, 1);
  });

  it('message_stop reports done exactly once; later events are ignored', () => {
    const { steps, state } = run([ev.start(), ev.messageStop(), ev.messageStop(), ev.text(0), ev.textDelta(0, 'x')]);
    assert.deepEqual(steps.map((s) => s.done), [false, true, false, false, false]);
    assert.ok(steps.slice(2).every((s) => s.chunks.length === 0));
    assert.ok(state.done);
  });

  it('an error event is mapped, marks the state, and silences everything after it', () => {
    const { steps, state } = run([ev.start(), ev.text(0), ev.error('overloaded_error', 'Overloaded'), ev.textDelta(0, 'x'), ev.messageStop()]);
    assert.equal(steps[2].error?.code, 'upstream_overloaded');
    assert.equal(steps[2].error?.message, 'Overloaded');
    assert.ok(state.errored);
    assert.ok(steps.slice(3).every((s) => s.chunks.length === 0 && !s.done && s.error === null));
  });

  it('steps that emit nothing are shared and frozen (no per-event allocation)', () => {
    const { steps } = run([ev.ping(), ev.ping()]);
    assert.equal(steps[0], steps[1]);
    assert.ok(Object.isFrozen(steps[0]) && Object.isFrozen(steps[0].chunks));
  });
});
