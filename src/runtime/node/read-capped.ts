import type { Readable } from 'node:stream';

/** Thrown (rejected) by readCapped when the body grows past its cap; the stream is paused, not consumed. */
export class CapExceeded extends Error {
  constructor(readonly maxBytes: number) {
    super(`body exceeds ${maxBytes} bytes`);
    this.name = 'CapExceeded';
  }
}

/**
 * A Node stream's whole body, from 'data' events (no promise per chunk, one concat at the end),
 * stopping at `maxBytes`. Rejects with CapExceeded past the cap (the stream is paused and left to
 * the caller), with the stream's error, or with an Error when it closes before its end. Listeners
 * are removed once it settles. The Node entry's request-body reader (the upstream body has its own
 * capped reader in undici-call.ts: it is not a Readable).
 */
export function readCapped(stream: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        stream.pause();
        reject(new CapExceeded(maxBytes));
        return;
      }
      parts.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onClose = (): void => {
      if (!stream.readableEnded) onError(new Error('the body closed before its end'));
    };
    const done = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
