/**
 * A loopback fake of Anthropic's Messages API for e2e, fault and multi-process tests. Speaks the
 * wire format byte for byte (SSE framing `event: <type>\ndata: <json>\n\n`, JSON error envelopes
 * with `request_id` and a `request-id` header; protocol.md §4) and validates requests as strictly as
 * the real API (fake-anthropic-validate.ts; §3.5). Faults are scripted per request with `enqueue`.
 *
 * Non-streaming variants of the stream faults (there is no SSE to break): `midstream-error` answers
 * with the error as an HTTP error (overloaded_error → 529, others → 500), `eof-without-stop` sends
 * half of the JSON body then destroys the socket, `malformed-sse` sends a 200 body `{not json`.
 * `hang` with `ms` destroys the socket after `ms` (an upstream that gives up without answering).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fakeModelCaps } from './fake-anthropic-models.ts';
import { frameEvent, messageObject, planReply, streamEvents, type ReplyOptions, type SseEvent } from './fake-anthropic-reply.ts';
import { validateMessagesRequest } from './fake-anthropic-validate.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  receivedAt: number;
  /** set when the client closed/aborted before the response finished */
  aborted: boolean;
}

export type Scenario =
  | ({ kind: 'reply'; delayMs?: number; firstByteDelayMs?: number } & ReplyOptions)
  | { kind: 'status'; status: number; errorType: string; message: string; headers?: Record<string, string> }
  | { kind: 'midstream-error'; afterDeltas: number; errorType?: string }
  | { kind: 'eof-without-stop'; afterDeltas: number }
  | { kind: 'malformed-sse'; afterDeltas: number }
  | { kind: 'reset' }
  | { kind: 'hang'; ms?: number }
  | { kind: 'silent-then-reply'; silentMs: number }
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string };

export interface FakeAnthropic {
  /** e.g. http://127.0.0.1:PORT (the gateway's ANTHROPIC_BASE_URL) */
  url: string;
  /** every POST /v1/messages received (valid or not) */
  requests: RecordedRequest[];
  /** consumed FIFO by subsequent valid requests; when the queue is empty: default 'reply' */
  enqueue(...scenarios: Scenario[]): void;
  /** resolves when `count` requests have been seen aborted by the client, or rejects after timeoutMs */
  waitForAborts(count: number, timeoutMs?: number): Promise<void>;
  /** clear queue and records (and the id counters) */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  /** expected x-api-key (or `authorization: Bearer`); default 'sk-ant-test' */
  apiKey?: string;
  defaultText?: string;
}

export const DEFAULT_TEXT = 'Hello from the fake upstream.';
/** Messages API request size limit (protocol.md §3.1). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ACCEPTED_VERSIONS = new Set(['2023-06-01', '2023-01-01']);
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Per-request lifecycle: cancellable sleeps and the client-abort bookkeeping. */
class Exchange {
  cancelled = false;
  /** set before the fake closes/destroys the connection itself, so it is not counted as a client abort */
  intentional = false;
  private timers = new Set<{ t: NodeJS.Timeout; done: (ok: boolean) => void }>();

  constructor(readonly res: ServerResponse) {}

