import { GatewayError } from '../domain/errors.ts';

/** GatewayError → OpenAI error envelope Response. The only place error bodies are rendered. */
export function errorResponse(error: GatewayError, headers: Record<string, string> = {}): Response {
  const out = new Headers(headers);
  out.set('content-type', 'application/json');
  for (const [name, value] of Object.entries(error.headers)) out.set(name, value);
  if (error.retryAfterSeconds !== undefined) out.set('retry-after', String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  // Both SDKs obey x-should-retry: don't let them hammer a permanent failure.
  out.set('x-should-retry', error.retryable ? 'true' : 'false');
  if (error.upstreamRequestId) out.set('x-upstream-request-id', error.upstreamRequestId);
  return new Response(JSON.stringify(error.toBody()), { status: error.status, headers: out });
}
