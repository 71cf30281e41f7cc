// The benchmark targets: how each is started (pinned to the target core) and how it is called.
// - mock:    the mock Anthropic upstream itself, a second instance on the target core (the ceiling).
// - floor:   bench/bare-proxy.ts, byte pass-through to the upstream mock (the floor every gateway pays).
// - portico: this repo's gateway, `node --import tsx src/runtime/node/main.ts`.
// - portkey: Portkey's open-source gateway from npm (bench/peers), pointed at the upstream mock.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startService, type Service } from './proc.ts';

export type TargetId = 'mock' | 'floor' | 'portico' | 'portkey';
export const ALL_TARGETS: readonly TargetId[] = ['mock', 'floor', 'portico', 'portkey'];

export interface RequestShape {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface TargetContext {
  repoRoot: string;
  upstreamPort: number;
  /** nice/taskset prefix for the target core. */
  prefix: string[];
  logDir: string;
}

export interface RunningTarget {
  id: TargetId;
  service: Service;
  request: (stream: boolean) => RequestShape;
  /** Port whose `/__bench/config` must also be set (the mock target is its own upstream). */
  mockConfigPort?: number;
  /** Remove what the target left behind (data dirs), after it stopped. */
  cleanup?: () => void;
}

export const TARGET_LABEL: Record<TargetId, string> = {
  mock: 'mock (direct)',
  floor: 'floor (bare proxy)',
  portico: 'Portico',
  portkey: 'Portkey 1.15.2',
};

const ANTHROPIC_BODY = { model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] };
const OPENAI_BODY = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], max_tokens: 256 };
const ANTHROPIC_KEY = 'sk-ant-bench';

function anthropicShape(port: number): (stream: boolean) => RequestShape {
  return (stream) => ({
    url: `http://127.0.0.1:${port}/v1/messages`,
    headers: { 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(stream ? { ...ANTHROPIC_BODY, stream: true } : ANTHROPIC_BODY),
  });
}

function openaiBody(stream: boolean): string {
  return JSON.stringify(stream ? { ...OPENAI_BODY, stream: true } : OPENAI_BODY);
}

/** The upstream mock every target talks to (bench/mock-upstream.ts), on its own port. */
export function startUpstreamMock(options: { repoRoot: string; logPath: string; prefix?: string[] }): Promise<Service> {
  return startService({
    name: 'upstream-mock',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/mock-upstream.ts'],
    cwd: options.repoRoot,
    env: { MOCK_PORT: '0' },
    prefix: options.prefix,
    logPath: options.logPath,
  });
}

export const PORTKEY_ENTRY = 'bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js';

export async function startTarget(id: TargetId, ctx: TargetContext, runTag: string): Promise<RunningTarget> {
  const tsx = ['--import', 'tsx'];
  const logPath = join(ctx.logDir, `${id}-${runTag}.log`);
  switch (id) {
    case 'mock': {
      const service = await startService({
        name: id,
        command: process.execPath,
        args: [...tsx, 'bench/mock-upstream.ts'],
        cwd: ctx.repoRoot,
        env: { MOCK_PORT: '0' },
        prefix: ctx.prefix,
        logPath,
      });
      return { id, service, request: anthropicShape(service.port), mockConfigPort: service.port };
    }
    case 'floor': {
      const service = await startService({
        name: id,
        command: process.execPath,
        args: [...tsx, 'bench/bare-proxy.ts'],
        cwd: ctx.repoRoot,
        env: { PROXY_PORT: '0', UPSTREAM: `http://127.0.0.1:${ctx.upstreamPort}` },
        prefix: ctx.prefix,
        logPath,
      });
      return { id, service, request: anthropicShape(service.port) };
    }
    case 'portico': {
      const port = await freePort();
      const masterKey = `pk-bench-${randomBytes(16).toString('hex')}`;
      const dataDir = mkdtempSync(join(tmpdir(), 'portico-bench-data-'));
      const service = await startService({
        name: id,
        command: process.execPath,
        // BENCH_PORTICO_NODE_ARGS: extra node flags for Portico only, e.g. profiling under the bench's
        // load: BENCH_PORTICO_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- ...
        // scripts/start.mjs is what `npm start` runs (builds, then runs the bundle).
        args: [...(process.env.BENCH_PORTICO_NODE_ARGS ?? '').split(' ').filter(Boolean), 'scripts/start.mjs'],
        cwd: ctx.repoRoot,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          ANTHROPIC_BASE_URL: `http://127.0.0.1:${ctx.upstreamPort}`,
          ANTHROPIC_API_KEY: ANTHROPIC_KEY,
          PORTICO_MASTER_KEY: masterKey,
          PORTICO_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          // Scenario (c) holds 1,000 streams open: set the upstream pool above that explicitly (an earlier
          // default of 256 queued the rest behind 256 sockets). The floor and Portkey have no cap.
          PORTICO_UPSTREAM_CONNECTIONS: '2048',
        },
        prefix: ctx.prefix,
        logPath,
        port,
        readyTimeoutMs: 60_000,
      });
      return {
        id,
        service,
        cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
        request: (stream) => ({
          url: `http://127.0.0.1:${port}/v1/chat/completions`,
          headers: { authorization: `Bearer ${masterKey}` },
          body: openaiBody(stream),
        }),
      };
    }
    case 'portkey': {
      if (!existsSync(join(ctx.repoRoot, PORTKEY_ENTRY))) throw new Error(`${PORTKEY_ENTRY} missing (npm ci --prefix bench/peers failed?)`);
      const port = await freePort();
      const service = await startService({
        name: id,
        command: process.execPath,
        args: [PORTKEY_ENTRY, `--port=${port}`, '--headless'],
        cwd: ctx.repoRoot,
        env: {},
        prefix: ctx.prefix,
        logPath,
        port,
      });
      return {
        id,
        service,
        request: (stream) => ({
          url: `http://127.0.0.1:${port}/v1/chat/completions`,
          headers: {
            authorization: `Bearer ${ANTHROPIC_KEY}`,
            'x-portkey-provider': 'anthropic',
            // Portkey uses the custom host as the provider base URL and appends `/messages`.
            'x-portkey-custom-host': `http://127.0.0.1:${ctx.upstreamPort}/v1`,
          },
          body: openaiBody(stream),
        }),
      };
    }
  }
}
