import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ChatCompletionChunkDelta } from '../../protocol/openai/chat-completion.ts';
import { mapUsage } from '../response/map-usage.ts';
import { deltaChunk, makeChunk, serializeChunk } from './chunk.ts';
import { createStreamState } from './stream-state.ts';

describe('serializeChunk', () => {
  it('is byte-identical to JSON.stringify for every chunk shape we build', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.string(),
          created: fc.integer({ min: 0, max: 2 ** 31 }),
          model: fc.string(),
          includeUsage: fc.boolean(),
          choiceIndex: fc.nat(8),
          systemFingerprint: fc.option(fc.string(), { nil: null }),
        }),
        fc.oneof(
          fc.record({ content: fc.string() }),
          fc.record({ reasoning_content: fc.string() }),
          fc.record({ refusal: fc.string() }),
          fc.constant({ role: 'assistant', content: '' }),
          fc.record({ tool_calls: fc.tuple(fc.record({ index: fc.nat(), function: fc.record({ arguments: fc.string() }) })) }),
          fc.constant({}),
        ),
        fc.constantFrom(null, 'stop', 'length', 'tool_calls', 'content_filter'),
        fc.constantFrom('none', 'usage', 'empty'),
        (context, delta, finish, shape) => {
          const state = createStreamState(context);
          const chunk =
            shape === 'empty'
              ? makeChunk(context, [])
              : deltaChunk(state, delta as ChatCompletionChunkDelta, finish as never);
          if (shape === 'usage') chunk.usage = mapUsage({ input_tokens: 3, output_tokens: 4 });
          assert.equal(serializeChunk(state, chunk), JSON.stringify(chunk));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('handles a multi-choice chunk and a foreign choice index', () => {
    const state = createStreamState({ id: 'c', created: 1, model: 'm', includeUsage: false, choiceIndex: 0 });
    const chunk = makeChunk(state.context, [
      { index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    assert.equal(serializeChunk(state, chunk), JSON.stringify(chunk));
  });
});
