/**
 * Node entry point (`npm start`): env → config → deps → HTTP server; graceful shutdown.
 * The only place (with config/) that reads process.env or touches the file system for setup.
 */
import { hash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildDeps } from '../../config/build-deps.ts';
import { ConfigError, parseConfig, type PortiCoFileConfig } from '../../config/config.ts';
import { loadDashboardAssets } from '../../http/dashboard/load-dashboard-assets.ts';
import { createLogger } from '../../observability/logger.ts';
import { createNodeServer } from './node-server.ts';
import { createUndiciTransport } from './undici-transport.ts';

async function main(): Promise<void> {
  const env = process.env;
  let config;
  try {
    config = parseConfig(env, readConfigFile(env.PORTICO_CONFIG));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`portico: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  config = { ...config, dataDir };

  const masterKey = config.masterKey?.reveal() ?? loadOrCreateMasterKey(dataDir, logger);
  if (!config.anthropicApiKey) {
    logger.warn(
      'ANTHROPIC_API_KEY is not set: the gateway starts, but every completion answers 503 upstream_not_configured until it is set.',
    );
  }

  const { transport, close: closeTransport } = createUndiciTransport({ connections: config.upstreamConnections });
  const built = await buildDeps({ config, masterKey, transport, logger, version: packageVersion(), dashboardAssets: loadDashboardAssets(), sha256: nodeSha256 });

  const server = createNodeServer(built, { onInternalError: (error) => logger.error({ err: error }, 'unexpected error in the chat path') });
  server.listen(config.port, config.host, () => {
    const info = server.address() as AddressInfo;
    logger.info(
      { port: info.port, host: config.host, storage: built.storageDescription, upstream: config.anthropicBaseUrl },
      `Portico listening on http://${config.host}:${info.port}`,
    );
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    server.close(async () => {
      // Requests still finishing (streams the shutdown cut) write their ledger rows first:
      // storage closes once none is in flight, or after a bound.
      const deadline = Date.now() + 5000;
      while (built.metrics.snapshot().inFlightRequests > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await built.close().catch((error: unknown) => logger.error({ err: error }, 'storage close failed'));
      await closeTransport().catch(() => undefined);
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  // A stray rejection must not take every open stream down with it: log it loudly, keep serving.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * node:crypto's SHA-256: synchronous and several times cheaper per call than WebCrypto's digest;
 * one-shot (`hash`, Node ≥ 20.12), so no Hash object per request.
 */
function nodeSha256(text: string): Uint8Array {
  return hash('sha256', text, 'buffer');
}

function readConfigFile(path: string | undefined): PortiCoFileConfig {
  const file = path ?? (existsSync('portico.config.json') ? 'portico.config.json' : undefined);
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PortiCoFileConfig;
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
}

/** PORTICO_MASTER_KEY unset: generate one on first start, keep it in the data dir, print it once. */
function loadOrCreateMasterKey(dataDir: string, logger: { info(obj: object, msg: string): void }): string {
  const path = join(dataDir, 'master-key');
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (key) {
      logger.info({ path }, 'using the master key stored in the data dir');
      return key;
    }
  }
  const key = `sk-portico-master-${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, key + '\n', { mode: 0o600 });
  // Printed once, on purpose, outside the structured log (which never carries secrets).
  process.stdout.write(
    `\n  Portico generated a master key (shown once; stored in ${path}):\n\n    ${key}\n\n  Set PORTICO_MASTER_KEY to choose your own.\n\n`,
  );
  return key;
}

/** Portico's package.json is found upwards from this module: it runs from src/ (tsx) or from dist/ (the bundle). */
function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'portico' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return '0.0.0';
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`portico: failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
