/**
 * Anthropic HTTP errors and mid-stream `error` events -> GatewayError (protocol.md §4.3, §6.7).
 * The HTTP status decides (Anthropic's documented contract); `error.type` is used only for statuses
 * outside the table and for stream events, which have no status.
 *
 * Anthropic 401/402/403 are about the GATEWAY's upstream credential/account, so they never surface as
 * the client's `invalid_api_key` (architecture.md §2 "Errors"), and their upstream messages are not
 * forwarded. Every forwarded message passes `redactSecrets`.
 */
import { GatewayError, type ErrorCode } from '../../domain/errors.ts';

/** Anthropic `error.type` -> our code (A-ERR table, protocol.md §4.3). */
const CODE_BY_ERROR_TYPE: Readonly<Record<string, ErrorCode>> = {
  invalid_request_error: 'upstream_invalid_request',
  authentication_error: 'upstream_authentication_failed',
  billing_error: 'upstream_billing_error',
  permission_error: 'upstream_permission_denied',
  not_found_error: 'upstream_model_not_found',
  request_too_large: 'upstream_request_too_large',
  rate_limit_error: 'upstream_rate_limited',
  api_error: 'upstream_server_error',
  timeout_error: 'upstream_timeout',
  overloaded_error: 'upstream_overloaded',
};

function codeForStatus(status: number, errorType: string | null): ErrorCode {
  switch (status) {
    case 400:
      return 'upstream_invalid_request';
    case 401:
      return 'upstream_authentication_failed';
    case 402:
      return 'upstream_billing_error';
    case 403:
      return 'upstream_permission_denied';
    case 404:
      return 'upstream_model_not_found';
    case 408:
    case 504:
      return 'upstream_timeout';
    case 413:
      return 'upstream_request_too_large';
    case 429:
      return 'upstream_rate_limited';
    case 529:
      return 'upstream_overloaded';
    default: {
      const byType = errorType === null ? undefined : CODE_BY_ERROR_TYPE[errorType];
      if (byType !== undefined) return byType;
      // "invalid_request_error ... also used for other 4xx" (A-ERR).
      return status >= 400 && status < 500 ? 'upstream_invalid_request' : 'upstream_server_error';
    }
  }
}

/** Anything shaped like an Anthropic key or bearer token is masked before a message leaves us. */
export function redactSecrets(text: string): string {
  return text
    .replace(/sk-ant-[A-Za-z0-9_-]+/g, 'sk-ant-***')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***');
}

const MAX_MESSAGE_CHARS = 2000;

function cleanMessage(text: string): string {
  const trimmed = text.trim();
  const short = trimmed.length > MAX_MESSAGE_CHARS ? trimmed.slice(0, MAX_MESSAGE_CHARS) + '…' : trimmed;
  return redactSecrets(short);
}

interface ParsedBody {
  type: string | null;
  message: string | null;
  requestId: string | null;
}

function parseBody(body: unknown): ParsedBody {
  if (typeof body === 'string') {
    return { type: null, message: body.trim() === '' ? null : cleanMessage(body), requestId: null };
  }
  if (typeof body !== 'object' || body === null) return { type: null, message: null, requestId: null };
  const record = body as { error?: unknown; request_id?: unknown };
  const requestId = typeof record.request_id === 'string' ? record.request_id : null;
  const error = record.error;
  if (typeof error !== 'object' || error === null) return { type: null, message: null, requestId };
  const { type, message } = error as { type?: unknown; message?: unknown };
  return {
    type: typeof type === 'string' ? type : null,
    message: typeof message === 'string' && message.trim() !== '' ? cleanMessage(message) : null,
    requestId,
  };
}

/** `retry-after` in delta-seconds (fractions rounded up). An HTTP-date needs a clock: not here. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value));
}

/**
 * `anthropic-ratelimit-<what>-<limit|remaining|reset>` -> OpenAI-style `x-ratelimit-<kind>-<what>`
 * (protocol.md §2.3 lists the OpenAI names). Reset values stay RFC 3339 timestamps: converting them
 * to OpenAI's Go-style durations would need the clock, and the OpenAI SDKs do not read them.
 */
function rateLimitHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const match = /^anthropic-ratelimit-([a-z-]+)-(limit|remaining|reset)$/.exec(name.toLowerCase());
    if (match !== null) out[`x-ratelimit-${match[2]}-${match[1]}`] = value;
  });
  return out;
}

function contextLengthExceeded(message: string | null): boolean {
  return message !== null && /^prompt is too long/i.test(message);
}

export function mapUpstreamError(status: number, body: unknown, headers: Headers): GatewayError {
  const parsed = parseBody(body);
  const upstreamRequestId = headers.get('request-id') ?? parsed.requestId ?? undefined;
  let code = codeForStatus(status, parsed.type);
  const upstreamMessage = parsed.message;
  let param: string | null = null;
  if (code === 'upstream_invalid_request' && contextLengthExceeded(upstreamMessage)) {
    code = 'context_length_exceeded';
    param = 'messages';
  }

  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterRaw = headers.get('retry-after');
  const retryAfterSeconds = retryable ? parseRetryAfter(retryAfterRaw) : undefined;
  const extraHeaders: Record<string, string> = code === 'upstream_rate_limited' ? rateLimitHeaders(headers) : {};
  if (retryable && retryAfterRaw !== null) extraHeaders['retry-after'] = retryAfterRaw.trim();

  return new GatewayError(code, messageFor(code, status, upstreamMessage), {
    param,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    headers: extraHeaders,
    upstreamStatus: status,
    ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
    // For logs only (never serialised to the client): the upstream body, e.g. the hidden 401 text.
    cause: body,
  });
}

function messageFor(code: ErrorCode, status: number, upstream: string | null): string {
  switch (code) {
    case 'upstream_authentication_failed':
      return 'The gateway could not authenticate with the upstream provider.';
    case 'upstream_permission_denied':
      return 'The gateway\'s upstream credential is not permitted to use this resource.';
    case 'upstream_billing_error':
      return 'The upstream provider rejected the request because of a billing problem on the gateway\'s account.';
    case 'upstream_invalid_request':
    case 'context_length_exceeded':
    case 'upstream_model_not_found':
    case 'upstream_request_too_large':
      // The client's own request caused it: the upstream explanation is the useful part.
      return upstream ?? `Upstream rejected the request (HTTP ${status}).`;
    case 'upstream_rate_limited':
      return upstream === null ? 'Upstream rate limit reached.' : `Upstream rate limit reached: ${upstream}`;
    case 'upstream_overloaded':
      return upstream === null ? 'Upstream is overloaded.' : `Upstream is overloaded: ${upstream}`;
    case 'upstream_timeout':
      return upstream === null ? 'Upstream timed out.' : `Upstream timed out: ${upstream}`;
    default:
      return upstream === null ? `Upstream server error (HTTP ${status}).` : `Upstream server error (HTTP ${status}): ${upstream}`;
  }
}

/**
 * A mid-stream `event: error` (HTTP status already 200): same table keyed by `error.type`; unknown
 * types are server errors. The upstream message is kept verbatim (e.g. "Overloaded").
 */
export function mapStreamErrorEvent(error: { type: string; message: string }): GatewayError {
  const type = typeof error?.type === 'string' ? error.type : '';
  const message = typeof error?.message === 'string' && error.message.trim() !== '' ? cleanMessage(error.message) : null;
  let code: ErrorCode = CODE_BY_ERROR_TYPE[type] ?? 'upstream_server_error';
  let param: string | null = null;
  if (code === 'upstream_invalid_request' && contextLengthExceeded(message)) {
    code = 'context_length_exceeded';
    param = 'messages';
  }
  return new GatewayError(code, message ?? `Upstream stream error (${type === '' ? 'unknown' : type}).`, { param });
}
