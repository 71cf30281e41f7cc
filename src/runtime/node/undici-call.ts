import type { Dispatcher } from 'undici';
import { UpstreamTimeoutError, type ByteFlow, type ByteSink, type TransportResponse } from '../../providers/transport/transport.ts';
import type { CancelSignal } from '../../domain/cancellation.ts';

/**
 * One upstream call as an undici dispatch handler: the parser hands the head and each body chunk
 * straight to this object. `Agent.request` puts an AsyncResource, a body `Readable` (with its
 * buffering and 'data' events) and a header object per call between the two; measured, that layer
 * was ~5% of Portico's CPU per JSON request and a step per streamed chunk (docs/benchmark.md).
 *
 * The call is also the response it resolves to (no per-call closures). Its body is read once, in one
 * of three ways (TransportResponse): `text()`, the `body` iterator
 * (pull) or `subscribe()` (push). Chunks that arrive before the reader chooses (the head and a small
 * body often come in one socket read) are held, and past PAUSE_AT_CHUNKS the parser is paused
 * (returning false from onData), so memory per stream stays bounded whatever the reader does.
 */
export class UndiciCall implements Dispatcher.DispatchHandler, TransportResponse {
  /** Settles with the head (or the failure before it). */
  readonly head: Promise<TransportResponse>;
  private resolveHead!: (response: TransportResponse) => void;
  private rejectHead!: (error: unknown) => void;
  private headDone = false;

  private abortCall: ((reason?: Error) => void) | null = null;
  private resumeParser: (() => void) | null = null;
  /** Set when the caller's signal fired before undici connected the request. */
  private abortReason: Error | null = null;
  private readonly signal: CancelSignal;
  private listening = false;

  status = 0;
  private rawHeaders: Buffer[] | string[] = [];
  private headerMap: Map<string, string> | null = null;

  /** Chunks not yet handed to the reader, and where the reader is in them. */
  private chunks: Buffer[] = [];
  /** The parser is paused (onData returned false) until resume(). */
  private parserPaused = false;
  private ended = false;
  private failure: Error | null = null;
  /** The reader let go (cancel, iterator return, text over its cap): later events are ignored. */
  private released = false;
  private reader: BodyReader | null = null;

  constructor(signal: CancelSignal) {
    this.signal = signal;
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    if (signal.aborted) {
      this.abortReason = reasonOf(signal);
    } else {
      signal.addEventListener('abort', this.onAbort);
      this.listening = true;
    }
  }

  private readonly onAbort = (): void => {
    this.stopListening();
    const reason = reasonOf(this.signal);
    if (this.abortCall !== null) this.abortCall(reason);
    else this.abortReason = reason;
  };

  private stopListening(): void {
    if (!this.listening) return;
    this.listening = false;
    this.signal.removeEventListener('abort', this.onAbort);
  }

  // --- undici's handler interface -------------------------------------------------------------

  onConnect(abort: (reason?: Error) => void): void {
    if (this.abortReason !== null) {
      abort(this.abortReason);
      return;
    }
    this.abortCall = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: the real head follows
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    this.resumeParser = resume;
    this.headDone = true;
    this.resolveHead(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.released) return true;
    const reader = this.reader;
    if (reader !== null && reader.take(chunk)) return !this.parserPaused;
    this.chunks.push(chunk);
    if (this.chunks.length >= PAUSE_AT_CHUNKS || (reader !== null && reader.paused)) this.parserPaused = true;
    return !this.parserPaused;
  }

  onComplete(): void {
    this.stopListening();
    if (this.released) return;
    this.ended = true;
    this.reader?.settled();
  }

  onError(error: Error): void {
    this.stopListening();
    if (!this.headDone) {
      this.headDone = true;
      this.rejectHead(asTimeout(error));
      return;
    }
    if (this.released || this.ended) return;
    this.ended = true;
    this.failure = error;
    this.reader?.settled();
  }

  // --- what the reader sees -------------------------------------------------------------------