  sleep(ms: number): Promise<boolean> {
    if (this.cancelled) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        t: setTimeout(() => {
          this.timers.delete(entry);
          resolve(true);
        }, ms),
        done: resolve,
      };
      this.timers.add(entry);
    });
  }

  cancel(): void {
    this.cancelled = true;
    for (const e of this.timers) {
      clearTimeout(e.t);
      e.done(false);
    }
    this.timers.clear();
  }

  /** Write unless the client is gone. */
  write(chunk: string): boolean {
    if (this.cancelled || this.res.destroyed || this.res.writableEnded) return false;
    this.res.write(chunk);
    return true;
  }

  destroySocket(): void {
    this.intentional = true;
    this.res.socket?.destroy();
    this.cancel();
  }
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const apiKey = options.apiKey ?? 'sk-ant-test';
  const defaultText = options.defaultText ?? DEFAULT_TEXT;
  const requests: RecordedRequest[] = [];
  let queue: Scenario[] = [];
  let messageCounter = 0;
  let toolCounter = 0;
  let requestCounter = 0;
  let closing = false;
  const sockets = new Set<Socket>();
  const exchanges = new Set<Exchange>();
  const abortWaiters = new Set<{ count: number; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  const abortedCount = () => requests.filter((r) => r.aborted).length;
  const notifyAborts = () => {
    const n = abortedCount();
    for (const w of abortWaiters) {
      if (n >= w.count) {
        clearTimeout(w.timer);
        abortWaiters.delete(w);
        w.resolve();
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A bug in the fake must be loud in the test that hit it, not a hang.
      if (!res.headersSent) {
        res.writeHead(500, JSON_HEADERS);
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `fake-anthropic bug: ${String(err)}` } }));
      } else res.destroy();
    });
  });
  // Outlive the client's idle timeout (undici: 4 s) so a pooled connection is never closed by the
  // fake while the gateway is reusing it (a POST on a just-closed socket is not retried).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `req_fake_${String(++requestCounter).padStart(6, '0')}`;
    res.setHeader('request-id', requestId);
    const sendError = (status: number, type: string, message: string, headers: Record<string, string> = {}) => {
      if (res.headersSent || res.destroyed) return;
      sendJson(res, status, JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }), headers);
    };

    const path = req.url ?? '/';
    const pathname = path.split('?')[0];
    if (req.method !== 'POST' || pathname !== '/v1/messages') {
      req.resume();
      req.on('end', () => sendError(404, 'not_found_error', 'Not Found'));
      return;
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const record: RecordedRequest = { method: req.method, path, headers, body: undefined, receivedAt: Date.now(), aborted: false };
    requests.push(record);

    const ex = new Exchange(res);
    exchanges.add(ex);
    const onGone = () => {
      exchanges.delete(ex);
      if (!res.writableEnded && !ex.intentional && !closing && requests.includes(record) && !record.aborted) {
        record.aborted = true;
        notifyAborts();
      }
      ex.cancel();
    };
    res.on('close', onGone);
    // Writes racing a client disconnect must not crash the test process.
    res.on('error', () => ex.cancel());
    req.on('aborted', onGone);

    // Body: at most 32 MB, else 413 (after draining, so the client sees the answer, not EPIPE).
    const raw = await readBody(req);
    if (ex.cancelled || raw === 'aborted') return;
    if (raw === 'too-large') return sendError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    let body: unknown;
    let parsed = false;
    try {
      body = JSON.parse(raw);
      parsed = true;
    } catch {
      body = raw;
    }
    record.body = body;

    // Auth, then version, then the body (the order the real API reports them in).
    const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const key = headers['x-api-key'] ?? bearer;
    if (key === undefined) return sendError(401, 'authentication_error', 'x-api-key header is required');
    if (key !== apiKey) return sendError(401, 'authentication_error', 'invalid x-api-key');
    const version = headers['anthropic-version'];
    if (version === undefined) return sendError(400, 'invalid_request_error', 'anthropic-version: header is required');
    if (!ACCEPTED_VERSIONS.has(version)) return sendError(400, 'invalid_request_error', `anthropic-version: invalid version '${version}'`);
    if (!parsed) return sendError(400, 'invalid_request_error', 'There was an error parsing the body: the request body is not valid JSON');
    const failure = validateMessagesRequest(body);
    if (failure) return sendError(failure.status, failure.type, failure.message);

    const valid = body as Record<string, unknown>;
    const scenario: Scenario = queue.shift() ?? { kind: 'reply' };
    const stream = valid.stream === true;
    const plan = () =>
      planReply(
        valid,
        scenario.kind === 'reply' ? scenario : {},
        {
          messageId: `msg_fake_${++messageCounter}`,
          model: fakeModelCaps(valid.model as string)?.resolved ?? String(valid.model),
          nextToolId: () => `toolu_fake_${++toolCounter}`,
        },
        defaultText,
      );

    switch (scenario.kind) {
      case 'reply': {
        if (!(await ex.sleep(scenario.firstByteDelayMs ?? 0))) return;
        const p = plan();
        if (!stream) return sendJson(res, 200, JSON.stringify(messageObject(p)));
        res.writeHead(200, SSE_HEADERS);
        await writeEvents(ex, streamEvents(p), scenario.delayMs ?? 0);
        if (!ex.cancelled) res.end();
        return;
      }
      case 'silent-then-reply': {
        const p = plan();
        res.writeHead(200, stream ? SSE_HEADERS : JSON_HEADERS);
        res.flushHeaders();
        if (!(await ex.sleep(scenario.silentMs))) return;
        if (stream) await writeEvents(ex, streamEvents(p), 0);
        else ex.write(JSON.stringify(messageObject(p)));
        if (!ex.cancelled) res.end();
        return;
      }
      case 'status':
        return sendError(scenario.status, scenario.errorType, scenario.message, scenario.headers);
      case 'midstream-error': {
        const type = scenario.errorType ?? 'overloaded_error';
        const message = type === 'overloaded_error' ? 'Overloaded' : type === 'api_error' ? 'Internal server error' : 'Error';
        if (!stream) return sendError(type === 'overloaded_error' ? 529 : 500, type, message);
        res.writeHead(200, SSE_HEADERS);
        await writeEvents(ex, eventsBeforeFault(streamEvents(plan()), scenario.afterDeltas), 0);
        // Real wire form: `details: null` inside the error, top-level request_id (§4.2); then the stream ends.
        ex.write(frameEvent({ event: 'error', data: JSON.stringify({ type: 'error', error: { details: null, type, message }, request_id: requestId }) }));
        if (!ex.cancelled) res.end();
        return;
      }
      case 'eof-without-stop': {
        if (!stream) {
          const text = JSON.stringify(messageObject(plan()));
          res.writeHead(200, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)) });
          // Half the declared body, flushed, then the connection dies: a truncated JSON answer.
          res.write(text.slice(0, Math.floor(text.length / 2)), () => ex.destroySocket());
          return;
        }
        res.writeHead(200, SSE_HEADERS);
        await writeEvents(ex, eventsBeforeFault(streamEvents(plan()), scenario.afterDeltas), 0);
        if (!ex.cancelled) res.end();
        return;
      }
      case 'malformed-sse': {
        if (!stream) {
          res.writeHead(200, JSON_HEADERS);
          res.end('{not json');
          return;
        }
        res.writeHead(200, SSE_HEADERS);
        await writeEvents(ex, eventsBeforeFault(streamEvents(plan()), scenario.afterDeltas), 0);
        ex.write('event: content_block_delta\ndata: {not json\n\n');
        if (!ex.cancelled) res.end();
        return;
      }
      case 'reset':
        ex.destroySocket();
        return;
      case 'hang':
        if (scenario.ms !== undefined && (await ex.sleep(scenario.ms))) ex.destroySocket();
        return;
      case 'raw':
        res.writeHead(scenario.status, scenario.headers);
        res.end(scenario.body);
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...scenarios) => {
      queue.push(...scenarios);
    },
    waitForAborts: (count, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (abortedCount() >= count) return resolve();
        const w = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            abortWaiters.delete(w);
            reject(new Error(`fake-anthropic: saw ${abortedCount()} aborted request(s), expected ${count}, after ${timeoutMs} ms`));
          }, timeoutMs),
        };
        abortWaiters.add(w);
      }),
    reset: () => {
      queue = [];
      requests.splice(0, requests.length);
      messageCounter = 0;
      toolCounter = 0;
      requestCounter = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const ex of exchanges) ex.cancel();
        for (const w of abortWaiters) {
          clearTimeout(w.timer);
          w.reject(new Error('fake-anthropic: closed while waiting for aborts'));
        }
        abortWaiters.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Read the body as UTF-8; 'too-large' (drained) when it exceeds MAX_BODY_BYTES; 'aborted' when the client left mid-upload. */
function readBody(req: IncomingMessage): Promise<string | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    // Without 'end' the client aborted the upload; the exchange records that, the handler just returns.
    req.on('close', () => resolve('aborted'));
  });
}

/** The events written before a stream fault: everything up to and including the Nth content_block_delta. */
function eventsBeforeFault(events: SseEvent[], afterDeltas: number): SseEvent[] {
  const out: SseEvent[] = [];
  let deltas = 0;
  for (const e of events) {
    if (e.event === 'content_block_delta') {
      if (deltas === afterDeltas) break;
      deltas++;
    } else if ((e.event === 'content_block_stop' || e.event === 'message_delta') && deltas >= afterDeltas) break;
    out.push(e);
  }
  return out;
}

async function writeEvents(ex: Exchange, events: SseEvent[], delayMs: number): Promise<void> {
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && delayMs > 0 && !(await ex.sleep(delayMs))) return;
    if (!ex.write(frameEvent(events[i]))) return;
  }
}
