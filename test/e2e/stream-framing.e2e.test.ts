/**
 * The Node entry frames the SSE stream's HTTP/1.1 chunks itself (node-server.ts, chunkWriter):
 * checked here on the raw bytes, with multi-byte UTF-8 text (chunk sizes are bytes, not
 * characters), a second request on the same keep-alive connection (the stream ended cleanly), and
 * an HTTP/1.0 client (no chunking at all; the connection closes at the end). After its first
 * piece a stream is written to the socket directly: two pipelined streams on one connection check
 * that the second one's pieces (produced while the first still owns the socket) wait their turn.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { anthropicSse as sse, rawChatConnection, rawChatRequest, startGatewayOverUpstream, type RunningGateway } from '../helpers/gateway.ts';

const PIECES = ['Grüße ', 'aus ', 'Köln — ', '日本語 ', '🚀', ' done'];

let gateway: RunningGateway;
let stop: () => Promise<void>;

before(async () => {
  ({ gateway, close: stop } = await startGatewayOverUpstream((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => void (raw += chunk.toString()));
    req.on('end', () => {
      if ((JSON.parse(raw) as { stream?: boolean }).stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_framing_json' });
        res.end(
          JSON.stringify({
            id: 'msg_j', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: PIECES.join('') }],
            stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 5, output_tokens: PIECES.length },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_framing' });
      res.write(
        sse('message_start', {
          message: { id: 'msg_f', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
        }) + sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      );
      let i = 0;
      const next = (): void => {
        if (i < PIECES.length) {
          res.write(sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: PIECES[i++] } }));
          setTimeout(next, 5); // separate reads: separate chunks downstream
          return;
        }
        res.end(
          sse('content_block_stop', { index: 0 }) +
            sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: PIECES.length } }) +
            sse('message_stop', {}),
        );
      };
      next();
    });
  }));
});

after(() => stop());

const chatBody = (stream: boolean) => ({ model: 'claude-sonnet-4-6', max_tokens: 100, stream, messages: [{ role: 'user', content: 'hi' }] });

/** Reads from the socket until `done(bytes)` says the response is complete. */
function readUntil(socket: Socket, done: (bytes: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      if (done(bytes)) {
        cleanup();
        resolve(bytes);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(bytes);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', reject);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', reject);
  });
}

