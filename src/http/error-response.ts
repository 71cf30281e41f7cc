import { GatewayError } from '../domain/errors.ts';

/** An HTTP answer as plain values, so every runtime adapter renders it the same way. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** GatewayError → OpenAI error envelope. The only place error bodies and their headers are decided. */
export function renderError(error: GatewayError, headers: Record<string, string> = {}): PlainResponse {
  const out: Record<string, string> = { ...headers, 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(error.headers)) out[name.toLowerCase()] = value;
  if (error.retryAfterSeconds !== undefined) out['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  // Both SDKs obey x-should-retry: don't let them hammer a permanent failure.
  out['x-should-retry'] = error.retryable ? 'true' : 'false';
  if (error.upstreamRequestId) out['x-upstream-request-id'] = error.upstreamRequestId;
  return { status: error.status, headers: out, body: JSON.stringify(error.toBody()) };
}

/** The same, as a Web Response (the Hono app). */
export function errorResponse(error: GatewayError, headers: Record<string, string> = {}): Response {
  const plain = renderError(error, headers);
  return new Response(plain.body, { status: plain.status, headers: plain.headers });
}
