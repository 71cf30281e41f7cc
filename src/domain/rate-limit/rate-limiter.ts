import type { BucketView } from './token-bucket.ts';

/** One bucket to charge: `key` names it (e.g. `key_ab12:rpm`), capacity per window. */
export interface RateLimitRequest {
  key: string;
  capacity: number;
  windowMs: number;
  cost: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** One view per request, in order, after the charge (or unchanged when refused). */
  buckets: BucketView[];
  /** Ms until a retry could succeed; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Token-bucket rate limiter (see token-bucket.ts). `acquire` is atomic and all-or-nothing over the
 * buckets it names, also across processes sharing one store (Redis: one Lua script). In-process
 * limiters are exact per process only.
 */
export interface RateLimiter {
  acquire(requests: RateLimitRequest[]): Promise<RateLimitDecision>;
  /** True-up after the fact: charges `cost` more tokens (negative refunds). Never refuses. */
  adjust(request: RateLimitRequest): Promise<BucketView>;
  /** Current view without charging (for headers); a never-used bucket is full. */
  peek(request: Omit<RateLimitRequest, 'cost'>): Promise<BucketView>;
  close(): Promise<void>;
}
