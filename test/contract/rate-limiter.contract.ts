import assert from 'node:assert/strict';
import { describe, it, before, after, test } from 'node:test';
import type { RateLimiter, RateLimitRequest } from '../../src/domain/rate-limit/rate-limiter.ts';

export interface RateLimiterHarness {
  /**
   * A limiter over the shared backing store. Called twice, it gives two instances (think: two
   * gateway replicas) that must share state; an in-process implementation returns one instance.
   * `clock` undefined = the implementation's real time source.
   */
  create(clock?: () => number): RateLimiter;
  cleanup(): Promise<void>;
}

let scope = 0;
const bucket = (capacity: number, windowMs = 60_000): Omit<RateLimitRequest, 'cost'> => ({
  key: `contract_${++scope}_${Math.random().toString(16).slice(2, 8)}`,
  capacity,
  windowMs,
});

export function describeRateLimiterContract(name: string, makeImpl: () => Promise<RateLimiterHarness>, options: { skip?: string } = {}): void {
  if (options.skip) {
    // Counted as a skipped test in the runner's summary, with the reason (a skipped suite is not).
    test(`RateLimiter contract: ${name}`, { skip: options.skip }, () => {});
    return;
  }
  describe(`RateLimiter contract: ${name}`, () => {
    let harness: RateLimiterHarness;
    let now = 1_764_000_000_000;
    const clock = () => now;
    let limiter: RateLimiter;
    before(async () => {
      harness = await makeImpl();
      limiter = harness.create(clock);
    });
    after(async () => {
      await harness?.cleanup();
    });

    it('admits exactly the capacity in a burst, then refuses with a retry time', async () => {
      const b = bucket(5);
      for (let i = 0; i < 5; i++) {
        const decision = await limiter.acquire([{ ...b, cost: 1 }]);
        assert.equal(decision.allowed, true);
        assert.equal(decision.buckets[0].remaining, 4 - i);
        assert.equal(decision.buckets[0].limit, 5);
        assert.equal(decision.retryAfterMs, 0);
      }
      const refused = await limiter.acquire([{ ...b, cost: 1 }]);
      assert.equal(refused.allowed, false);
      assert.equal(refused.buckets[0].remaining, 0);
      assert.equal(refused.retryAfterMs, 12_000); // one token per 60s/5
      assert.equal(refused.buckets[0].resetMs, 60_000);
    });

    it('refills continuously: capacity per window', async () => {
      const b = bucket(2, 1000);
      assert.equal((await limiter.acquire([{ ...b, cost: 2 }])).allowed, true);
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, false);
      now += 499;
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, false);
      now += 1;
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, true);
      now += 10_000;
      const full = await limiter.peek(b);
      assert.deepEqual(full, { limit: 2, remaining: 2, resetMs: 0 });
    });

    it('is all-or-nothing across buckets', async () => {
      const requests = bucket(10);
      const tokens = bucket(100);
      assert.equal((await limiter.acquire([{ ...requests, cost: 1 }, { ...tokens, cost: 80 }])).allowed, true);
      const refused = await limiter.acquire([{ ...requests, cost: 1 }, { ...tokens, cost: 50 }]);
      assert.equal(refused.allowed, false);
      assert.equal(refused.buckets[0].remaining, 9, 'the request bucket was not charged');
      assert.equal(refused.buckets[1].remaining, 20);
      assert.equal(refused.retryAfterMs, 18_000); // 30 tokens at 100/min
      assert.equal((await limiter.peek(requests)).remaining, 9);
    });

    it('admits a cost above the capacity only from a full bucket, leaving debt', async () => {
      const b = bucket(100);
      const first = await limiter.acquire([{ ...b, cost: 150 }]);
      assert.equal(first.allowed, true);
      assert.equal(first.buckets[0].remaining, 0);
      assert.equal(first.buckets[0].resetMs, 90_000); // from -50 to 100 at 100/min
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, false);
    });

    it('trues up: adjust charges more or refunds, never above the capacity', async () => {
      const b = bucket(1000);
      await limiter.acquire([{ ...b, cost: 500 }]);
      assert.equal((await limiter.adjust({ ...b, cost: -200 })).remaining, 700);
      assert.equal((await limiter.adjust({ ...b, cost: 900 })).remaining, 0);
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, false);
      assert.equal((await limiter.adjust({ ...b, cost: -5000 })).remaining, 1000);
      assert.equal((await limiter.peek(b)).remaining, 1000);
    });

    it('peek does not charge; an unknown bucket is full', async () => {
      const b = bucket(3);
      assert.deepEqual(await limiter.peek(b), { limit: 3, remaining: 3, resetMs: 0 });
      assert.deepEqual(await limiter.peek(b), { limit: 3, remaining: 3, resetMs: 0 });
      await limiter.acquire([{ ...b, cost: 1 }]);
      assert.deepEqual(await limiter.peek(b), { limit: 3, remaining: 2, resetMs: 20_000 });
    });

    it('keeps buckets apart', async () => {
      const a = bucket(1);
      const b = bucket(1);
      assert.equal((await limiter.acquire([{ ...a, cost: 1 }])).allowed, true);
      assert.equal((await limiter.acquire([{ ...b, cost: 1 }])).allowed, true);
      assert.equal((await limiter.acquire([{ ...a, cost: 1 }])).allowed, false);
    });

    it('is atomic: 50 concurrent acquires over two instances, capacity 10 → exactly 10 (real clock)', async () => {
      const replicas = [harness.create(), harness.create()];
      const b = bucket(10);
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % 2].acquire([{ ...b, cost: 1 }])));
      assert.equal(decisions.filter((d) => d.allowed).length, 10);
    });

    it('is atomic across two buckets too: 40 concurrent two-bucket acquires, token capacity 10 × 7 → exactly 7', async () => {
      const replicas = [harness.create(), harness.create()];
      const requests = bucket(100);
      const tokens = bucket(70);
      const decisions = await Promise.all(
        Array.from({ length: 40 }, (_, i) => replicas[i % 2].acquire([{ ...requests, cost: 1 }, { ...tokens, cost: 10 }])),
      );
      assert.equal(decisions.filter((d) => d.allowed).length, 7);
      assert.equal((await replicas[0].peek(requests)).remaining, 93);
    });
  });
}
