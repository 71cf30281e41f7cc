import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { CliStream } from './command.ts';

/**
 * Where a large output goes, with backpressure: `write` resolves once the text may be followed by
 * more, so a producer that awaits it keeps at most one chunk in memory.
 */
export interface WriteSink {
  write(text: string): Promise<void>;
  /** Success: flush (and for a file, put it in place). */
  commit(): Promise<void>;
  /** Failure: release; a file sink leaves no partial file behind. */
  abort(): Promise<void>;
}

/** stdout (or any stream): waits for 'drain' when the buffer is full; a write error (EPIPE) rejects. */
export function streamSink(stream: CliStream): WriteSink {
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const onError = (error: Error): void => {
    failure = error;
    wake?.();
  };
  stream.on?.('error', onError);
  const release = (): void => void stream.off?.('error', onError);
  return {
    async write(text) {
      if (failure) throw failure;
      if (stream.write(text) === false && stream.once) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          stream.once?.('drain', resolve);
        });
        wake = null;
      }
      if (failure) throw failure;
    },
    async commit() {
      release();
      if (failure) throw failure;
    },
    async abort() {
      // After a write error (EPIPE) the stream may emit more: keep listening so none is uncaught.
      if (!failure) release();
    },
  };
}

/** A file written beside its destination and renamed over it only once complete. */
export async function fileSink(path: string): Promise<WriteSink> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.partial`;
  const handle = await open(temporary, 'w');
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async write(text) {
      await handle.write(text);
    },
    async commit() {
      await handle.sync();
      await close();
      await rename(temporary, path);
    },
    async abort() {
      await close().catch(() => {});
      await rm(temporary, { force: true });
    },
  };
}
