/**
 * Structured logging (pino). One JSON line per request (`logRequest`), secrets redacted by path,
 * pretty output on a terminal. Log line fields are documented in docs/observability.md.
 *
 * Bodies (prompts, completions) are never logged unless the logger was created with
 * `logBodies: true` (the caller maps PORTICO_LOG_BODIES=true to it): they are customer data.
 */
import { usageFields } from '../domain/usage/usage-view.ts';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { UsageRecord } from '../domain/usage/usage-record.ts';
import { promptTokensOf } from '../domain/usage/usage-record.ts';
import type { RequestSummaryExtras } from './metrics.ts';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** pino level: fatal, error, warn, info, debug, trace, silent (from LOG_LEVEL). */
  level: string;
  /** Human-readable output (pino-pretty). Default: stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream. */
  destination?: DestinationStream;
  /** Include request/response bodies in request lines (PORTICO_LOG_BODIES=true). Default false. */
  logBodies?: boolean;
}

/**
 * Paths whose values never reach a log line. Key secrets travel in `authorization`
 * (`Bearer sk-…`) and `x-api-key`, and sit in config objects as apiKey/masterKey; a freshly
 * created key is returned to the admin as `key`.
 */
export const REDACT_PATHS = [
  'authorization',
  '["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  '*.authorization',
  '*["x-api-key"]',
  'apiKey',
  'api_key',
  'masterKey',
  'anthropicApiKey',
  'metricsToken',
  'key',
  'secret',
  '*.apiKey',
  '*.api_key',
  '*.masterKey',
  '*.anthropicApiKey',
  '*.metricsToken',
  '*.key',
  '*.secret',
];

// A symbol property rather than a WeakMap: pino children inherit from their parent's prototype,
// so logger.child({...}) keeps the setting.
const LOG_BODIES = Symbol('portico.logBodies');

export function createLogger(options: CreateLoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  const destination: DestinationStream | undefined = usePretty
    ? pretty({
        colorize: options.destination === undefined && process.stdout.isTTY === true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
        ...(options.destination === undefined ? {} : { destination: options.destination }),
      })
    : options.destination;
  const logger = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  Object.defineProperty(logger, LOG_BODIES, { value: options.logBodies === true, enumerable: false });
  return logger;
}

export interface LogRequestExtras extends RequestSummaryExtras {
  /** The key's public prefix (shown in the dashboard), never the secret. */
  keyPrefix?: string | null;
  /** Logged only when the logger was created with logBodies: true. */
  bodies?: { request?: unknown; response?: unknown };
}

/** The fields of the one line written per request (snake_case: it is an external format). */
export function requestLogFields(record: UsageRecord, extras: LogRequestExtras): Record<string, unknown> {
  return {
    request_id: record.requestId,
    key_id: record.keyId ?? 'master',
    key_prefix: extras.keyPrefix ?? null,
    route: extras.route,
    model_requested: record.modelRequested,
    model_served: record.modelServed,
    status: record.status,
    error_code: record.errorCode,
    stream: record.stream,
    cancelled: record.cancelled,
    choices: record.choices,
    prompt_tokens: promptTokensOf(record),
    ...usageFields(record),
    overhead_ms: Math.round(extras.overheadMs * 1000) / 1000,
    retries: extras.retries,
    adjustments: extras.adjustments,
    upstream_request_id: record.upstreamRequestId,
  };
}

/** Writes exactly one line for a finished request: info on success, warn for 4xx, error for 5xx or a broken stream. */
export function logRequest(logger: Logger, record: UsageRecord, extras: LogRequestExtras): void {
  // A client leaving is routine (info); a stream that broke after its 200 is an error.
  const level = record.cancelled
    ? 'info'
    : record.status >= 500 || (record.status < 400 && record.errorCode !== null)
      ? 'error'
      : record.status >= 400
        ? 'warn'
        : 'info';
  // Below the configured level: skip building the line at all.
  if (typeof logger.isLevelEnabled === 'function' && !logger.isLevelEnabled(level)) return;
  const fields = requestLogFields(record, extras);
  if ((logger as unknown as Record<symbol, unknown>)[LOG_BODIES] === true && extras.bodies !== undefined) {
    fields.request_body = extras.bodies.request;
    fields.response_body = extras.bodies.response;
  }
  logger[level](fields, 'request');
}
