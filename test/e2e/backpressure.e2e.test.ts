/**
 * A client that stops reading must stop the upstream too (bounded memory per stream), and the
 * stream must resume intact when it reads again. The upstream here is a plain node:http server
 * speaking Anthropic SSE that honours TCP backpressure and counts what it managed to send.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { anthropicSse as sse, rawChatConnection, rawChatRequest, startGatewayOverUpstream, type RunningGateway } from '../helpers/gateway.ts';

const DELTAS = 40_000;
const TEXT = '~'.repeat(1000); // ~1 KB per event → ~40 MB of SSE upstream

let gateway: RunningGateway;
let stop: () => Promise<void>;
const progress = { written: 0, finished: false };

before(async () => {
  ({ gateway, close: stop } = await startGatewayOverUpstream((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_bp' });
      const head =
        sse('message_start', {
          message: { id: 'msg_bp', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
        }) + sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      res.write(head);
      const delta = sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: TEXT } });
      for (let i = 0; i < DELTAS; i++) {
        progress.written += delta.length;
        if (!res.write(delta)) await once(res, 'drain');
        if (res.destroyed) return;
      }
      res.end(
        sse('content_block_stop', { index: 0 }) +
          sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: DELTAS } }) +
          sse('message_stop', {}),
      );
      progress.finished = true;
    });
  }));
});

after(() => stop());

test('a client that stops reading pauses the upstream; reading again finishes the stream intact', async () => {
  const socket = await rawChatConnection(gateway);
  socket.write(
    rawChatRequest(gateway, { model: 'claude-sonnet-4-6', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { extraHeaders: 'connection: close\r\n' }),
  );
  socket.pause(); // read nothing
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const total = DELTAS * 1000;
  assert.equal(progress.finished, false, 'the upstream was not paused: it sent everything while the client read nothing');
  assert.ok(progress.written < total / 2, `the upstream sent ${progress.written} bytes to a client that read none`);

  let received = 0;
  let tail = '';
  let xs = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const text = chunk.toString('latin1');
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 126) xs++;
    tail = (tail + text).slice(-200);
  });
  socket.resume();
  await once(socket, 'end');
  assert.ok(progress.finished, 'the upstream finished once the client read again');
  assert.ok(tail.includes('data: [DONE]'), tail);
  assert.ok(received > total, `received only ${received} bytes`);
  assert.equal(xs, total, 'every character of every delta arrived (`~` appears nowhere else)');
});
