/**
 * A streaming response body as SSE text, taken by the HTTP adapter in one of two ways: `pipe` (the
 * Node entry: every piece is written to the ServerResponse the moment it is produced, no promise
 * per piece) or `next` (the Hono app wraps it in a ReadableStream, `toReadableStream`). Either way
 * it is demand-driven like a ReadableStream with highWaterMark 0: the producer runs only while the
 * reader waits or the sink accepts, so nothing is read from the upstream faster than the client takes it.
 */
export interface SseSource {
  /** Everything ready to send (joined), or null once the stream ended. Never rejects. */
  next(): Promise<string | null>;
  /** Push delivery to `sink` instead of `next()` (use one or the other, once). */
  pipe(sink: SseSink): void;
  /** The sink drained after its write() returned false: writing goes on. */
  resume(): void;
  /** The client went away: stop producing (the producer bills what was produced). */
  cancel(): Promise<void>;
  /** True once the stream is closed and everything was handed out: the text just read was the last. */
  readonly finished: boolean;
}

/** Where a piped SseSource writes. */
export interface SseSink {
  /** Sends `text`; false when the client is behind: nothing more is written until `resume()`. */
  write(text: string): boolean;
  /** The stream ended; `text` is its last piece ('' if none). Called once, never after `cancel()`. */
  end(text: string): void;
}

/**
 * How an SseOutput gets its text: `pull` (the producer awaits its input; called while a reader
 * waits, must produce at least one piece or close per call, never rejects) or `demand` (a push
 * producer: told synchronously that a reader waits with nothing queued, e.g. to resume its input).
 * `cancel` runs once, when the reader cancels before the end.
 */
export type SseProducer =
  | { pull: () => Promise<void>; demand?: undefined; cancel: () => Promise<void> }
  | { pull?: undefined; demand: () => void; cancel: () => Promise<void> };

/** The producer's side of an SseSource. */
export class SseOutput implements SseSource {
  private chunks: string[] = [];
  private queued = 0;
  private closed = false;
  private cancelled = false;
  private pulling = false;
  private waiter: ((text: string | null) => void) | null = null;
  private sink: SseSink | null = null;
  /** The sink's last write() returned false (pieces queue up until resume()). */
  private blocked = false;

  constructor(private readonly producer: SseProducer) {}

  get finished(): boolean {
    return this.closed && this.chunks.length === 0;
  }

  /** Characters queued for a reader that has not asked yet (a push producer pauses its input above a bound). */
  get backlog(): number {
    return this.queued;
  }

  /** Queue text for the reader (hands it over at once if one is waiting or a sink accepts). Ignored after close. */
  enqueue(text: string): void {
    if (this.closed) return;
    const sink = this.sink;
    if (sink !== null && !this.blocked && this.chunks.length === 0) {
      if (!sink.write(text)) this.blocked = true;
      return;
    }
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(text);
    } else {
      this.chunks.push(text);
      this.queued += text.length;
    }
  }

  /** The last piece, and close: a sink gets both in one end() call (one write with the terminator). */
  finish(text: string): void {
    if (this.closed) return;
    if (this.sink === null) {
      this.enqueue(text);
      this.close();
      return;
    }
    this.chunks.push(text);
    this.queued += text.length;
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sink !== null && !this.blocked) this.endSink(); // a blocked sink ends on resume()
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(null);
    }
  }

  next(): Promise<string | null> {
    if (this.chunks.length > 0) return Promise.resolve(this.takeQueued());
    if (this.closed) return Promise.resolve(null);
    const reading = new Promise<string | null>((resolve) => {
      this.waiter = resolve;
    });
    if (this.producer.demand) this.producer.demand();
    else if (!this.pulling) this.runPull();
    return reading;
  }

  pipe(sink: SseSink): void {
    this.sink = sink;
    this.pump();
  }

  resume(): void {
    if (this.sink === null || !this.blocked) return;
    this.blocked = false;
    this.pump();
  }

  /** Sink mode: write what is queued, end if closed, else let the producer produce. */
  private pump(): void {
    if (this.closed) return this.endSink();
    if (this.chunks.length > 0 && !this.sink!.write(this.takeQueued())) {
      this.blocked = true;
      return;
    }
    if (this.producer.demand) this.producer.demand();
    else if (!this.pulling) this.runPull();
  }

  private endSink(): void {
    const sink = this.sink!;
    this.sink = null;
    sink.end(this.chunks.length > 0 ? this.takeQueued() : '');
  }

  private takeQueued(): string {
    const text = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
    this.chunks = [];
    this.queued = 0;
    return text;
  }

  /** Someone takes text now: a waiting next(), or a sink that is not behind. */
  private get wanted(): boolean {
    return this.waiter !== null || (this.sink !== null && !this.blocked);
  }

  private runPull(): void {
    this.pulling = true;
    this.producer.pull!().then(
      () => {
        this.pulling = false;
        // A pull that produced nothing (or a sink that takes more): pull again.
        if (this.wanted && !this.closed) this.runPull();
      },
      () => {
        this.pulling = false;
        this.close(); // pull never rejects by contract; if it does, end rather than hang
      },
    );
  }

  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.sink = null; // the client is gone: nothing more is written, not even the end
    const wasOpen = !this.closed;
    this.chunks = [];
    this.queued = 0;
    this.close();
    if (wasOpen) await this.producer.cancel();
  }
}

const encoder = new TextEncoder();

/** The Web-standard body for runtimes that answer with a Response (Hono, Workers). */
export function toReadableStream(source: SseSource): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const text = await source.next();
        if (text === null) return controller.close();
        controller.enqueue(encoder.encode(text));
        if (source.finished) controller.close();
      },
      cancel: () => source.cancel(),
    },
    { highWaterMark: 0 },
  );
}
