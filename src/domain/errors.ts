/**
 * The one error catalog. Every error Portico returns has a stable `code` from this table; the code
 * decides the HTTP status, the OpenAI `error.type`, the OpenAI `error.code` and whether a retry can
 * help. Codes are never reused or renamed (clients and dashboards key on them).
 *
 * @see ../shared/protocol.md §2.3 (OpenAI envelope) and §6.7 (Anthropic → OpenAI mapping)
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'service_unavailable_error';

interface CatalogEntry {
  status: number;
  type: OpenAIErrorType;
  /** The `error.code` string clients see; null where OpenAI sends null. */
  openaiCode: string | null;
  retryable: boolean;
}

export const ERROR_CATALOG = {
  // Client mistakes
  invalid_request: { status: 400, type: 'invalid_request_error', openaiCode: 'invalid_request', retryable: false },
  invalid_json: { status: 400, type: 'invalid_request_error', openaiCode: 'invalid_json', retryable: false },
  unsupported_parameter: { status: 400, type: 'invalid_request_error', openaiCode: 'unsupported_parameter', retryable: false },
  /** Strict mode: an adjustment the gateway would have made silently is refused instead. */
  adjustment_refused: { status: 400, type: 'invalid_request_error', openaiCode: 'strict_mode_adjustment', retryable: false },
  request_too_large: { status: 413, type: 'invalid_request_error', openaiCode: 'request_too_large', retryable: false },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', openaiCode: 'unsupported_media_type', retryable: false },
  not_found: { status: 404, type: 'invalid_request_error', openaiCode: 'not_found', retryable: false },
  method_not_allowed: { status: 405, type: 'invalid_request_error', openaiCode: 'method_not_allowed', retryable: false },
  model_not_found: { status: 404, type: 'invalid_request_error', openaiCode: 'model_not_found', retryable: false },

  // Who is calling
  missing_api_key: { status: 401, type: 'invalid_request_error', openaiCode: 'invalid_api_key', retryable: false },
  invalid_api_key: { status: 401, type: 'invalid_request_error', openaiCode: 'invalid_api_key', retryable: false },
  model_not_allowed: { status: 403, type: 'permission_error', openaiCode: 'model_not_allowed', retryable: false },
  admin_only: { status: 403, type: 'permission_error', openaiCode: 'insufficient_permissions', retryable: false },

  // Gateway limits
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', openaiCode: 'rate_limit_exceeded', retryable: true },
  insufficient_quota: { status: 429, type: 'insufficient_quota', openaiCode: 'insufficient_quota', retryable: false },

  // Upstream (Anthropic) outcomes
  upstream_invalid_request: { status: 400, type: 'invalid_request_error', openaiCode: 'invalid_request', retryable: false },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', openaiCode: 'context_length_exceeded', retryable: false },
  upstream_model_not_found: { status: 404, type: 'invalid_request_error', openaiCode: 'model_not_found', retryable: false },
  upstream_request_too_large: { status: 413, type: 'invalid_request_error', openaiCode: 'request_too_large', retryable: false },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error', openaiCode: 'rate_limit_exceeded', retryable: true },
  /** Anthropic 401/403/402: our upstream credential or account is wrong, never the client's key. */
  upstream_authentication_failed: { status: 502, type: 'server_error', openaiCode: 'upstream_authentication_error', retryable: false },
  upstream_permission_denied: { status: 502, type: 'server_error', openaiCode: 'upstream_permission_error', retryable: false },
  upstream_billing_error: { status: 502, type: 'server_error', openaiCode: 'upstream_billing_error', retryable: false },
  upstream_server_error: { status: 502, type: 'server_error', openaiCode: 'upstream_server_error', retryable: true },
  /** Anthropic 529 (and mid-stream overloaded_error): distinguishable from a rate limit. */
  upstream_overloaded: { status: 503, type: 'service_unavailable_error', openaiCode: 'server_is_overloaded', retryable: true },
  upstream_unreachable: { status: 502, type: 'server_error', openaiCode: 'upstream_connection_error', retryable: true },
  upstream_timeout: { status: 504, type: 'server_error', openaiCode: 'timeout', retryable: true },
  /** Malformed SSE, a stream that ends without message_stop, an unparsable body. */
  upstream_protocol_error: { status: 502, type: 'server_error', openaiCode: 'upstream_protocol_error', retryable: true },
  upstream_not_configured: { status: 503, type: 'service_unavailable_error', openaiCode: 'upstream_not_configured', retryable: false },

  /** The client went away before we answered (nginx's 499); recorded in the ledger, never sent. */
  client_closed_request: { status: 499, type: 'invalid_request_error', openaiCode: 'client_closed_request', retryable: false },
  internal: { status: 500, type: 'server_error', openaiCode: 'internal_error', retryable: true },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface GatewayErrorOptions {
  param?: string | null;
  /** Seconds the client should wait (sets `retry-after`). */
  retryAfterSeconds?: number;
  /** Extra response headers (rate-limit headers forwarded from upstream, …). */
  headers?: Record<string, string>;
  upstreamStatus?: number;
  upstreamRequestId?: string;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Record<string, string>;
  readonly upstreamStatus: number | undefined;
  readonly upstreamRequestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamRequestId = options.upstreamRequestId;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CATALOG[this.code].retryable;
  }

  toBody(): OpenAIErrorBody {
    const entry = ERROR_CATALOG[this.code];
    return { error: { message: this.message, type: entry.type, param: this.param, code: entry.openaiCode } };
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Shorthand for the most common error: a 400 naming the offending field. */
export function invalidRequest(message: string, param: string | null = null): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
