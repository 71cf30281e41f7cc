/**
 * Config → the running object graph: storage (embedded or Postgres/Redis), governance, the model
 * catalog, the provider over a given transport, observability and the HTTP app. Runtime-agnostic:
 * the runtime passes the transport and the master key it settled on.
 */
import type { Sha256 } from '../domain/api-keys/api-key.ts';
import { createModelCatalog } from '../domain/models/model-catalog.ts';
import { DEFAULT_PRICES, type PriceTable } from '../domain/usage/pricing.ts';
import { createChatEndpoint, type ChatEndpoint } from '../http/chat-endpoint.ts';
import { createApp } from '../http/create-app.ts';
import { createDashboardRoutes, type DashboardAssets } from '../http/dashboard/dashboard-routes.ts';
import { bearerTokenAuthorizer, createMetricsRoute, createStatsRoute } from '../http/routes/metrics.ts';
import { createAdminApi } from '../http/routes/admin-api.ts';
import { logRequest, type Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { createAnthropicProvider } from '../providers/anthropic/anthropic-provider.ts';
import type { Transport } from '../providers/transport/transport.ts';
import { createGovernance } from '../service/governance.ts';
import type { ServiceTelemetry } from '../service/service-deps.ts';
import { createStorage } from '../storage/create-storage.ts';
import type { Config } from './config.ts';

export interface BuildOptions {
  config: Config;
  masterKey: string;
  transport: Transport;
  logger: Logger;
  /** Unix ms with sub-ms resolution. */
  clock?: () => number;
  newId?: () => string;
  version?: string;
  /** SHA-256 for key checks (the runtime's fastest); default WebCrypto. */
  sha256?: Sha256;
  /** uPlot files for the dashboard charts (read from node_modules by the Node runtime). */
  dashboardAssets?: DashboardAssets;
}

export interface Built {
  fetch: (request: Request) => Response | Promise<Response>;
  /** The chat route without the Web Request/Response layer, for runtimes that can serve it directly. */
  chat: { endpoint: ChatEndpoint; maxBodyBytes: number; newRequestId: () => string };
  metrics: Metrics;
  storageDescription: string;
  close(): Promise<void>;
}

export async function buildDeps(options: BuildOptions): Promise<Built> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => performance.timeOrigin + performance.now());
  const newId = options.newId ?? nextId;
  const storage = await createStorage({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl?.reveal(),
    redisUrl: config.redisUrl?.reveal(),
    sqliteSynchronous: config.sqliteSynchronous,
    backgroundCheckpoints: true,
    ledgerJournal: true,
    onWarning: (message) => logger.warn({ detail: message }, 'storage'),
  });
  const prices: PriceTable = { ...DEFAULT_PRICES, ...(config.prices ?? {}) };
  const catalog = createModelCatalog({ aliases: config.aliases, models: config.models as never });
  const governance = createGovernance({
    keyStore: storage.keyStore,
    rateLimiter: storage.rateLimiter,
    ledger: storage.ledger,
    masterKey: options.masterKey,
    clock: () => Math.floor(clock()),
    sha256: options.sha256,
    onBackgroundError: (error: unknown) => logger.warn({ err: error }, 'rate-limit true-up failed (the ledger row is kept)'),
  });
  const metrics = createMetrics({ clock: () => Math.floor(clock()) });
  const provider = createAnthropicProvider({
    baseUrl: config.anthropicBaseUrl,
    apiKey: config.anthropicApiKey,
    version: config.anthropicVersion,
    transport: options.transport,
    timeoutMs: config.upstreamTimeoutMs,
  });
  const telemetry: ServiceTelemetry = {
    streamOpened: () => metrics.streamOpened(),
    streamClosed: () => metrics.streamClosed(),
    upstreamError: (type) => metrics.upstreamError(type),
    retry: () => metrics.retry(),
    rateLimited: (kind) => metrics.rateLimited(kind),
    internalError: (error, requestId) => logger.error({ err: error, request_id: requestId }, 'unexpected error in the chat path'),
    requestFinished: (record, extras) => {
      metrics.requestFinished(record, extras);
      logRequest(logger, record, extras);
    },
  };

  const chatEndpoint = createChatEndpoint({
    chat: {
      provider,
      catalog,
      governance,
      telemetry,
      settings: {
        defaultModel: config.defaultModel,
        strict: config.strict,
        maxTokensCap: config.maxTokensCap,
        cachePolicy: config.cachePolicy,
        keepAliveMs: config.keepAliveMs,
        streamIdleTimeoutMs: config.streamIdleTimeoutMs,
        retry: { maxRetries: config.maxRetries, baseDelayMs: config.retryBaseDelayMs, maxDelayMs: config.retryMaxDelayMs },
        prices,
      },
      clock,
      newId,
    },
    requestStarted: (route) => metrics.requestStarted(route),
  });
  const newRequestId = (): string => `req_${nextId()}`;

  const app = createApp({
    chatEndpoint,
    governance,
    catalog,
    adminApi: createAdminApi({ keyStore: storage.keyStore, ledger: storage.ledger, clock: () => Math.floor(clock()) }),
    statsRoute: createStatsRoute({ metrics, ledger: storage.ledger } as Parameters<typeof createStatsRoute>[0]),
    dashboard: createDashboardRoutes({ assets: options.dashboardAssets }),
    metricsRoute: createMetricsRoute({
      metrics,
      authorize: bearerTokenAuthorizer([options.masterKey, config.metricsToken?.reveal()]),
    }),
    onInternalError: (error, requestId) => logger.error({ err: error, requestId }, 'unexpected error'),
    health: async () => ({
      version: options.version ?? '0.1.0',
      upstream: config.anthropicApiKey ? 'configured' : 'missing ANTHROPIC_API_KEY',
      storage: storage.describe,
    }),
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    newRequestId,
  });

  return {
    fetch: (request) => app.fetch(request),
    chat: { endpoint: chatEndpoint, maxBodyBytes: config.maxBodyBytes, newRequestId },
    metrics,
    storageDescription: storage.describe,
    close: () => storage.close(),
  };
}

/**
 * Ids (request ids, completion ids): a random per-process prefix and a counter. Unique across
 * replicas and restarts without a random draw per request (ids are not secrets).
 */
const ID_PREFIX = (() => {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
})();
let idCounter = 0;

function nextId(): string {
  idCounter = (idCounter + 1) % 0xffffffffff;
  return ID_PREFIX + idCounter.toString(16).padStart(10, '0');
}
