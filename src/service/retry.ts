import { GatewayError, type ErrorCode } from '../domain/errors.ts';
import type { CancelSignal } from '../domain/cancellation.ts';

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Upstream outcomes worth another try: 429, 500/502/503, 529 and connection failures. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'upstream_rate_limited',
  'upstream_overloaded',
  'upstream_server_error',
  'upstream_unreachable',
]);

/** A retry-after longer than this is the client's to wait for, not ours. */
const MAX_HONOURED_RETRY_AFTER_MS = 30_000;

/**
 * Runs `attempt` until it succeeds, fails permanently, or the budget is spent. Only ever called
 * before the first byte went to the client, so a retry is invisible to it. Backoff is jittered
 * exponential ("full jitter"); an upstream `retry-after` is honoured when it is short.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal: CancelSignal,
  onRetry: (error: GatewayError, delayMs: number) => void = () => undefined,
  random: () => number = Math.random,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof GatewayError) || !RETRYABLE.has(error.code) || attemptNumber >= policy.maxRetries || signal.aborted) {
        throw error;
      }
      const delayMs = retryDelay(error, attemptNumber, policy, random);
      if (delayMs === null) throw error;
      onRetry(error, delayMs);
      await sleep(delayMs, signal);
      if (signal.aborted) throw new GatewayError('client_closed_request', 'The client closed the request.');
    }
  }
}

function retryDelay(error: GatewayError, attemptNumber: number, policy: RetryPolicy, random: () => number): number | null {
  if (error.headers['x-should-retry'] === 'false') return null;
  if (error.retryAfterSeconds !== undefined) {
    const ms = error.retryAfterSeconds * 1000;
    return ms > MAX_HONOURED_RETRY_AFTER_MS ? null : ms;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attemptNumber);
  return Math.round(random() * ceiling);
}

function sleep(ms: number, signal: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