  get body(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.attach(new PullReader(this)) as PullReader };
  }

  text(limitBytes = 4 * 1024 * 1024): Promise<string> {
    return (this.attach(new TextReader(this, limitBytes)) as TextReader).result;
  }

  subscribe(sink: ByteSink): ByteFlow {
    return this.attach(new PushReader(this, sink)) as PushReader;
  }

  cancel(): void {
    this.release();
  }

  header(name: string): string | null {
    let map = this.headerMap;
    if (map === null) {
      map = new Map();
      const raw = this.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const key = raw[i]!.toString('latin1').toLowerCase();
        const value = raw[i + 1]!.toString('latin1');
        const seen = map.get(key);
        map.set(key, seen === undefined ? value : `${seen}, ${value}`);
      }
      this.headerMap = map;
      this.rawHeaders = [];
    }
    return map.get(name) ?? null;
  }

  private attach(reader: BodyReader): BodyReader {
    if (this.reader !== null) throw new Error('the upstream body is read once');
    this.reader = reader;
    reader.start();
    return reader;
  }

  /** Hands the held chunks over (the reader calls this when it can take them). */
  drain(): Buffer[] {
    const held = this.chunks;
    if (held.length === 0) return NONE;
    this.chunks = [];
    return held;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The failure that ended the body, once (afterwards the body reads as ended). */
  takeFailure(): Error | null {
    const failure = this.failure;
    this.failure = null;
    return failure;
  }

  /** Lets the parser go on if it was paused and the reader wants more. */
  resume(): void {
    if (!this.parserPaused || this.released) return;
    this.parserPaused = false;
    this.resumeParser?.();
  }

  pauseParser(): void {
    this.parserPaused = true;
  }

  /**
   * Stop: abort the request (closes a streaming upstream's connection). A reader still waiting
   * sees the body fail (as a destroyed stream would); later events from undici are ignored.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.chunks = [];
    this.stopListening();
    if (this.ended) return;
    this.abortCall?.(RELEASED);
    this.ended = true;
    this.failure = RELEASED;
    this.reader?.settled();
  }
}

const NONE: Buffer[] = [];

/** Held chunks at which the parser is paused until the reader catches up (bounded memory per stream). */
const PAUSE_AT_CHUNKS = 16;

/** A fixed reason for our own aborts: an Error per call would capture a stack each time. */
const RELEASED = Object.freeze(new Error('upstream body released by the reader'));

function reasonOf(signal: CancelSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** undici's timeout errors → the transport's UpstreamTimeoutError; anything else unchanged. */
function asTimeout(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeoutError('headers');
  if (code === 'UND_ERR_BODY_TIMEOUT') return new UpstreamTimeoutError('body');
  return error;
}

interface BodyReader {
  /** Attached: take what is held. */
  start(): void;
  /** A chunk as it arrives; false = hold it (the call queues it). */
  take(chunk: Buffer): boolean;
  /** The reader has asked to stop the flow. */
  readonly paused: boolean;
  /** The body ended or failed (see the call's isEnded / takeFailure). */
  settled(): void;
}

/** text(): the whole body, capped (RangeError past the cap, as transport.readText does). */
class TextReader implements BodyReader {
  readonly result: Promise<string>;
  private resolve!: (text: string) => void;
  private reject!: (error: unknown) => void;
  private parts: Buffer[] = [];
  private size = 0;
  private done = false;
  readonly paused = false;

  constructor(
    private readonly call: UndiciCall,
    private readonly limitBytes: number,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  start(): void {
    for (const chunk of this.call.drain()) this.take(chunk);
    this.call.resume();
    if (this.call.isEnded) this.settled();
  }

  take(chunk: Buffer): boolean {
    if (this.done) return true;
    this.size += chunk.length;
    if (this.size > this.limitBytes) {
      this.done = true;
      this.parts = [];
      this.call.release();
      this.reject(new RangeError(`upstream body exceeds ${this.limitBytes} bytes`));
      return true;
    }
    this.parts.push(chunk);
    return true;
  }

  settled(): void {
    if (this.done) return;
    this.done = true;
    const failure = this.call.takeFailure();
    if (failure !== null) {
      this.reject(asTimeout(failure));
      return;
    }
    const parts = this.parts;
    this.parts = [];
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.size);
    const text = bytes.toString('utf8');
    this.resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // as TextDecoder does
  }
}

/** The `body` iterator: one promise per chunk the reader waits for; the parser pauses while chunks pile up. */
class PullReader implements BodyReader, AsyncIterator<Uint8Array> {
  private waiter: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: Error) => void } | null = null;
  private queue: Buffer[] = [];
  private head = 0;
  readonly paused = false;

  constructor(private readonly call: UndiciCall) {}

  start(): void {
    this.queue = this.call.drain();
  }

  take(chunk: Buffer): boolean {
    const waiter = this.waiter;
    if (waiter === null) return false; // held by the call, which pauses the parser when many pile up
    this.waiter = null;
    waiter.resolve({ value: chunk, done: false });
    return true;
  }

  settled(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    const failure = this.call.takeFailure();
    if (failure !== null) waiter.reject(failure);
    else waiter.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head++]!;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    const held = this.call.drain();
    if (held.length > 0) {
      this.queue = held;
      this.head = 0;
      return this.next();
    }
    if (this.call.isEnded) {
      const failure = this.call.takeFailure();
      return failure !== null ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
    }
    const wait = new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    this.call.resume(); // the parser may go on synchronously: the waiter is there to take the chunk
    return wait;
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.queue = [];
    this.call.release();
    return Promise.resolve({ value: undefined, done: true });
  }
}

