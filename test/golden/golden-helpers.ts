/**
 * Shared by the golden runners: fixture discovery, deterministic chunking of upstream bytes and the
 * decode -> reduce -> encode pipeline exactly as production wires it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAnthropicEvents } from '../../src/sse/decode-anthropic-events.ts';
import type { StreamContext } from '../../src/translate/stream/stream-state.ts';
import { readText, streamFrom } from '../../src/translate/stream/test-events.ts';
import { toChunkStream } from '../../src/translate/stream/to-chunk-stream.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export function caseDirs(kind: 'stream' | 'response'): string[] {
  const root = join(FIXTURES, kind);
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort()
    .map((name) => join(root, name));
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** mulberry32: tiny seeded PRNG so "random" chunkings are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Chunking = { name: string; split: (bytes: Uint8Array) => Uint8Array[] };

export const CHUNKINGS: Chunking[] = [
  { name: 'whole buffer', split: (bytes) => [bytes] },
  { name: '1-byte', split: (bytes) => Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) },
  ...[1, 2, 3].map((seed) => ({
    name: `random (seed ${seed})`,
    split: (bytes: Uint8Array) => {
      const random = seededRandom(seed);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; ) {
        const size = 1 + Math.floor(random() * 64);
        parts.push(bytes.subarray(i, i + size));
        i += size;
      }
      return parts;
    },
  })),
];

export function bodyOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(parts[i++]);
      else controller.close();
    },
  });
}

/** decode -> toChunkStream (reduce + encode) -> text. */
export function replay(parts: Uint8Array[], context: StreamContext): Promise<string> {
  return readText(streamFrom(decodeAnthropicEvents(bodyOf(parts))).pipeThrough(toChunkStream(context)));
}
