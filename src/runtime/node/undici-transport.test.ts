/**
 * The Node transport's three ways to read a body (text, chunks, push) against a real loopback
 * server: same bytes, chunk coalescing per socket read, flow control, failures.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createUndiciTransport } from './undici-transport.ts';

let server: http.Server;
let url = '';
const { transport, close } = createUndiciTransport({ connections: 4 });

before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const parts = Number(req.headers['x-parts'] ?? '1');
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Written in one tick: Node corks them into one segment, undici still sees one HTTP chunk each.
      for (let i = 0; i < parts; i++) res.write(`part-${i};`);
      if (req.headers['x-break'] === '1') {
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});

after(async () => {
  await close();
  server.close();
});

const call = (headers: Record<string, string>) => transport({ url, headers, body: '{}', signal: new AbortController().signal, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 });
const expected = (parts: number) => Array.from({ length: parts }, (_, i) => `part-${i};`).join('');

describe('undici transport', () => {
  it('text() and the chunk iterator give the same bytes', async () => {
    assert.equal(await (await call({ 'x-parts': '50' })).text(), expected(50));
    let text = '';
    for await (const chunk of (await call({ 'x-parts': '50' })).body) text += Buffer.from(chunk).toString();
    assert.equal(text, expected(50));
  });

  it('push mode: the HTTP chunks of one read arrive together, in order, then end', async () => {
    const response = await call({ 'x-parts': '300' });
    const calls: string[] = [];
    await new Promise<void>((resolve, reject) => {
      response.subscribe!({ data: (chunk) => void calls.push(Buffer.from(chunk).toString()), end: resolve, error: reject });
    });
    assert.equal(calls.join(''), expected(300));
    assert.ok(calls.length < 300 / 10, `${calls.length} sink calls for 300 chunks: not coalesced`);
  });

  it('push mode: pause holds the data back, resume delivers it', async () => {
    const response = await call({ 'x-parts': '20' });
    let received = '';
    let ended = false;
    const flow = response.subscribe!({ data: (chunk) => void (received += Buffer.from(chunk).toString()), end: () => void (ended = true), error: () => {} });
    flow.pause();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(ended, false);
    flow.resume();
    while (!ended) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(received, expected(20));
  });

  it('push mode: a connection cut mid-body is one error after the data that came first', async () => {
    const response = await call({ 'x-parts': '5', 'x-break': '1' });
    let received = '';
    const error = await new Promise<unknown>((resolve) => {
      response.subscribe!({ data: (chunk) => void (received += Buffer.from(chunk).toString()), end: () => resolve(null), error: resolve });
    });
    assert.ok(error instanceof Error, 'an error, not a clean end');
    assert.equal(received, expected(5));
  });
});
