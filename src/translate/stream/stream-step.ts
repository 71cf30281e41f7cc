/**
 * What one reducer call returns. Steps that emit nothing are shared frozen constants (no allocation on
 * the hot path for pings, block starts, signatures, message_delta): treat every step as read-only.
 */
import type { GatewayError } from '../../domain/errors.ts';
import type { StreamEvent } from '../../protocol/anthropic/messages.ts';
import type { ChatCompletionChunk } from '../../protocol/openai/chat-completion.ts';

export interface StreamStep {
  chunks: ChatCompletionChunk[];
  /** A mid-stream upstream `error` event, mapped. The caller ends the stream with it (no finish chunk). */
  error: GatewayError | null;
  /** message_stop seen: the caller emits `finishChunk` (and the usage chunk when asked). */
  done: boolean;
}

export const NOTHING: StreamStep = Object.freeze({ chunks: Object.freeze([]) as unknown as ChatCompletionChunk[], error: null, done: false });
export const DONE: StreamStep = Object.freeze({ chunks: Object.freeze([]) as unknown as ChatCompletionChunk[], error: null, done: true });

export function emit(chunk: ChatCompletionChunk): StreamStep {
  return { chunks: [chunk], error: null, done: false };
}

/** The event variant with the given `type`. */
export type Event<T extends StreamEvent['type']> = Extract<StreamEvent, { type: T }>;
