import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SseOutput, toReadableStream } from './sse-source.ts';

/** A producer that emits `pieces` one per pull, then closes; counts its pulls. */
function producer(pieces: string[]) {
  const state = { pulls: 0, cancels: 0 };
  const output: SseOutput = new SseOutput({
    pull: async () => {
      state.pulls++;
      await Promise.resolve();
      const piece = pieces.shift();
      if (piece === undefined) output.close();
      else output.enqueue(piece);
    },
    cancel: async () => {
      state.cancels++;
    },
  });
  return { output, state };
}

describe('SseOutput', () => {
  test('pulls only on demand, one piece per read, then null forever', async () => {
    const { output, state } = producer(['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(state.pulls, 0, 'nothing is produced before a read');
    assert.equal(await output.next(), 'a');
    assert.equal(state.pulls, 1);
    assert.equal(await output.next(), 'b');
    assert.equal(await output.next(), null);
    assert.equal(await output.next(), null);
    assert.equal(state.pulls, 3);
  });

  test('text enqueued while a read waits (a keep-alive) is handed over at once', async () => {
    let release!: () => void;
    const output: SseOutput = new SseOutput({ pull: () => new Promise<void>((resolve) => (release = resolve)), cancel: async () => {} });
    const read = output.next();
    output.enqueue(': keep-alive\n\n');
    assert.equal(await read, ': keep-alive\n\n');
    // The pull still running is not started twice; its later output reaches the next read.
    const second = output.next();
    output.enqueue('data: x\n\n');
    release();
    assert.equal(await second, 'data: x\n\n');
  });

  test('pieces queued between reads are joined into one; enqueue after close is ignored', async () => {
    const output = new SseOutput({ pull: async () => {}, cancel: async () => {} });
    output.enqueue('a');
    output.enqueue('b');
    output.close();
    output.enqueue('late');
    assert.equal(output.finished, false, 'text still queued');
    assert.equal(await output.next(), 'ab');
    assert.equal(output.finished, true, 'that was the last piece');
    assert.equal(await output.next(), null);
  });

  test('a pull that produced nothing is repeated while the reader waits', async () => {
    let calls = 0;
    const output: SseOutput = new SseOutput({
      pull: async () => {
        calls++;
        if (calls === 3) output.enqueue('third');
      },
      cancel: async () => {},
    });
    assert.equal(await output.next(), 'third');
    assert.equal(calls, 3);
  });

  test('cancel before the end runs the cancel hook once and ends pending reads; after the end it does nothing', async () => {
    const { output, state } = producer(['a']);
    const pending = new SseOutput({ pull: () => new Promise<void>(() => {}), cancel: async () => void state.cancels++ });
    const read = pending.next();
    await pending.cancel();
    await pending.cancel();
    assert.equal(await read, null);
    assert.equal(state.cancels, 1);
    assert.equal(await output.next(), 'a');
    assert.equal(await output.next(), null);
    await output.cancel();
    assert.equal(state.cancels, 1, 'a finished stream is not billed as cancelled');
  });

  test('a pull that rejects (against its contract) ends the stream instead of hanging', async () => {
    const output = new SseOutput({ pull: async () => Promise.reject(new Error('bug')), cancel: async () => {} });
    assert.equal(await output.next(), null);
  });

  test('push mode: demand is signalled when a reader waits with nothing queued; backlog counts queued text', async () => {
    let demands = 0;
    const output = new SseOutput({ demand: () => void demands++, cancel: async () => {} });
    output.enqueue('abc');
    output.enqueue('de');
    assert.equal(output.backlog, 5);
    assert.equal(await output.next(), 'abcde');
    assert.equal(output.backlog, 0);
    assert.equal(demands, 0, 'text was queued: no demand');
    const read = output.next();
    assert.equal(demands, 1);
    output.enqueue('f');
    assert.equal(await read, 'f');
    assert.equal(output.backlog, 0, 'handed straight to the waiting reader');
    output.close();
    assert.equal(await output.next(), null);
  });
});

/** A sink that records writes and ends; `accept` decides what write() returns. */
function recordingSink(accept: () => boolean = () => true) {
  const log: string[] = [];
  return {
    log,
    sink: {
      write: (text: string) => {
        log.push(`write:${text}`);
        return accept();
      },
      end: (text: string) => void log.push(`end:${text}`),
    },
  };
}

describe('SseOutput piped to a sink', () => {
  test('push producer: each piece is written synchronously as it is enqueued; finish() ends with the last piece in one call', () => {
    let demands = 0;
    const output = new SseOutput({ demand: () => void demands++, cancel: async () => {} });
    output.enqueue('queued-before-pipe');
    const { log, sink } = recordingSink();
    output.pipe(sink);
    assert.deepEqual(log, ['write:queued-before-pipe']);
    assert.equal(demands, 1, 'after the queue is written the producer is asked for more');
    output.enqueue('a');
    output.enqueue('b');
    output.finish('last');
    output.enqueue('late');
    output.close();
    assert.deepEqual(log, ['write:queued-before-pipe', 'write:a', 'write:b', 'end:last']);
  });

  test('backpressure: after write() returns false pieces queue (backlog) until resume(), then go out joined and demand resumes', () => {
    let demands = 0;
    const output = new SseOutput({ demand: () => void demands++, cancel: async () => {} });
    let open = false;
    const { log, sink } = recordingSink(() => open);
    output.pipe(sink);
    assert.equal(demands, 1);
    output.enqueue('a'); // accepted into the socket buffer, which is now full
    output.enqueue('b');
    output.enqueue('c');
    assert.deepEqual(log, ['write:a']);
    assert.equal(output.backlog, 2, 'the producer sees the backlog and pauses its input');
    open = true;
    output.resume();
    assert.deepEqual(log, ['write:a', 'write:bc']);
    assert.equal(output.backlog, 0);
    assert.equal(demands, 2, 'caught up: the producer may resume');
    output.resume(); // not blocked: nothing happens
    assert.equal(demands, 2);
  });

  test('closed while blocked: the end waits for resume() and carries what was queued', () => {
    const output = new SseOutput({ demand: () => {}, cancel: async () => {} });
    let open = false;
    const { log, sink } = recordingSink(() => open);
    output.pipe(sink);
    output.enqueue('a');
    output.finish('z');
    assert.deepEqual(log, ['write:a']);
    open = true;
    output.resume();
    assert.deepEqual(log, ['write:a', 'end:z']);
  });

  test('cancel: nothing more reaches the sink, not even the end; the cancel hook runs once', async () => {
    let cancels = 0;
    const output = new SseOutput({ demand: () => {}, cancel: async () => void cancels++ });
    const { log, sink } = recordingSink(() => false);
    output.pipe(sink);
    output.enqueue('a');
    output.enqueue('b');
    await output.cancel();
    output.resume();
    output.enqueue('c');
    assert.deepEqual(log, ['write:a']);
    assert.equal(cancels, 1);
  });

  test('pull producer: pulled again while the sink accepts, until it closes', async () => {
    const { output, state } = producer(['a', 'b', 'c']);
    const { log, sink } = recordingSink();
    const ended = new Promise<void>((resolve) => {
      output.pipe({ write: sink.write, end: (text) => (sink.end(text), resolve()) });
    });
    await ended;
    assert.deepEqual(log, ['write:a', 'write:b', 'write:c', 'end:']);
    assert.equal(state.pulls, 4);
  });
});

describe('toReadableStream', () => {
  test('carries the same bytes and forwards cancel', async () => {
    const { output } = producer(['data: é\n\n', 'data: [DONE]\n\n']);
    const text = await new Response(toReadableStream(output)).text();
    assert.equal(text, 'data: é\n\ndata: [DONE]\n\n');
    const second = producer(['x', 'y']);
    const reader = toReadableStream(second.output).getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'x');
    await reader.cancel();
    assert.equal(second.state.cancels, 1);
  });
});
