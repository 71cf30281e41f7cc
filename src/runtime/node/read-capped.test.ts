import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CapExceeded, readCapped } from './read-capped.ts';

describe('readCapped', () => {
  it('returns the whole body, however it is chunked', async () => {
    const body = await readCapped(Readable.from([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('e')]), 5);
    assert.equal(body.toString(), 'abcde');
  });

  it('rejects with CapExceeded one byte past the cap, and stops listening', async () => {
    const stream = Readable.from([Buffer.from('abc'), Buffer.from('def')]);
    await assert.rejects(readCapped(stream, 5), (error: unknown) => error instanceof CapExceeded && error.maxBytes === 5);
    assert.equal(stream.listenerCount('data'), 0);
  });

  it('a stream that closes before its end is an error, not a short body', async () => {
    const stream = new PassThrough();
    const reading = readCapped(stream, 100);
    stream.write('partial');
    stream.destroy();
    await assert.rejects(reading, /closed before its end/);
  });
});
