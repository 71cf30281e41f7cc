import type { BucketView } from './token-bucket.ts';

/**
 * Go `time.Duration.String()` style, as OpenAI uses in `x-ratelimit-reset-*`: `0s`, `20ms`, `1s`,
 * `1.5s`, `6m0s`, `1h2m3s`. Sub-second values are whole milliseconds.
 */
export function formatGoDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const secondsMs = total % 60_000;
  const seconds = (secondsMs / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** OpenAI-style headers for one dimension (`requests` or `tokens`). */
export function rateLimitHeaders(dimension: 'requests' | 'tokens', view: BucketView): Record<string, string> {
  return {
    [`x-ratelimit-limit-${dimension}`]: String(view.limit),
    [`x-ratelimit-remaining-${dimension}`]: String(view.remaining),
    [`x-ratelimit-reset-${dimension}`]: formatGoDuration(view.resetMs),
  };
}

/** Whole seconds for `retry-after` (at least 1: "retry now" would just hammer the gateway). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
