/**
 * The Node transport's three ways to read a body (text, chunks, push) against a real loopback
 * server: same bytes, chunk coalescing per socket read, flow control, failures.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UpstreamTimeoutError } from '../../providers/transport/transport.ts';
import { createUndiciTransport } from './undici-transport.ts';

let server: http.Server;
let url = '';
const { transport, close } = createUndiciTransport({ connections: 4 });

before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const parts = Number(req.headers['x-parts'] ?? '1');
      const headDelay = Number(req.headers['x-head-delay-ms'] ?? '0');
      if (headDelay > 0) {
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain' }).end('late');
        }, headDelay);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-twice': ['a', 'b'], 'X-Mixed-Case': 'yes' });
      if (req.headers['x-stall'] === '1') {
        res.write('first;'); // then nothing until the client gives up
        return;
      }
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

const call = (headers: Record<string, string>, more: { signal?: AbortSignal; headersTimeoutMs?: number; bodyTimeoutMs?: number } = {}) =>
  transport({ url, headers, body: '{}', signal: more.signal ?? new AbortController().signal, headersTimeoutMs: more.headersTimeoutMs ?? 5000, bodyTimeoutMs: more.bodyTimeoutMs ?? 5000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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

  it('a body that arrives before the reader chooses is held (the parser pauses past a few chunks) and read whole', async () => {
    const small = await call({ 'x-parts': '3' });
    await sleep(30); // head, body and end all arrived meanwhile
    assert.equal(await small.text(), expected(3));

    const big = await call({ 'x-parts': '2000' });
    await sleep(50);
    let received = '';
    await new Promise<void>((resolve, reject) => {
      big.subscribe!({ data: (chunk) => void (received += Buffer.from(chunk).toString()), end: resolve, error: reject });
    });
    assert.equal(received, expected(2000));

    const pulled = await call({ 'x-parts': '500' });
    await sleep(50);
    let text = '';
    for await (const chunk of pulled.body) text += Buffer.from(chunk).toString();
    assert.equal(text, expected(500));
  });

  it('headers: case-insensitive lookup, repeated headers joined, missing ones null', async () => {
    const response = await call({});
    assert.equal(response.status, 200);
    assert.equal(response.header('content-type'), 'text/plain');
    assert.equal(response.header('x-mixed-case'), 'yes');
    assert.equal(response.header('x-twice'), 'a, b');
    assert.equal(response.header('x-absent'), null);
    await response.text();
  });

  it('a body is read once', async () => {
    const response = await call({});
    await response.text();
    assert.throws(() => response.subscribe!({ data: () => {}, end: () => {}, error: () => {} }), /read once/);
  });

  it('text() past its cap: RangeError, and the connection is given up', async () => {
    const response = await call({ 'x-parts': '100' });
    await assert.rejects(response.text(50), RangeError);
    assert.equal(await (await call({ 'x-parts': '2' })).text(), expected(2), 'the pool still serves');
  });

  it('cancel() while text() waits: text() fails instead of hanging', async () => {
    const response = await call({ 'x-stall': '1' });
    const text = response.text();
    await sleep(20);
    response.cancel();
    await assert.rejects(text);
  });

  it("the caller's signal: before the head it rejects the call with the signal's reason; mid-body it fails the body", async () => {
    const early = new AbortController();
    const pending = call({ 'x-head-delay-ms': '2000' }, { signal: early.signal });
    const started = Date.now();
    setTimeout(() => early.abort(new Error('client left')), 20);
    await assert.rejects(pending, /client left/);
    assert.ok(Date.now() - started < 1000, 'rejected when the signal fired, not when the head came');

    const late = new AbortController();
    const response = await call({ 'x-stall': '1' }, { signal: late.signal });
    let received = '';
    const outcome = new Promise<unknown>((resolve) => {
      response.subscribe!({ data: (chunk) => void (received += Buffer.from(chunk).toString()), end: () => resolve('ended'), error: resolve });
    });
    await sleep(30);
    late.abort(new Error('client left mid-body'));
    const error = await outcome;
    assert.ok(error instanceof Error && /mid-body/.test(error.message), String(error));
    assert.equal(received, 'first;', 'what came before the abort was delivered');

    const already = new AbortController();
    already.abort(new Error('gone before the call'));
    await assert.rejects(call({}, { signal: already.signal }), /gone before the call/);
  });

  it('timeouts: no head in time → UpstreamTimeoutError(headers); a stalled body → text() fails with UpstreamTimeoutError(body)', async () => {
    const headError = await call({ 'x-head-delay-ms': '1000' }, { headersTimeoutMs: 100 }).then(
      () => null,
      (error: unknown) => error,
    );
    assert.ok(headError instanceof UpstreamTimeoutError && headError.phase === 'headers', String(headError));
    const response = await call({ 'x-stall': '1' }, { bodyTimeoutMs: 100 });
    const bodyError = await response.text().then(
      () => null,
      (error: unknown) => error,
    );
    assert.ok(bodyError instanceof UpstreamTimeoutError && bodyError.phase === 'body', String(bodyError));
  });
});
