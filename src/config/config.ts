/**
 * Configuration is parsed once, from a plain string record (process.env on Node, the Worker `env`
 * on Workers) plus an optional JSON config file, into a typed object. Nothing else reads the
 * environment. Defaults live here and only here. Pure: no I/O (the caller reads the file).
 */
import { Secret } from './secret.ts';

export type CachePolicy = 'off' | 'auto';

export interface PortiCoFileConfig {
  default_model?: string;
  aliases?: Record<string, string>;
  models?: Array<Record<string, unknown> & { id: string }>;
  strict?: boolean;
  max_tokens_cap?: number;
  cache_policy?: CachePolicy;
  cors_origins?: string[];
  prices?: Record<string, { input: number; output: number; cacheWrite5m: number; cacheWrite1h: number; cacheRead: number }>;
}

export interface Config {
  port: number;
  host: string;
  anthropicApiKey: Secret | null;
  anthropicBaseUrl: string;
  anthropicVersion: string;
  /** null: generate one on first start and keep it in the data dir. */
  masterKey: Secret | null;
  dataDir: string;
  databaseUrl: Secret | null;
  /** Embedded SQLite durability: NORMAL survives process crashes, FULL also power loss. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  redisUrl: Secret | null;
  metricsToken: Secret | null;
  defaultModel: string;
  aliases: Record<string, string>;
  models: Array<Record<string, unknown> & { id: string }>;
  prices: PortiCoFileConfig['prices'] | undefined;
  strict: boolean;
  maxTokensCap: number | undefined;
  cachePolicy: CachePolicy;
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Non-streaming: whole upstream call. Streaming: until upstream response headers. */
  upstreamTimeoutMs: number;
  /** A stream whose upstream sends nothing for this long is ended with an in-band timeout error. */
  streamIdleTimeoutMs: number;
  /** SSE comment keep-alive while the upstream is silent (proxies with idle timeouts). */
  keepAliveMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Cap on upstream sockets; 0 = no cap (every open stream holds one: a cap queues streams). */
  upstreamConnections: number;
  logLevel: string;
  logBodies: boolean;
}

function sqliteSynchronous(raw: string | undefined): 'NORMAL' | 'FULL' {
  const value = (raw ?? 'NORMAL').toUpperCase();
  if (value !== 'NORMAL' && value !== 'FULL') throw new ConfigError(`PORTICO_SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${raw}"`);
  return value;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The seed's default model name; it maps to a live successor through the alias table. */
export const SEED_DEFAULT_MODEL = 'claude-3-5-sonnet-20241022';

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env, file: PortiCoFileConfig = {}): Config {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  };
  const secret = (name: string): Secret | null => {
    const raw = read(name);
    return raw === undefined ? null : new Secret(raw);
  };

  const baseUrl = (read('ANTHROPIC_BASE_URL') ?? 'https://api.anthropic.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError(`ANTHROPIC_BASE_URL must be an http(s) URL, got "${baseUrl}"`);

  const cachePolicy = (read('PORTICO_CACHE_POLICY') ?? file.cache_policy ?? 'off') as CachePolicy;
  if (cachePolicy !== 'off' && cachePolicy !== 'auto') throw new ConfigError(`cache policy must be "off" or "auto", got "${cachePolicy}"`);

  const corsRaw = read('PORTICO_CORS_ORIGINS');
  const corsOrigins = corsRaw !== undefined ? corsRaw.split(',').map((origin) => origin.trim()).filter(Boolean) : file.cors_origins ?? ['*'];

  const maxTokensCapRaw = read('PORTICO_MAX_TOKENS_CAP');
  const maxTokensCap = maxTokensCapRaw !== undefined ? int('PORTICO_MAX_TOKENS_CAP', 0, 1) : file.max_tokens_cap;

  return {
    port: int('PORT', 8080, 0),
    host: read('HOST') ?? '127.0.0.1',
    anthropicApiKey: secret('ANTHROPIC_API_KEY'),
    anthropicBaseUrl: baseUrl,
    anthropicVersion: read('ANTHROPIC_VERSION') ?? '2023-06-01',
    masterKey: secret('PORTICO_MASTER_KEY'),
    dataDir: read('PORTICO_DATA_DIR') ?? './.portico',
    databaseUrl: secret('DATABASE_URL'),
    sqliteSynchronous: sqliteSynchronous(read('PORTICO_SQLITE_SYNCHRONOUS')),
    redisUrl: secret('REDIS_URL'),
    metricsToken: secret('PORTICO_METRICS_TOKEN'),
    defaultModel: read('PORTICO_DEFAULT_MODEL') ?? file.default_model ?? SEED_DEFAULT_MODEL,
    aliases: file.aliases ?? {},
    models: file.models ?? [],
    prices: file.prices,
    strict: bool('PORTICO_STRICT', file.strict ?? false),
    maxTokensCap,
    cachePolicy,
    corsOrigins,
    maxBodyBytes: int('PORTICO_MAX_BODY_BYTES', 32 * 1024 * 1024, 1024),
    upstreamTimeoutMs: int('PORTICO_UPSTREAM_TIMEOUT_MS', 600_000, 1),
    streamIdleTimeoutMs: int('PORTICO_STREAM_IDLE_TIMEOUT_MS', 300_000, 1),
    keepAliveMs: int('PORTICO_KEEPALIVE_MS', 15_000, 1),
    maxRetries: int('PORTICO_MAX_RETRIES', 2, 0),
    retryBaseDelayMs: int('PORTICO_RETRY_BASE_DELAY_MS', 500, 0),
    retryMaxDelayMs: int('PORTICO_RETRY_MAX_DELAY_MS', 8_000, 0),
    upstreamConnections: int('PORTICO_UPSTREAM_CONNECTIONS', 0, 0),
    logLevel: read('LOG_LEVEL') ?? 'info',
    logBodies: bool('PORTICO_LOG_BODIES', false),
  };
}
