/**
 * Thin TransformStream shell around the reducer for the single-choice case: Anthropic events in,
 * OpenAI SSE text out, `data: [DONE]` included (protocol.md §2.2, §6.4).
 * - message_stop: finish chunk (default mode: usage rides on it, as in the seed), then with
 *   include_usage the separate `choices: []` usage chunk, then [DONE].
 * - upstream `error` event, or end of input without message_stop: the in-band
 *   `data: {"error":{…}}` event, then [DONE]; never a finish chunk.
 * Framing uses the pure helpers of src/sse/encode-sse.ts (no I/O there either).
 */
import type { GatewayError } from '../../domain/errors.ts';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import { encodeSseData, encodeSseError, SSE_DONE } from '../../sse/encode-sse.ts';
import { serializeChunk } from './chunk.ts';
import { finishChunk, usageChunk } from './finish-stream.ts';
import { endOfStreamError, streamUsage } from './stream-usage.ts';
import { reduceStreamEvent } from './reduce-stream-event.ts';
import { createStreamState, type StreamContext } from './stream-state.ts';

export function toChunkStream(context: StreamContext): TransformStream<StreamEvent, string> {
  const state = createStreamState(context);
  let ended = false;
  const fail = (controller: TransformStreamDefaultController<string>, error: GatewayError): void => {
    ended = true;
    controller.enqueue(encodeSseError(error) + SSE_DONE);
  };
  return new TransformStream<StreamEvent, string>({
    transform(event, controller) {
      if (ended) return;
      const step = reduceStreamEvent(state, event);
      const chunks = step.chunks;
      for (let i = 0; i < chunks.length; i++) controller.enqueue(encodeSseData(serializeChunk(state, chunks[i])));
      if (step.error !== null) return fail(controller, step.error);
      if (!step.done) return;
      ended = true;
      const finish = finishChunk(state);
      const { usage } = streamUsage(state);
      if (!context.includeUsage) {
        finish.usage = usage;
        controller.enqueue(encodeSseData(serializeChunk(state, finish)) + SSE_DONE);
      } else {
        controller.enqueue(encodeSseData(serializeChunk(state, finish)) + encodeSseData(serializeChunk(state, usageChunk(context, usage))) + SSE_DONE);
      }
    },
    flush(controller) {
      if (ended) return;
      const error = endOfStreamError(state);
      if (error !== null) fail(controller, error);
    },
  });
}
