import { Agent, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { UpstreamTimeoutError, type ByteFlow, type ByteSink, type Transport } from '../../providers/transport/transport.ts';
import { CapExceeded, readCapped } from './read-capped.ts';

/**
 * Node transport: one pooled undici Agent with keep-alive. `Agent.request` costs ~0.05 ms of CPU
 * per upstream call against ~0.3 ms for the global fetch (../shared/ecosystem.md).
 */
export function createUndiciTransport(options: { connections: number; keepAliveTimeoutMs?: number }): { transport: Transport; close(): Promise<void> } {
  const agent = new Agent({
    // 0 → no cap: each open stream needs its own socket, a cap would queue streams behind it.
    connections: options.connections > 0 ? options.connections : null,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // No agent-wide timeouts: each request passes its own (TransportRequest.headersTimeoutMs /
    // bodyTimeoutMs; streams have none on the body, the service's idle timeout covers them).
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // The provider calls one URL: parse it once, not per request.
  let lastUrl = '';
  let target = { origin: '', path: '' };
  const transport: Transport = async (request) => {
    if (request.url !== lastUrl) {
      const url = new URL(request.url);
      target = { origin: url.origin, path: url.pathname + url.search };
      lastUrl = request.url;
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await agent.request({
        origin: target.origin,
        path: target.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        // undici's own timers (no AbortController per call): until the head, then per body gap.
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      });
    } catch (error) {
      throw asTimeout(error);
    }
    const headers = response.headers;
    const body = response.body;
    // Destroying an unread body (cancel) emits 'error' (RequestAbortedError); without a listener
    // that would be an uncaughtException. Readers still see errors through the async iterator.
    body.on('error', ignore);
    return {
      status: response.statusCode,
      header: (name) => {
        const value = headers[name];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : String(value);
      },
      body: nodeChunks(body),
      text: (limitBytes) => readNodeText(body, limitBytes).catch((error: unknown) => Promise.reject(asTimeout(error))),
      cancel: () => {
        body.destroy();
      },
      subscribe: (sink) => subscribeBody(body, sink),
    };
  };
  return { transport, close: () => agent.close() };
}

function ignore(): void {}

/** undici's timeout errors → the transport's UpstreamTimeoutError; anything else unchanged. */
function asTimeout(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeoutError('headers');
  if (code === 'UND_ERR_BODY_TIMEOUT') return new UpstreamTimeoutError('body');
  return error;
}

/** The whole upstream body as text (transport.readText's contract: RangeError past the cap). */
async function readNodeText(body: Readable, limitBytes = 4 * 1024 * 1024): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readCapped(body, limitBytes);
  } catch (error) {
    if (!(error instanceof CapExceeded)) throw error;
    body.destroy();
    throw new RangeError(`upstream body exceeds ${limitBytes} bytes`);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // as TextDecoder does
}

/** Queued chunks at which the body is paused until the reader catches up (bounded memory per stream). */
const PAUSE_AT_CHUNKS = 16;

/**
 * A Node Readable as an async iterable of chunks, fed by 'data' events: one promise per chunk the
 * reader waits for, against several for the stream's own async iterator (its machinery was a
 * visible part of the CPU per streamed token). Created lazily: attaching 'data' starts the flow.
 * `return()` destroys the body, which aborts the upstream request.
 */
export function nodeChunks(body: Readable): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => new ReadableChunks(body) };
}

class ReadableChunks implements AsyncIterator<Uint8Array> {
  private readonly queue: Buffer[] = [];
  private head = 0;
  private ended = false;
  private failure: Error | null = null;
  private paused = false;
  private waiter: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: Error) => void } | null = null;

  private readonly onData = (chunk: Buffer): void => {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    if (this.queue.length - this.head >= PAUSE_AT_CHUNKS && !this.paused) {
      this.paused = true;
      this.body.pause();
    }
  };
  private readonly onEnd = (): void => this.finish(null);
  private readonly onError = (error: Error): void => this.finish(error);
  private readonly onClose = (): void => {
    if (!this.ended) this.finish(new Error('upstream body closed before its end'));
  };

  constructor(private readonly body: Readable) {
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.on('error', this.onError);
    body.on('close', this.onClose);
  }

  /** Let go of the body (see subscribeBody: a finished body must not keep the reader reachable). */
  private detach(): void {
    this.body.off('data', this.onData);
    this.body.off('end', this.onEnd);
    this.body.off('error', this.onError);
    this.body.off('close', this.onClose);
  }

  private finish(error: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.detach();
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    if (error) waiter.reject(error);
    else waiter.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head++]!;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
        if (this.paused) {
          this.paused = false;
          this.body.resume();
        }
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const failure = this.failure;
      if (failure !== null) {
        this.failure = null; // reported once; afterwards an exhausted iterator
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.ended) {
      this.ended = true;
      this.queue.length = 0;
      this.head = 0;
      this.detach();
      this.body.destroy();
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}

/**
 * Push mode over a Node Readable (see TransportResponse.subscribe). undici emits one 'data' per
 * HTTP chunk, and Anthropic sends one chunk per SSE event, so a single socket read can carry
 * hundreds of them: they are gathered and handed over together in a microtask (after the read's
 * callback, before any I/O: no added latency), one sink call and one downstream write per read.
 */
function subscribeBody(body: Readable, sink: ByteSink): ByteFlow {
  let settled = false;
  let pending: Buffer[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (settled || pending.length === 0) return;
    const chunks = pending;
    pending = [];
    sink.data(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  };
  /**
   * Once settled, the body lets go of the sink: the body object can outlive the request inside
   * undici (and be in V8's old generation by then), and while its listeners point at the sink,
   * every object of the finished stream stays reachable from it and gets promoted too.
   */
  const settle = (): boolean => {
    if (settled) return false;
    flush(); // what arrived before the end or the failure still counts
    settled = true;
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    body.off('close', onClose);
    return true;
  };
  const onData = (chunk: Buffer): void => {
    if (settled) return;
    pending.push(chunk);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };
  const onEnd = (): void => {
    if (settle()) sink.end();
  };
  const onError = (error: Error): void => {
    if (settle()) sink.error(error);
  };
  const onClose = (): void => {
    if (settle()) sink.error(new Error('upstream body closed before its end'));
  };
  body.on('data', onData);
  body.on('end', onEnd);
  body.on('error', onError);
  body.on('close', onClose);
  return { pause: () => body.pause(), resume: () => body.resume() };
}
