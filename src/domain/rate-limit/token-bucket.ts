/**
 * Token bucket, pure math (time passed in). A bucket of `capacity` tokens refills continuously at
 * `capacity` per `windowMs`, so rpm=N admits exactly N requests in a burst and N per minute
 * sustained. The same arithmetic runs in-process (MemoryRateLimiter) and inside the Redis Lua
 * script (RedisRateLimiter); keep the two in step.
 *
 * Costs larger than the capacity (a single request estimated above the tpm limit) are admitted when
 * the bucket is full and drive it into debt, instead of being refused forever. Debt (negative
 * tokens) is also what a true-up produces when a request used more than it reserved.
 */
export interface BucketState {
  tokens: number;
  /** Unix ms of the last update. */
  updatedAt: number;
}

export interface BucketSpec {
  capacity: number;
  windowMs: number;
}

export interface BucketView {
  limit: number;
  /** Whole tokens left (never negative). */
  remaining: number;
  /** Ms until the bucket is full again (OpenAI `x-ratelimit-reset-*`). */
  resetMs: number;
}

export function refill(state: BucketState | null, spec: BucketSpec, now: number): BucketState {
  if (state === null) return { tokens: spec.capacity, updatedAt: now };
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(spec.capacity, state.tokens + (elapsed * spec.capacity) / spec.windowMs);
  return { tokens, updatedAt: Math.max(now, state.updatedAt) };
}

/** Float dust tolerance: 0.998 + 0.002 must admit a cost of 1. Mirrored in the Lua script. */
export const EPSILON = 1e-9;

/** Tokens that must be present to admit `cost` (capped at the capacity, see above). */
export function requiredTokens(spec: BucketSpec, cost: number): number {
  return Math.min(cost, spec.capacity);
}

/** Ms until `cost` can be admitted from a refilled state (0 when it can now). */
export function retryAfterMsOf(state: BucketState, spec: BucketSpec, cost: number): number {
  const missing = requiredTokens(spec, cost) - state.tokens;
  return missing <= EPSILON ? 0 : Math.ceil((missing * spec.windowMs) / spec.capacity);
}

export function viewOf(state: BucketState, spec: BucketSpec): BucketView {
  const missing = spec.capacity - state.tokens;
  return {
    limit: spec.capacity,
    remaining: Math.max(0, Math.floor(state.tokens + EPSILON)),
    resetMs: missing <= EPSILON ? 0 : Math.ceil((missing * spec.windowMs) / spec.capacity),
  };
}

export interface MultiAcquireResult {
  allowed: boolean;
  states: BucketState[];
  /** Max over buckets of the wait for that bucket; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * All-or-nothing acquisition over several buckets (rpm and tpm of one key): either every bucket is
 * charged its cost or none is.
 */
export function acquireAll(
  states: Array<BucketState | null>,
  specs: Array<BucketSpec & { cost: number }>,
  now: number,
): MultiAcquireResult {
  const refilled = specs.map((spec, i) => refill(states[i] ?? null, spec, now));
  const allowed = specs.every((spec, i) => refilled[i].tokens + EPSILON >= requiredTokens(spec, spec.cost));
  if (!allowed) {
    const retryAfterMs = Math.max(...specs.map((spec, i) => retryAfterMsOf(refilled[i], spec, spec.cost)));
    return { allowed, states: refilled, retryAfterMs };
  }
  return {
    allowed,
    states: refilled.map((state, i) => ({ tokens: state.tokens - specs[i].cost, updatedAt: state.updatedAt })),
    retryAfterMs: 0,
  };
}

/** True-up: charge `delta` more tokens (negative = refund, never above the capacity). */
export function adjust(state: BucketState | null, spec: BucketSpec, delta: number, now: number): BucketState {
  const refilled = refill(state, spec, now);
  return { tokens: Math.min(spec.capacity, refilled.tokens - delta), updatedAt: refilled.updatedAt };
}

/** Ms after which an untouched bucket is full again, i.e. its state may be forgotten. */
export function ttlMsOf(state: BucketState, spec: BucketSpec): number {
  return Math.ceil(((spec.capacity - state.tokens) * spec.windowMs) / spec.capacity) + 1000;
}