const RESOLVED = Promise.resolve();

const DETACHED: ByteSink = { data: () => {}, end: () => {}, error: () => {} };

/**
 * subscribe(): undici delivers one onData per HTTP chunk, and Anthropic sends one chunk per SSE
 * event, so a single socket read can carry hundreds of them: they are gathered and handed over
 * together in a microtask (after the read's callback, before any I/O: no added latency), one sink
 * call and one downstream write per read.
 */
class PushReader implements BodyReader, ByteFlow {
  private pending: Buffer[] = [];
  private scheduled = false;
  private finished = false;
  paused = false;

  constructor(
    private readonly call: UndiciCall,
    private sink: ByteSink,
  ) {}

  start(): void {
    const held = this.call.drain();
    if (held.length > 0) {
      this.pending = held;
      this.schedule();
    } else if (this.call.isEnded) {
      this.schedule();
    }
    this.call.resume();
  }

  take(chunk: Buffer): boolean {
    if (this.finished) return true;
    this.pending.push(chunk);
    if (this.paused) this.call.pauseParser();
    else this.schedule();
    return true;
  }

  settled(): void {
    // Data that came first is delivered first; a paused reader sees the end after resume() (flush).
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A resolved promise's then: Node's queueMicrotask wraps each callback in an AsyncResource (~2x the cost).
    void RESOLVED.then(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.finished) return;
    const failure = this.call.isEnded ? this.call.takeFailure() : null;
    if (this.pending.length > 0 && (!this.paused || failure !== null)) {
      const chunks = this.pending;
      this.pending = [];
      this.sink.data(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      if (this.finished) return;
    }
    if (failure !== null) {
      this.finish().error(failure);
    } else if (this.call.isEnded && this.pending.length === 0 && !this.paused) {
      this.finish().end();
    }
  };

  /**
   * Once settled the reader lets go of the sink: undici can keep the call reachable after the
   * request (and it may be in V8's old generation by then); while it points at the sink, every
   * object of the finished stream would stay reachable and be promoted with it.
   */
  private finish(): ByteSink {
    const sink = this.sink;
    this.finished = true;
    this.pending = [];
    this.sink = DETACHED;
    return sink;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.pending.length > 0 || this.call.isEnded) this.schedule();
    this.call.resume();
  }
}
