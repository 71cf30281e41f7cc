/**
 * Anthropic SSE bytes -> parsed stream events, in ONE stage: a reader over the body feeds
 * eventsource-parser's `createParser` directly (no TextDecoderStream/EventSourceParserStream chain;
 * architecture.md §2 measured the chain at about twice the CPU).
 *
 * Tolerated (protocol.md §4.2 "Byte-level quirks"): whitespace padding inside the JSON, `{"type": "ping"}`,
 * unknown event types (yielded; the reducer ignores them), CRLF/CR line endings, a UTF-8 BOM,
 * comments, unknown SSE fields, multi-byte characters split across reads, a stray `data: [DONE]`.
 * Fatal (GatewayError `upstream_protocol_error`, and the body is cancelled): data that is not a JSON
 * object with a string `type`, or one event bigger than `maxEventBytes`.
 *
 * Network errors from the body reader are rethrown unchanged (an AbortError stays an AbortError, so
 * the caller can tell a client disconnect from an upstream failure).
 */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { GatewayError } from '../domain/errors.ts';
import type { StreamEvent } from '../protocol/anthropic/messages.ts';
import { fastTextDelta } from './fast-text-delta.ts';

export interface DecodeAnthropicEventsOptions {
  /** Largest accepted `data` payload in UTF-8 bytes. Default 1 MiB. */
  maxEventBytes?: number;
}

const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
/** Room for the `event:`/`data:` field names around a payload while it is still buffered. */
const FRAMING_SLACK = 256;

/**
 * `body` is a fetch body; any async iterable of bytes (undici/Node streams) works as well. Stopping
 * the returned iterator early (`return()`) cancels the body, which aborts the upstream request.
 */
export function decodeAnthropicEvents(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: DecodeAnthropicEventsOptions = {},
): AsyncIterable<StreamEvent> {
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  return { [Symbol.asyncIterator]: () => new AnthropicEventIterator(openSource(body), maxEventBytes) };
}

interface ByteSource {
  read(): Promise<IteratorResult<Uint8Array, unknown>>;
  /** Stop the producer (aborts the upstream response); never rejects. */
  cancel(reason?: unknown): Promise<void>;
  /** Reached the end normally. */
  release(): void;
}

function openSource(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): ByteSource {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    // A reader is cheaper per chunk than the stream's async iterator.
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    return {
      read: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
      cancel: (reason) => reader.cancel(reason).catch(() => {}),
      release: () => reader.releaseLock(),
    };
  }
  const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    read: () => iterator.next(),
    cancel: async () => {
      try {
        await iterator.return?.();
      } catch {
        // already failed: nothing left to stop
      }
    },
    release: () => {},
  };
}

const encoder = new TextEncoder();
/** Decodes reads that hold whole characters only; a U+FEFF inside the stream is text, not a BOM to drop. */
const WHOLE = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 size of `text` without encoding it unless the cheap bounds cannot decide. */
function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true; // every UTF-16 unit is at least one UTF-8 byte
  if (text.length * 3 <= max) return false; // every UTF-16 unit is at most three UTF-8 bytes
  return encoder.encode(text).length > max;
}

/**
 * The parsing core, push-style: bytes in (`feed`), parsed events accumulate in `events`, the first
 * fatal problem in `failure` (nothing is parsed after it). Used by the pull iterator below and by
 * push consumers (`provider.subscribe`), so both see exactly the same events and errors.
 */
export class AnthropicEventParser {
  /** Parsed events not yet taken by the consumer. */
  events: StreamEvent[] = [];
  failure: GatewayError | null = null;
  private readonly decoder = new TextDecoder('utf-8');
  /** The streaming decoder holds no partial character and has seen the stream's start (its BOM). */
  private decoderIdle = false;
  private readonly parser: EventSourceParser;

  constructor(private readonly maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES) {
    this.parser = createParser({
      onEvent: (message) => this.onEvent(message),
      onError: (error) => {
        // Unknown fields and bad `retry:` values are harmless; only the size guard is fatal.
        if (error.type === 'max-buffer-size-exceeded') {
          this.fail(new GatewayError('upstream_protocol_error', `upstream SSE event exceeds ${this.maxEventBytes} bytes`));
        }
      },
      maxBufferSize: maxEventBytes + FRAMING_SLACK,
    });
  }

