/**
 * The Node HTTP server: POST /v1/chat/completions is served straight from node:http's
 * IncomingMessage/ServerResponse through the plain-values chat endpoint (no Web Request, Response
 * or Headers objects: on the hottest route those conversions cost more than translation itself;
 * docs/benchmark.md). Every other route, and any chat request from a browser (CORS), goes through
 * the Hono app via @hono/node-server. Both paths render through the same endpoint and error code.
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Built } from '../../config/build-deps.ts';
import { GatewayError } from '../../domain/errors.ts';
import type { ChatAnswer } from '../../http/chat-endpoint.ts';
import { renderError } from '../../http/error-response.ts';
import { parseJsonBody, tooLarge } from '../../http/read-json-body.ts';
import { CapExceeded, readCapped } from './read-capped.ts';
import { Cancellation, type CancelSignal } from '../../domain/cancellation.ts';

export interface NodeServerOptions {
  /** Bugs in the direct path (never client mistakes). */
  onInternalError?: (error: unknown) => void;
}

export function createNodeServer(built: Built, options: NodeServerOptions = {}): Server {
  const fallback = getRequestListener(built.fetch, { overrideGlobalObjects: false });
  const server = createServer((req, res) => {
    if (req.method === 'POST' && isChatPath(req.url) && req.headers.origin === undefined) {
      serveChat(built.chat, req, res, options).catch((error: unknown) => {
        options.onInternalError?.(error);
        if (!res.headersSent) {
          const plain = renderError(new GatewayError('internal', 'The gateway hit an unexpected error. It has been logged.'));
          res.writeHead(plain.status, plain.headers).end(plain.body);
        } else {
          res.destroy();
        }
      });
      return;
    }
    void fallback(req, res);
  });
  // Long streams and slow clients: the defaults (5 min request timeout) would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}

function isChatPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  return path === '/v1/chat/completions' || path === '/chat/completions';
}

/** A fixed reason: an Error per disconnect would capture a stack each time. */
const CLIENT_GONE = Object.freeze(new Error('client connection closed'));

async function serveChat(chat: Built['chat'], req: IncomingMessage, res: ServerResponse, options: NodeServerOptions): Promise<void> {
  const requestId = chat.newRequestId();
  // Not an AbortController: that, its signal and a listener cost ~3.4 µs per request on Node 20 (cancellation.ts).
  const controller = new Cancellation();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  });
  const answer = await chat.endpoint({
    requestId,
    authorization: header(req, 'authorization'),
    strict: header(req, 'x-portico-strict'),
    readBody: () => readBody(req, res, chat.maxBodyBytes, controller),
    signal: controller,
  });
  if (answer.kind === 'plain') {
    answer.headers['content-length'] = String(Buffer.byteLength(answer.body));
    res.writeHead(answer.status, answer.headers).end(answer.body);
    return;
  }
  res.writeHead(answer.status, answer.headers);
  await pipeToResponse(answer, res, options);
}

/**
 * The stream's pieces as HTTP/1.1 chunks, framed here: one `write` per piece. Node frames each
 * `res.write` itself as four buffered writes (size, CRLF, data, CRLF) gathered into a `writev`;
 * measured, that was a visible part of the CPU per streamed token (docs/benchmark.md). Node chose
 * chunked encoding when it stored the head (`writeHead`); taking the framing over then is what
 * `chunkedEncoding = false` does (the head already says `Transfer-Encoding: chunked`). An HTTP/1.0
 * client gets no chunking from Node (it closes the connection at the end) and none from us.
 *
 * After the first piece (which carries the head), pieces go to the socket itself while this
 * response owns it (`res.socket` is set only then: a pipelined response waits with none, and gets
 * it with its buffered output flushed). `res.write` would cork the socket and uncork it on the
 * next tick, per piece, for a single buffer. The socket's 'drain' is then the one to wait for:
 * `onDrain` runs once after a write that returned false.
 */
function chunkWriter(res: ServerResponse, onDrain: () => void): ChunkWriter {
  if (!res.chunkedEncoding) {
    return {
      write: (text) => res.write(text),
      end: (text) => (text ? res.end(text) : res.end()),
      detach: () => undefined,
    };
  }
  res.chunkedEncoding = false;
  let headSent = false;
  let waitingOn: Socket | null = null;
  const drained = (): void => {
    waitingOn = null;
    onDrain();
  };
  return {
    write: (text) => {
      if (text.length === 0) return true;
      const socket = res.socket;
      if (!headSent || socket === null) {
        headSent = true;
        return res.write(frame(text));
      }
      if (socket.destroyed) return false; // as res.write: the close that follows cancels the stream
      if (socket.write(frame(text))) return true;
      if (waitingOn === null) {
        waitingOn = socket;
        socket.once('drain', drained);
      }
      return false;
    },
    end: (text) => res.end(text.length === 0 ? LAST_CHUNK : frame(text) + LAST_CHUNK),
    detach: () => {
      waitingOn?.off('drain', drained);
      waitingOn = null;
    },
  };
}

interface ChunkWriter {
  /** False when the client is behind: the writer's onDrain runs when it caught up. */
  write(text: string): boolean;
  end(text: string): void;
  /** Stops waiting for a drain (the stream ended or the client left). */
  detach(): void;
}

const LAST_CHUNK = '0\r\n\r\n';

function frame(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The body with a hard byte cap: the declared length first, then while it streams in. */
async function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number, signal: CancelSignal): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    // Not read: the connection cannot be reused after the answer.
    res.shouldKeepAlive = false;
    throw tooLarge(maxBytes);
  }
  let bytes: Buffer;
  try {
    bytes = await readCapped(req, maxBytes);
  } catch (error) {
    if (error instanceof CapExceeded) {
      res.shouldKeepAlive = false; // the rest of the body stays unread
      throw tooLarge(maxBytes);
    }
    throw signal.aborted || req.destroyed
      ? new GatewayError('client_closed_request', 'The client closed the request while sending it.')
      : new GatewayError('invalid_json', 'The request body could not be read completely.');
  }
  return parseJsonBody(bytes);
}

/**
 * Writes the SSE stream as it is produced (the source pushes into the response: no promise per
 * piece), with backpressure: a full socket buffer stops the source until 'drain'. The client leaving
 * cancels it (the service bills what was produced). The last piece goes out with the chunked
 * terminator: one write instead of two.
 */
function pipeToResponse(answer: Extract<ChatAnswer, { kind: 'stream' }>, res: ServerResponse, options: NodeServerOptions): Promise<void> {
  const source = answer.body;
  const cancel = (): void => void source.cancel().catch((error: unknown) => options.onInternalError?.(error));
  // The client may have left while the upstream stream was opening: its 'close' already fired.
  if (res.destroyed) return Promise.resolve(cancel());
  return new Promise<void>((resolve) => {
    const onDrain = (): void => source.resume();
    const out = chunkWriter(res, onDrain);
    const detach = (): void => {
      res.off('close', onClose);
      res.off('drain', onDrain);
      out.detach();
      resolve();
    };
    const onClose = (): void => {
      detach();
      cancel();
    };
    res.on('close', onClose);
    res.on('drain', onDrain);
    source.pipe({
      write: (text) => out.write(text),
      end: (text) => {
        detach();
        out.end(text);
      },
    });
  });
}
