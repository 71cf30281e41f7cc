import type { RateLimitDecision, RateLimiter, RateLimitRequest } from '../../domain/rate-limit/rate-limiter.ts';
import { acquireAll, adjust, refill, ttlMsOf, viewOf, type BucketState, type BucketView } from '../../domain/rate-limit/token-bucket.ts';

/**
 * In-process token buckets: exact within one process (JS is single-threaded and nothing awaits
 * between read and write). Several replicas each enforce the full limit: use Redis for those.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { state: BucketState; expiresAt: number }>();
  private operations = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  private load(key: string, now: number): BucketState | null {
    const entry = this.buckets.get(key);
    return entry && entry.expiresAt > now ? entry.state : null;
  }

  private store(request: Omit<RateLimitRequest, 'cost'>, state: BucketState): void {
    this.buckets.set(request.key, { state, expiresAt: state.updatedAt + ttlMsOf(state, request) });
    // Forget full buckets now and then so idle keys do not accumulate.
    if (++this.operations % 10_000 === 0) {
      const now = this.clock();
      for (const [key, entry] of this.buckets) if (entry.expiresAt <= now) this.buckets.delete(key);
    }
  }

  async acquire(requests: RateLimitRequest[]): Promise<RateLimitDecision> {
    const now = this.clock();
    const result = acquireAll(requests.map((r) => this.load(r.key, now)), requests, now);
    requests.forEach((request, i) => this.store(request, result.states[i]));
    return {
      allowed: result.allowed,
      buckets: result.states.map((state, i) => viewOf(state, requests[i])),
      retryAfterMs: result.retryAfterMs,
    };
  }

  async adjust(request: RateLimitRequest): Promise<BucketView> {
    const now = this.clock();
    const state = adjust(this.load(request.key, now), request, request.cost, now);
    this.store(request, state);
    return viewOf(state, request);
  }

  async peek(request: Omit<RateLimitRequest, 'cost'>): Promise<BucketView> {
    const now = this.clock();
    return viewOf(refill(this.load(request.key, now), request, now), request);
  }

  async close(): Promise<void> {}
}
