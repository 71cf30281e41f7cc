/**
 * Start Portico for tests: in-process (fast; the real app, storage and undici transport on an
 * ephemeral port) or as a child process through the real Node entry (restart, crash, replicas).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildDeps, type Built } from '../../src/config/build-deps.ts';
import { parseConfig } from '../../src/config/config.ts';
import { createFetchTransport } from '../../src/providers/transport/fetch-transport.ts';
import { createNodeServer } from '../../src/runtime/node/node-server.ts';
import { createUndiciTransport } from '../../src/runtime/node/undici-transport.ts';

export const TEST_MASTER_KEY = 'sk-portico-master-test-0123456789';

export interface RunningGateway {
  url: string;
  /** `${url}/v1`, the OpenAI SDK's baseURL. */
  baseURL: string;
  masterKey: string;
  dataDir: string;
  built: Built;
  close(): Promise<void>;
}

export interface GatewayOptions {
  upstreamUrl: string;
  env?: Record<string, string>;
  dataDir?: string;
  /** Collects the gateway's JSON log lines (info level) for assertions. */
  logLines?: string[];
  /** The upstream transport: Node's pooled undici (default, push streams) or the portable fetch one (pull streams, as on Workers). */
  transport?: 'undici' | 'fetch';
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'portico-test-'));
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = parseConfig({
    ANTHROPIC_BASE_URL: options.upstreamUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    PORTICO_MASTER_KEY: TEST_MASTER_KEY,
    PORTICO_DATA_DIR: dataDir,
    PORTICO_RETRY_BASE_DELAY_MS: '10',
    PORTICO_RETRY_MAX_DELAY_MS: '50',
    ...options.env,
  });
  const lines = options.logLines;
  const logger = lines
    ? pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
    : pino({ level: process.env.PORTICO_TEST_LOG ?? 'silent' });
  const { transport, close: closeTransport } =
    options.transport === 'fetch' ? { transport: createFetchTransport(), close: async () => {} } : createUndiciTransport({ connections: 32 });
  const built = await buildDeps({
    config,
    masterKey: config.masterKey!.reveal(),
    transport,
    logger,
    sha256: (text) => createHash('sha256').update(text).digest(),
  });
  const server = createNodeServer(built);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    masterKey: TEST_MASTER_KEY,
    dataDir,
    built,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await closeTransport();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GatewayProcess {
  url: string;
  baseURL: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (crash) and wait for exit. */
  kill(): Promise<void>;
}

/** Runs `node scripts/start.mjs` (what `npm start` runs: the built bundle) and waits until it listens. */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 20_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = (): void => {
      const match = /"port":(\d+)/.exec(output) ?? /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A raw TCP connection to the gateway and the bytes of one chat request on it, for tests that need
 * what an HTTP client hides (exact framing, HTTP/1.0, a client that stops reading).
 */
export async function rawChatConnection(gateway: Pick<RunningGateway, 'url'>): Promise<net.Socket> {
  const url = new URL(gateway.url);
  const socket = net.connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  return socket;
}

export function rawChatRequest(
  gateway: Pick<RunningGateway, 'url' | 'masterKey'>,
  body: object,
  options: { version?: '1.0' | '1.1'; extraHeaders?: string } = {},
): string {
  const text = JSON.stringify(body);
  return (
    `POST /v1/chat/completions HTTP/${options.version ?? '1.1'}\r\nhost: ${new URL(gateway.url).host}\r\n` +
    `authorization: Bearer ${gateway.masterKey}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(text)}\r\n${options.extraHeaders ?? ''}\r\n${text}`
  );
}

/** One Anthropic SSE event as the API frames it (`type` is repeated inside the data, as Anthropic does). */
export function anthropicSse(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * An in-process gateway in front of a hand-written upstream (a plain node:http handler), for tests
 * that control the upstream's bytes and timing themselves. `close` stops both.
 */
export async function startGatewayOverUpstream(handler: http.RequestListener): Promise<{ gateway: RunningGateway; close(): Promise<void> }> {
  const upstream = http.createServer(handler);
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const gateway = await startGateway({ upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  return {
    gateway,
    async close() {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    },
  };
}
