// Mock Anthropic Messages API upstream for the benchmark (bench/), run in its own process.
//
// POST .../messages answers like Anthropic (protocol.md §4.1 for JSON, §4.2 for SSE framing:
// `event: <type>\ndata: <json>\n\n`, message_start, content_block_start, ping, N × content_block_delta
// text_delta, content_block_stop, message_delta with usage, message_stop). Streaming is chosen by the
// request body's `"stream": true`, detected with a byte search so the mock spends almost no CPU.
//
// Behaviour per request, first match wins:
//   header `x-bench-tokens` / `x-bench-delay-ms`, query `?tokens=&delay_ms=`,
//   the runtime config set by `POST /__bench/config {"tokens":N,"delayMs":D}` (the harness uses this,
//   because gateways do not forward unknown headers), env MOCK_TOKENS / MOCK_DELAY_MS.
// Every token's text ends in `~`, a byte that appears nowhere else in either wire format, so clients
// count tokens in any framing (Anthropic or OpenAI) by counting `~` bytes.
//
// Env: MOCK_PORT (0 = any free port), MOCK_HOST (127.0.0.1). Prints `LISTENING <port>` when ready.
import http from 'node:http';

const host = process.env.MOCK_HOST ?? '127.0.0.1';
const port = Number(process.env.MOCK_PORT ?? '0');
const config = {
  tokens: Number(process.env.MOCK_TOKENS ?? '200'),
  delayMs: Number(process.env.MOCK_DELAY_MS ?? '0'),
};

const TOKEN_TEXT = 'tok~';
const STREAM_MARKER = Buffer.from('"stream":true');
const STREAM_MARKER_SPACED = Buffer.from('"stream": true');

const counters = { requests: 0, streams: 0, openStreams: 0 };

function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function usage(output: number): Record<string, unknown> {
  return {
    input_tokens: 8,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
    service_tier: 'standard',
  };
}

// Pre-rendered bytes per token count: the mock must be cheap so it is never the bottleneck.
const jsonCache = new Map<number, Buffer>();
function messageJson(tokens: number): Buffer {
  let b = jsonCache.get(tokens);
  if (b === undefined) {
    b = Buffer.from(
      JSON.stringify({
        id: 'msg_01BenchMockMessage000000',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        content: [{ type: 'text', text: TOKEN_TEXT.repeat(tokens) }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: usage(tokens),
      }),
    );
    jsonCache.set(tokens, b);
  }
  return b;
}

const HEAD = Buffer.from(
  sse('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_01BenchMockStream0000000',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage(1) },
    },
  }) +
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
    'event: ping\ndata: {"type": "ping"}\n\n',
);
const DELTA = Buffer.from(
  sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: TOKEN_TEXT } }),
);
function tail(tokens: number): Buffer {
  return Buffer.from(
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: tokens },
      }) +
      sse('message_stop', { type: 'message_stop' }),
  );
}

function param(req: http.IncomingMessage, url: URL, header: string, query: string, fallback: number): number {
  const h = req.headers[header];
  const raw = typeof h === 'string' ? h : url.searchParams.get(query);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function stream(res: http.ServerResponse, tokens: number, delayMs: number): void {
  counters.streams++;
  counters.openStreams++;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': 'req_bench_mock',
  });
  res.write(HEAD);
  let sent = 0;
  let closed = false;
  res.on('close', () => {
    if (!closed) {
      closed = true;
      counters.openStreams--;
    }
  });
  const finish = (): void => {
    res.end(tail(tokens));
  };
  if (delayMs <= 0) {
    // One write per event, as the real API sends them; the kernel may still coalesce segments.
    for (; sent < tokens; sent++) res.write(DELTA);
    finish();
    return;
  }
  const tick = (): void => {
    if (closed) return;
    res.write(DELTA);
    sent++;
    if (sent >= tokens) finish();
    else setTimeout(tick, delayMs);
  };
  setTimeout(tick, delayMs);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://mock');
  if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/health')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, config, counters }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (req.method === 'POST' && url.pathname === '/__bench/config') {
      try {
        const next = JSON.parse(body.toString('utf8')) as { tokens?: unknown; delayMs?: unknown };
        if (typeof next.tokens === 'number') config.tokens = next.tokens;
        if (typeof next.delayMs === 'number') config.delayMs = next.delayMs;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(config));
      } catch {
        res.writeHead(400).end();
      }
      return;
    }
    if (req.method === 'GET' && url.pathname.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: [{ type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z' }],
          has_more: false,
          first_id: 'claude-sonnet-4-6',
          last_id: 'claude-sonnet-4-6',
        }),
      );
      return;
    }
    if (req.method !== 'POST' || !url.pathname.endsWith('/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"not_found_error","message":"Not found"}}');
      return;
    }
    counters.requests++;
    const tokens = param(req, url, 'x-bench-tokens', 'tokens', config.tokens);
    const delayMs = param(req, url, 'x-bench-delay-ms', 'delay_ms', config.delayMs);
    const isStream = body.includes(STREAM_MARKER) || body.includes(STREAM_MARKER_SPACED);
    if (isStream) {
      stream(res, tokens, delayMs);
      return;
    }
    const json = messageJson(tokens);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length, 'request-id': 'req_bench_mock' });
    res.end(json);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.maxRequestsPerSocket = 0;
server.listen(port, host, () => {
  const addr = server.address();
  process.stdout.write(`LISTENING ${typeof addr === 'object' && addr !== null ? addr.port : port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