/** Strict chunked decoding: every size line is hex, every chunk has exactly that many bytes then CRLF. */
function decodeChunked(bytes: Buffer): { body: Buffer; chunks: number; complete: boolean; rest: Buffer } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return { body: Buffer.concat(parts), chunks: parts.length, complete: false, rest: Buffer.alloc(0) };
    const sizeText = bytes.subarray(at, lineEnd).toString('latin1');
    assert.match(sizeText, /^[0-9a-f]+$/, `chunk size line ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    const start = lineEnd + 2;
    if (bytes.length < start + size + 2) return { body: Buffer.concat(parts), chunks: parts.length, complete: false, rest: Buffer.alloc(0) };
    assert.equal(bytes.subarray(start + size, start + size + 2).toString('latin1'), '\r\n', 'CRLF right after the declared size');
    if (size === 0) return { body: Buffer.concat(parts), chunks: parts.length, complete: true, rest: bytes.subarray(start + 2) };
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}

function splitHead(bytes: Buffer): { head: string; body: Buffer } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return null;
  return { head: bytes.subarray(0, end).toString('latin1'), body: bytes.subarray(end + 4) };
}

function streamedText(sseBody: string): string {
  let text = '';
  for (const line of sseBody.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> };
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

test('HTTP/1.1: exact chunk sizes in bytes, the terminator, and the connection stays usable', async () => {
  const socket = await rawChatConnection(gateway);
  socket.write(rawChatRequest(gateway, chatBody(true)));
  const bytes = await readUntil(socket, (b) => {
    const parts = splitHead(b);
    return parts !== null && decodeChunked(parts.body).complete;
  });
  const parts = splitHead(bytes)!;
  assert.match(parts.head, /^HTTP\/1\.1 200/);
  assert.match(parts.head, /\r\ntransfer-encoding: chunked/i);
  assert.doesNotMatch(parts.head, /content-length/i);
  const decoded = decodeChunked(parts.body);
  assert.ok(decoded.complete, 'ends with the 0-size chunk');
  assert.equal(decoded.rest.length, 0, 'nothing after the terminator');
  assert.ok(decoded.chunks >= PIECES.length, `${decoded.chunks} chunks for ${PIECES.length} paced deltas`);
  const sseBody = decoded.body.toString('utf8');
  assert.equal(streamedText(sseBody), PIECES.join(''));
  assert.ok(sseBody.endsWith('data: [DONE]\n\n'), sseBody.slice(-80));

  // Same connection, a JSON request: the stream left it in a clean state.
  socket.write(rawChatRequest(gateway, chatBody(false)));
  const second = await readUntil(socket, (b) => {
    const p = splitHead(b);
    if (p === null) return false;
    const length = /\r\ncontent-length: (\d+)/i.exec(p.head);
    return length !== null ? p.body.length >= Number(length[1]) : decodeChunked(p.body).complete;
  });
  const secondParts = splitHead(second)!;
  assert.match(secondParts.head, /^HTTP\/1\.1 200/);
  const completion = JSON.parse(secondParts.body.toString('utf8')) as { object: string; choices: Array<{ message: { content: string } }> };
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0]?.message.content, PIECES.join(''));
  socket.destroy();
});

test('HTTP/1.0: the stream is sent unchunked and the connection closes at its end', async () => {
  const socket = await rawChatConnection(gateway);
  socket.write(rawChatRequest(gateway, chatBody(true), { version: '1.0' }));
  const bytes = await readUntil(socket, () => false); // until the server closes
  const parts = splitHead(bytes)!;
  assert.match(parts.head, /^HTTP\/1\.1 200/);
  assert.doesNotMatch(parts.head, /transfer-encoding/i);
  const sseBody = parts.body.toString('utf8');
  assert.equal(streamedText(sseBody), PIECES.join(''));
  assert.ok(sseBody.endsWith('data: [DONE]\n\n'), sseBody.slice(-80));
  socket.destroy();
});

test('HTTP/1.1 pipelining: two streams requested at once arrive whole, in order, never interleaved', async () => {
  const socket = await rawChatConnection(gateway);
  // Both requests in one write: the second stream opens upstream while the first still streams.
  socket.write(rawChatRequest(gateway, chatBody(true)) + rawChatRequest(gateway, chatBody(true)));
  const responses = (b: Buffer): Array<{ head: string; decoded: ReturnType<typeof decodeChunked> }> => {
    const out = [];
    let rest = b;
    while (out.length < 2) {
      const parts = splitHead(rest);
      if (parts === null) break;
      const decoded = decodeChunked(parts.body);
      out.push({ head: parts.head, decoded });
      if (!decoded.complete) break;
      rest = decoded.rest;
    }
    return out;
  };
  const bytes = await readUntil(socket, (b) => {
    const found = responses(b);
    return found.length === 2 && found[1]!.decoded.complete;
  });
  const [first, second] = responses(bytes);
  for (const response of [first!, second!]) {
    assert.match(response.head, /^HTTP\/1\.1 200/);
    assert.ok(response.decoded.complete);
    const sseBody = response.decoded.body.toString('utf8');
    assert.equal(streamedText(sseBody), PIECES.join(''));
    assert.ok(sseBody.endsWith('data: [DONE]\n\n'), sseBody.slice(-80));
    assert.equal(sseBody.indexOf('data: [DONE]'), sseBody.length - 'data: [DONE]\n\n'.length, 'one [DONE], at the end');
  }
  assert.equal(second!.decoded.rest.length, 0, 'nothing after the second terminator');
  socket.destroy();
});
