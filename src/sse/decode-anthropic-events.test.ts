import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GatewayError, isGatewayError } from '../domain/errors.ts';
import type { StreamEvent } from '../protocol/anthropic/messages.ts';
import { decodeAnthropicEvents } from './decode-anthropic-events.ts';

const encoder = new TextEncoder();

function body(parts: Array<string | Uint8Array>, onCancel?: (reason: unknown) => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= parts.length) return controller.close();
      const part = parts[i++];
      controller.enqueue(typeof part === 'string' ? encoder.encode(part) : part);
    },
    cancel(reason) {
      onCancel?.(reason);
    },
  });
}

async function all(iterable: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

async function failure(iterable: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: unknown }> {
  const events: StreamEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
  } catch (error) {
    return { events, error };
  }
  assert.fail('expected the iterator to throw');
}

describe('decodeAnthropicEvents', () => {
  it('parses events with padding inside the JSON and a spaced ping', async () => {
    const events = await all(
      decodeAnthropicEvents(
        body([
          'event: ping\ndata: {"type": "ping"}\n\n',
          'event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"} }\n\n',
        ]),
      ),
    );
    assert.deepEqual(events, [
      { type: 'ping' },
      { type: 'error', error: { details: null, type: 'overloaded_error', message: 'Overloaded' } },
    ]);
  });

  it('parses the verbatim litellm excerpt (padding of many spaces)', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '../../test/fixtures/sse/midstream-error-api-error.excerpt.sse'));
    const events = await all(decodeAnthropicEvents(body([new Uint8Array(bytes)])));
    assert.deepEqual(
      events.map((e) => e.type),
      ['content_block_delta', 'content_block_delta', 'error'],
    );
    assert.deepEqual((events[2] as Extract<StreamEvent, { type: 'error' }>).error.type, 'api_error');
  });

  it('yields unknown event types unchanged', async () => {
    const events = await all(decodeAnthropicEvents(body(['event: future_thing\ndata: {"type":"future_thing","x":1}\n\n'])));
    assert.deepEqual(events, [{ type: 'future_thing', x: 1 }]);
  });

  it('accepts CRLF and lone CR line endings, a BOM, comments and unknown fields', async () => {
    const events = await all(
      decodeAnthropicEvents(
        body(['\uFEFF: hello\r\nevent: ping\r\nid: 7\r\nfoo: bar\r\ndata: {"type":"ping"}\r\n\r\n', 'data: {"type":"message_stop"}\r\r', ': end\n']),
      ),
    );
    assert.deepEqual(events, [{ type: 'ping' }, { type: 'message_stop' }]);
  });

  it('reassembles multi-byte characters split across reads', async () => {
    const bytes = encoder.encode('data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"÷€😀"}}\n\n');
    const parts = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    const events = await all(decodeAnthropicEvents(body(parts)));
    assert.equal((events[0] as { delta: { text: string } }).delta.text, '÷€😀');
  });

  it('decodes the same text however the reads split it: whole-character reads, split characters, invalid bytes, an inner U+FEFF', async () => {
    const delta = (text: string) => `data: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })}\n\n`;
    const events = [delta('÷€😀'), delta('\uFEFFkept'), delta('ascii'), delta('日本'), delta('end')];
    const stream = Buffer.concat([Buffer.from('\uFEFF'), ...events.map((e) => Buffer.from(e))]);
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence) inside the third event's text.
    const third = stream.indexOf('ascii');
    const bytes = Buffer.concat([stream.subarray(0, third), Buffer.from([0x80, 0xe2, 0x82]), stream.subarray(third)]);
    const expected = new TextDecoder().decode(bytes);
    const texts = (list: StreamEvent[]) => list.map((e) => (e as { delta: { text: string } }).delta.text).join('|');
    const reference = texts(await all(decodeAnthropicEvents(body([bytes]))));
    assert.equal(reference, ['÷€😀', '\uFEFFkept', '\uFFFD\uFFFDascii', '日本', 'end'].join('|'));
    assert.ok(expected.includes('\uFEFFkept'), 'only the leading BOM is dropped');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const parts: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * (round % 2 === 0 ? 8 : 80));
        parts.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.equal(texts(await all(decodeAnthropicEvents(body(parts)))), reference, `round ${round}`);
    }
    // Reads that each end at an event boundary (the usual case): the same again.
    const boundaries = events.map((e) => Buffer.from(e));
    boundaries[0] = Buffer.concat([Buffer.from('\uFEFF'), boundaries[0]!]);
    assert.equal(texts(await all(decodeAnthropicEvents(body(boundaries)))), ['÷€😀', '\uFEFFkept', 'ascii', '日本', 'end'].join('|'));
  });

  it('ignores a stray data: [DONE] and drops an unterminated last event', async () => {
    const events = await all(decodeAnthropicEvents(body(['data: {"type":"ping"}\n\ndata: [DONE]\n\n', 'data: {"type":"message_stop"}'])));
    assert.deepEqual(events, [{ type: 'ping' }]);
  });

  it('joins multi-line data fields per the SSE spec', async () => {
    const events = await all(decodeAnthropicEvents(body(['data: {"type":\ndata: "ping"}\n\n'])));
    assert.deepEqual(events, [{ type: 'ping' }]);
  });

  it('throws upstream_protocol_error on invalid JSON, after yielding the events before it, and cancels the body', async () => {
    let cancelled = false;
    const { events, error } = await failure(
      decodeAnthropicEvents(body(['data: {"type":"ping"}\n\ndata: {"type":\n\n', 'data: {"type":"ping"}\n\n'], () => (cancelled = true))),
    );
    assert.deepEqual(events, [{ type: 'ping' }]);
    assert.ok(isGatewayError(error));
    assert.equal((error as GatewayError).code, 'upstream_protocol_error');
    assert.ok(cancelled, 'upstream body cancelled');
  });

  it('throws upstream_protocol_error when data is not an object with a string type', async () => {
    for (const data of ['42', 'null', '"x"', '{"kind":"ping"}', '[1]']) {
      const { error } = await failure(decodeAnthropicEvents(body([`data: ${data}\n\n`])));
      assert.equal((error as GatewayError).code, 'upstream_protocol_error', data);
    }
  });

  it('enforces maxEventBytes for an event arriving in one read', async () => {
    const big = `data: {"type":"ping","pad":"${'x'.repeat(200)}"}\n\n`;
    const { error } = await failure(decodeAnthropicEvents(body([big]), { maxEventBytes: 100 }));
    assert.equal((error as GatewayError).code, 'upstream_protocol_error');
    assert.match((error as GatewayError).message, /exceeds 100 bytes/);
  });

  it('enforces maxEventBytes in UTF-8 bytes, not UTF-16 units', async () => {
    const text = '€'.repeat(40); // 40 units, 120 bytes
    const event = `data: {"type":"ping","t":"${text}"}\n\n`;
    const { error } = await failure(decodeAnthropicEvents(body([event]), { maxEventBytes: 100 }));
    assert.equal((error as GatewayError).code, 'upstream_protocol_error');
    const ok = await all(decodeAnthropicEvents(body([event]), { maxEventBytes: 200 }));
    assert.equal(ok.length, 1);
  });

  it('enforces maxEventBytes while an endless line is still buffering', async () => {
    let cancelled = false;
    const parts = ['data: {"type":"ping","pad":"', ...Array.from({ length: 50 }, () => 'x'.repeat(100))];
    const { error } = await failure(decodeAnthropicEvents(body(parts, () => (cancelled = true)), { maxEventBytes: 1000 }));
    assert.equal((error as GatewayError).code, 'upstream_protocol_error');
    assert.ok(cancelled);
  });

  it('accepts events up to the default 1 MiB', async () => {
    const pad = 'y'.repeat(1024 * 1024 - 100);
    const events = await all(decodeAnthropicEvents(body([`data: {"type":"ping","pad":"${pad}"}\n\n`])));
    assert.equal(events.length, 1);
  });

  it('cancels the body when the consumer stops early (return)', async () => {
    let cancelled = false;
    const source = body(['data: {"type":"ping"}\n\n', 'data: {"type":"ping"}\n\n', 'data: {"type":"ping"}\n\n'], () => (cancelled = true));
    for await (const event of decodeAnthropicEvents(source)) {
      assert.equal(event.type, 'ping');
      break;
    }
    assert.ok(cancelled, 'reader.cancel reached the source');
  });

  it('return() while a read is pending cancels the body and settles the pending next()', async () => {
    let cancelled = false;
    const silent = new ReadableStream<Uint8Array>({
      pull() {
        return new Promise(() => {}); // upstream says nothing
      },
      cancel() {
        cancelled = true;
      },
    });
    const iterator = decodeAnthropicEvents(silent)[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    assert.ok(cancelled);
    assert.equal((await pending).done, true);
  });

  it('does not cancel a body that ended normally', async () => {
    let cancelled = false;
    const iterator = decodeAnthropicEvents(body(['data: {"type":"ping"}\n\n'], () => (cancelled = true)))[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).done, false);
    assert.equal((await iterator.next()).done, true);
    await iterator.return?.();
    assert.equal(cancelled, false);
  });

  it('rethrows body read errors unchanged', async () => {
    const boom = new Error('socket hang up');
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: {"type":"ping"}\n\n'));
        controller.error(boom);
      },
    });
    const { events, error } = await failure(decodeAnthropicEvents(source));
    assert.equal(error, boom);
    assert.ok(events.length <= 1);
  });

  it('accepts an async iterable of bytes and stops it on return()', async () => {
    let returned = false;
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: async () => (i++ < 3 ? { done: false, value: encoder.encode('data: {"type":"ping"}\n\n') } : { done: true, value: undefined }),
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const events = await all(decodeAnthropicEvents(source));
    assert.equal(events.length, 3);
    for await (const _ of decodeAnthropicEvents(source)) break;
    assert.ok(returned);
  });
});
