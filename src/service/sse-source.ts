/**
 * A streaming response body as SSE text, pulled by the HTTP adapter: the Node entry writes each
 * piece straight to the socket (strings: no TextEncoder pass, no Web stream in between), the Hono
 * app wraps it in a ReadableStream (`toReadableStream`). Demand-driven like a ReadableStream with
 * highWaterMark 0: the producer runs only while a `next()` is waiting, so nothing is read from the
 * upstream faster than the client takes it.
 */
export interface SseSource {
  /** Everything ready to send (joined), or null once the stream ended. Never rejects. */
  next(): Promise<string | null>;
  /** The client went away: stop producing (the producer bills what was produced). */
  cancel(): Promise<void>;
  /** True once the stream is closed and everything was handed out: the text just read was the last. */
  readonly finished: boolean;
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

  constructor(private readonly producer: SseProducer) {}

  get finished(): boolean {
    return this.closed && this.chunks.length === 0;
  }

  /** Characters queued for a reader that has not asked yet (a push producer pauses its input above a bound). */
  get backlog(): number {
    return this.queued;
  }

  /** Queue text for the reader (hands it over at once if one is waiting). Ignored after close. */
  enqueue(text: string): void {
    if (this.closed) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(text);
    } else {
      this.chunks.push(text);
      this.queued += text.length;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(null);
    }
  }

  next(): Promise<string | null> {
    if (this.chunks.length > 0) {
      const text = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
      this.chunks = [];
      this.queued = 0;
      return Promise.resolve(text);
    }
    if (this.closed) return Promise.resolve(null);
    const reading = new Promise<string | null>((resolve) => {
      this.waiter = resolve;
    });
    if (this.producer.demand) this.producer.demand();
    else if (!this.pulling) this.runPull();
    return reading;
  }

  private runPull(): void {
    this.pulling = true;
    this.producer.pull!().then(
      () => {
        this.pulling = false;
        // A pull that produced nothing while a reader still waits: pull again.
        if (this.waiter !== null && !this.closed) this.runPull();
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