  feed(bytes: Uint8Array): void {
    if (this.failure !== null || bytes.length === 0) return;
    // A read that ends on an ASCII byte (an SSE event ends with "\n") completes every character in
    // it: it can be decoded on its own, which skips the streaming decoder's per-call work (~110 ns
    // against ~60 ns per read on Node). Identical text, replacement characters included.
    const endsWhole = bytes[bytes.length - 1]! < 0x80;
    const text = this.decoderIdle && endsWhole ? WHOLE.decode(bytes) : this.decoder.decode(bytes, { stream: true });
    this.decoderIdle = endsWhole;
    this.parser.feed(text);
  }

  /** The body ended: parse what the decoder still holds (an unterminated event is discarded, per SSE). */
  end(): void {
    const rest = this.decoder.decode();
    if (rest !== '' && this.failure === null) this.parser.feed(rest);
  }

  private onEvent(message: EventSourceMessage): void {
    if (this.failure !== null) return;
    const data = message.data;
    // Not an Anthropic event, but some Anthropic-compatible relays append it; it carries nothing.
    if (data === '[DONE]') return;
    if (exceedsBytes(data, this.maxEventBytes)) {
      this.fail(new GatewayError('upstream_protocol_error', `upstream SSE event exceeds ${this.maxEventBytes} bytes`));
      return;
    }
    const delta = fastTextDelta(data);
    if (delta !== null) {
      this.events.push(delta);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch (cause) {
      this.fail(new GatewayError('upstream_protocol_error', 'upstream sent an SSE event whose data is not valid JSON', { cause }));
      return;
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      this.fail(new GatewayError('upstream_protocol_error', 'upstream sent an SSE event without a string "type"'));
      return;
    }
    this.events.push(value as StreamEvent);
  }

  private fail(error: GatewayError): void {
    if (this.failure === null) this.failure = error;
  }
}

class AnthropicEventIterator implements AsyncIterator<StreamEvent> {
  private readonly source: ByteSource;
  private readonly parsing: AnthropicEventParser;
  /** Events parsed but not yet handed out (the parser's array); `head` avoids Array#shift. */
  private queue: StreamEvent[];
  private head = 0;
  private failure: GatewayError | null = null;
  private finished = false;

  constructor(source: ByteSource, maxEventBytes: number) {
    this.source = source;
    this.parsing = new AnthropicEventParser(maxEventBytes);
    this.queue = this.parsing.events;
  }

  /** After a feed: a parse failure stops the body (nothing after a framing error can be trusted). */
  private checkFailure(): void {
    if (this.parsing.failure !== null && this.failure === null && !this.finished) this.fail(this.parsing.failure);
  }

  private fail(error: GatewayError): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.finished = true;
    // Abort the upstream response: nothing after a framing error can be trusted.
    void this.source.cancel(error);
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    // Fast path (most calls: one network read carries several events): no async-function frame.
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    return this.nextSlow();
  }

  /**
   * The next event if it is already parsed (it arrived in the same network read), without waiting:
   * lets the caller coalesce a burst into one write. Failures are still reported by `next()`.
   */
  takeBuffered(): StreamEvent | undefined {
    return this.head < this.queue.length ? this.take().value : undefined;
  }

  private take(): IteratorResult<StreamEvent> {
    const value = this.queue[this.head++];
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return { value, done: false };
  }

  private async nextSlow(): Promise<IteratorResult<StreamEvent>> {
    for (;;) {
      if (this.head < this.queue.length) return this.take();
      if (this.failure !== null) {
        const error = this.failure;
        // Throw once; afterwards behave like an exhausted iterator.
        this.failure = null;
        this.finished = true;
        throw error;
      }
      if (this.finished) return { value: undefined, done: true };
      await this.pull();
    }
  }

  private async pull(): Promise<void> {
    let result: IteratorResult<Uint8Array, unknown>;
    try {
      result = await this.source.read();
    } catch (error) {
      this.finished = true;
      throw error;
    }
    if (result.done === true) {
      this.finished = true;
      this.parsing.end();
      // An event not terminated by a blank line is incomplete and discarded (SSE spec); the reducer
      // then reports the missing message_stop.
      this.source.release();
      if (this.parsing.failure !== null && this.failure === null) this.failure = this.parsing.failure;
      return;
    }
    this.parsing.feed(result.value);
    this.checkFailure();
  }

  /** Consumer stopped early (`break`, or a downstream cancel): abort the upstream body. */
  async return(): Promise<IteratorResult<StreamEvent>> {
    if (!this.finished) {
      this.finished = true;
      this.queue.length = 0;
      this.head = 0;
      await this.source.cancel();
    }
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<StreamEvent>> {
    await this.return();
    throw error;
  }
}
