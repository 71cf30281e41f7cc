/**
 * How bytes reach the upstream. The provider is written against this tiny interface so the hot
 * path can use a pooled undici client on Node (several times cheaper per request than fetch)
 * while Workers use fetch. Translation never sees it.
 */
import type { CancelSignal } from '../../domain/cancellation.ts';

export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The caller's signal (the client going away): aborting it cancels the request at any stage. */
  signal: CancelSignal;
  /** The response head must arrive within this (ms), else UpstreamTimeoutError. */
  headersTimeoutMs: number;
  /**
   * Bound on reading a non-streaming body (ms; 0 = none, streams have the service's idle timeout):
   * undici applies it to each gap between chunks, fetch to the whole text() read.
   */
  bodyTimeoutMs: number;
}

/**
 * A transport timeout (headersTimeoutMs / bodyTimeoutMs), thrown by the transport call or by the
 * body reads. Timeouts live in the transport so that no deadline AbortController is needed per
 * upstream call (each costs ~2 µs of CPU on Node, with its listeners).
 */
export class UpstreamTimeoutError extends Error {
  constructor(readonly phase: 'headers' | 'body') {
    super(`upstream ${phase} timeout`);
    this.name = 'UpstreamTimeoutError';
  }
}

export interface TransportResponse {
  status: number;
  /** Lower-case header lookup. */
  header(name: string): string | null;
  /** The body as chunks; consume once. */
  body: AsyncIterable<Uint8Array>;
  text(limitBytes?: number): Promise<string>;
  /** Stop reading and release the connection (aborts a streaming upstream). */
  cancel(): void;
  /**
   * Optional push mode (instead of iterating `body`): chunks are handed to `sink` as they arrive,
   * with no promise per chunk. Transports that can (Node's undici) offer it; the caller falls back
   * to `body` otherwise. Use one of the two, once.
   */
  subscribe?(sink: ByteSink): ByteFlow;
}

export interface ByteSink {
  data(chunk: Uint8Array): void;
  /** The body ended normally. */
  end(): void;
  /** A network failure or abort (the error as the network layer raised it). Called at most once. */
  error(error: unknown): void;
}

/** Flow control for a subscribed body (stop with TransportResponse.cancel). */
export interface ByteFlow {
  pause(): void;
  resume(): void;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export async function readText(body: AsyncIterable<Uint8Array>, limitBytes = 4 * 1024 * 1024): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) throw new RangeError(`upstream body exceeds ${limitBytes} bytes`);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
