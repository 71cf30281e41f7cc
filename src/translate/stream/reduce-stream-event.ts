/**
 * The streaming reducer (protocol.md §6.4): one Anthropic event in, the OpenAI chunks to emit now out.
 * It MUTATES `state` in place (see stream-state.ts) and returns a fresh step only when there is
 * something to say; steps that emit nothing are one shared frozen object — treat every step as
 * read-only. After message_stop (`done: true`, reported exactly once) or an upstream `error` event,
 * all later events are ignored.
 */
import type { StreamEvent, Usage } from '../../protocol/anthropic/messages.ts';
import { mapStreamErrorEvent } from '../error/map-upstream-error.ts';
import { deltaChunk } from './chunk.ts';
import { onBlockDelta, onBlockStart, onBlockStop } from './reduce-content-block.ts';
import type { StreamState } from './stream-state.ts';
import { DONE, emit, NOTHING, type Event, type StreamStep } from './stream-step.ts';

export type { StreamStep } from './stream-step.ts';

export function reduceStreamEvent(state: StreamState, event: StreamEvent): StreamStep {
  if (state.done || state.errored) return NOTHING;
  switch (event.type) {
    case 'content_block_delta':
      return onBlockDelta(state, event);
    case 'message_start':
      return onMessageStart(state, event);
    case 'content_block_start':
      return onBlockStart(state, event);
    case 'content_block_stop':
      return onBlockStop(state, event);
    case 'message_delta':
      return onMessageDelta(state, event);
    case 'message_stop':
      state.done = true;
      return DONE;
    case 'error':
      return onError(state, event);
    case 'ping':
      return NOTHING;
    default:
      // New event types may appear at any time (A-STREAM): ignore.
      return NOTHING;
  }
}

function onMessageStart(state: StreamState, event: Event<'message_start'>): StreamStep {
  if (state.sawMessageStart) return NOTHING;
  state.sawMessageStart = true;
  const usage = event.message?.usage;
  state.startUsage = typeof usage === 'object' && usage !== null ? usage : null;
  // OpenAI's first chunk announces the role with empty content (protocol.md §2.2 step 1).
  return emit(deltaChunk(state, { role: 'assistant', content: '' }));
}

function onMessageDelta(state: StreamState, event: Event<'message_delta'>): StreamStep {
  const delta = event.delta;
  if (typeof delta?.stop_reason === 'string') state.stopReason = delta.stop_reason;
  const usage = event.usage;
  // Cumulative: overwrite, never add (A-STREAM).
  if (typeof usage === 'object' && usage !== null) state.deltaUsage = usage as Partial<Usage>;
  const details = delta?.stop_details as { explanation?: unknown } | null | undefined;
  if (delta?.stop_reason === 'refusal' && typeof details?.explanation === 'string' && details.explanation !== '') {
    // OpenAI streams refusals as `delta.refusal`; Anthropic explains them in stop_details.
    return emit(deltaChunk(state, { refusal: details.explanation }));
  }
  return NOTHING;
}

function onError(state: StreamState, event: Event<'error'>): StreamStep {
  state.errored = true;
  const error = event.error ?? { type: 'api_error', message: '' };
  return { chunks: [], error: mapStreamErrorEvent(error), done: false };
}
