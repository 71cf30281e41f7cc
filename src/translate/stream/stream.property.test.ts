/**
 * Property tests (architecture.md §4.3): random valid Anthropic event sequences through the
 * reducer + encoder. Invariants: every event is `data: <JSON>` or `data: [DONE]`; [DONE] ends the
 * stream exactly once; exactly one finish_reason when message_stop arrived, none after an error or a
 * cut (then exactly one error payload); tool-call indexes dense (0..n-1) and stable (each index
 * introduced once, with an id, before its fragments); usage appears at most once; one id/created.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import { ev, readText, streamFrom } from './test-events.ts';
import { toChunkStream } from './to-chunk-stream.ts';

type Block =
  | { kind: 'text'; parts: string[] }
  | { kind: 'tool'; name: string; parts: string[] }
  | { kind: 'thinking'; parts: string[] }
  | { kind: 'redacted' }
  | { kind: 'server' };

const text = fc.string({ maxLength: 12 });
const blockArb: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), parts: fc.array(text, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('tool' as const), name: fc.constantFrom('get_weather', 'json_tool_call', 'search'), parts: fc.array(text, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('thinking' as const), parts: fc.array(text, { maxLength: 5 }) }),
  fc.constant({ kind: 'redacted' as const }),
  fc.constant({ kind: 'server' as const }),
);

const scenarioArb = fc.record({
  blocks: fc.array(blockArb, { maxLength: 6 }),
  stopReason: fc.constantFrom('end_turn', 'max_tokens', 'tool_use', 'stop_sequence', 'refusal', 'pause_turn', null, 'new_reason'),
  ending: fc.constantFrom('stop', 'stop', 'stop', 'error', 'cut'),
  omitLastBlockStop: fc.boolean(),
  pings: fc.array(fc.nat(40), { maxLength: 4 }),
  includeUsage: fc.boolean(),
  jsonTool: fc.boolean(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function events(s: Scenario): StreamEvent[] {
  const out: StreamEvent[] = [ev.start({ input_tokens: 7, output_tokens: 1 })];
  s.blocks.forEach((block, index) => {
    const last = index === s.blocks.length - 1;
    switch (block.kind) {
      case 'text':
        out.push(ev.text(index), ...block.parts.map((p) => ev.textDelta(index, p)));
        break;
      case 'tool':
        out.push(ev.tool(index, `toolu_${index}`, block.name), ...block.parts.map((p) => ev.json(index, p)));
        break;
      case 'thinking':
        out.push(ev.thinking(index), ...block.parts.map((p) => ev.thinkingDelta(index, p)), ev.signature(index, 'sig'));
        break;
      case 'redacted':
        out.push(ev.redacted(index, 'data'));
        break;
      case 'server':
        out.push({ type: 'content_block_start', index, content_block: { type: 'web_search_tool_result', content: [] } } as StreamEvent);
        break;
    }
    if (!(last && s.omitLastBlockStop)) out.push(ev.stop(index));
  });
  for (const at of s.pings) out.splice(Math.min(at, out.length), 0, ev.ping());
  if (s.ending === 'error') {
    out.splice(1 + Math.floor(out.length / 2), out.length, ev.error('overloaded_error', 'Overloaded'));
  } else if (s.ending === 'stop') {
    out.push(ev.delta(s.stopReason, { output_tokens: 20 }), ev.messageStop());
  }
  return out;
}

async function render(input: StreamEvent[], includeUsage: boolean, jsonTool: boolean): Promise<string> {
  return readText(
    streamFrom(input).pipeThrough(
      toChunkStream({ id: 'chatcmpl-p', created: 5, model: 'm', includeUsage, choiceIndex: 0, jsonToolName: jsonTool ? 'json_tool_call' : null }),
    ),
  );
}

describe('stream properties', () => {
  it('holds the invariants for random event sequences', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const output = await render(events(scenario), scenario.includeUsage, scenario.jsonTool);
        assert.ok(output.endsWith('data: [DONE]\n\n'));
        const frames = output.slice(0, -2).split('\n\n');
        assert.equal(frames.filter((f) => f === 'data: [DONE]').length, 1);
        assert.equal(frames.at(-1), 'data: [DONE]');

        let finishes = 0;
        let usages = 0;
        let errors = 0;
        const introduced: number[] = [];
        for (const frame of frames.slice(0, -1)) {
          assert.ok(frame.startsWith('data: ') && !frame.includes('\n'), frame);
          const value = JSON.parse(frame.slice(6));
          if ('error' in value) {
            errors++;
            continue;
          }
          assert.equal(value.id, 'chatcmpl-p');
          assert.equal(value.created, 5);
          if (scenario.includeUsage) assert.ok('usage' in value);
          if (value.usage) usages++;
          for (const choice of value.choices) {
            if (choice.finish_reason !== null) finishes++;
            for (const call of choice.delta.tool_calls ?? []) {
              if (call.id !== undefined) {
                assert.equal(call.index, introduced.length, 'indexes are dense, in order');
                introduced.push(call.index);
                assert.equal(call.function.arguments, '');
              } else {
                assert.ok(introduced.includes(call.index), 'fragments only for introduced calls');
                assert.ok(call.function.arguments !== '', 'no empty fragments');
              }
            }
            if (choice.delta.content === '') assert.equal(choice.delta.role, 'assistant');
          }
        }
        assert.ok(usages <= 1, 'usage at most once');
        if (scenario.ending === 'stop') {
          assert.equal(finishes, 1);
          assert.equal(errors, 0);
          assert.equal(usages, 1);
        } else {
          assert.equal(finishes, 0, 'never a clean finish after an error or a cut');
          assert.equal(errors, 1);
          assert.equal(usages, 0);
        }
      }),
      { seed: 20261201, numRuns: 400 },
    );
  });
});
