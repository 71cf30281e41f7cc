import type { Message, MessagesRequest, StreamEvent } from '../protocol/anthropic/messages.ts';

export interface UpstreamMeta {
  /** Anthropic `request-id` header, logged beside ours. */
  requestId: string | null;
  status: number;
}

/**
 * The upstream behind a small interface (Anthropic first). Implementations throw GatewayError for
 * every failure before the stream starts; mid-stream failures surface as `error` events or a thrown
 * GatewayError from the iterator (malformed SSE, EOF without message_stop is left to the caller).
 * Aborting `signal` cancels the upstream request at any stage.
 */
export interface ChatProvider {
  createMessage(request: MessagesRequest, signal: AbortSignal): Promise<{ message: Message; meta: UpstreamMeta }>;
  /** Resolves once upstream answered 200 with an event stream. */
  streamMessage(request: MessagesRequest, signal: AbortSignal): Promise<{ events: AsyncIterable<StreamEvent>; meta: UpstreamMeta }>;
}

/**
 * What `streamMessage` events iterate with: optionally, `takeBuffered()` hands out an event that
 * is already parsed (same network read) synchronously, so callers can coalesce bursts into one write.
 */
export interface BufferedIterator extends AsyncIterator<StreamEvent> {
  takeBuffered?(): StreamEvent | undefined;
}
