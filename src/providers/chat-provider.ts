import type { Message, MessagesRequest, StreamEvent } from '../protocol/anthropic/messages.ts';
import type { CancelSignal } from '../domain/cancellation.ts';

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
  createMessage(request: MessagesRequest, signal: CancelSignal): Promise<{ message: Message; meta: UpstreamMeta }>;
  /** Resolves once upstream answered 200 with an event stream. */
  streamMessage(request: MessagesRequest, signal: CancelSignal): Promise<OpenedStream>;
}

export interface OpenedStream {
  events: AsyncIterable<StreamEvent>;
  meta: UpstreamMeta;
  /**
   * Optional push mode, where the transport supports it (Node): the same events, handed over per
   * network read with no promise per event. Use either `events` or `subscribe`, once.
   */
  subscribe?: (sink: EventSink) => EventFlow;
}

export interface EventSink {
  /** The events parsed from one network read, in order. */
  events(batch: StreamEvent[]): void;
  /** The body ended (whether message_stop came is the consumer's to check). */
  end(): void;
  /** A network failure (the raw error, as the iterator would throw it) or a GatewayError for malformed SSE. At most once. */
  error(error: unknown): void;
}

export interface EventFlow {
  pause(): void;
  resume(): void;
  /** Stop reading: aborts the upstream response. */
  cancel(): void;
}

/**
 * What `streamMessage` events iterate with: optionally, `takeBuffered()` hands out an event that
 * is already parsed (same network read) synchronously, so callers can coalesce bursts into one write.
 */
export interface BufferedIterator extends AsyncIterator<StreamEvent> {
  takeBuffered?(): StreamEvent | undefined;
}
