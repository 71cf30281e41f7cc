// The floor: the cheapest honest HTTP pass-through proxy Node can be (bench/ only).
// node:http server, keep-alive agent to the upstream, request and response bytes piped without parsing.
// Anything a real gateway does (auth, validation, translation, SSE re-framing, accounting) costs on top of this.
//
// Env: PROXY_PORT (0 = any), PROXY_HOST (127.0.0.1), UPSTREAM (http://127.0.0.1:PORT). Prints `LISTENING <port>`.
import http from 'node:http';

const upstream = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080');
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 2048 });

const server = http.createServer((req, res) => {
  const headers = { ...req.headers, host: upstream.host };
  const up = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":"upstream"}');
  });
  // A client that leaves mid-stream must not leave the upstream streaming.
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(Number(process.env.PROXY_PORT ?? '0'), process.env.PROXY_HOST ?? '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`LISTENING ${typeof addr === 'object' && addr !== null ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
