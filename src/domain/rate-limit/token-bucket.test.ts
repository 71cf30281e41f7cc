import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers.ts';
import { acquireAll, adjust, refill, viewOf } from './token-bucket.ts';

describe('token bucket', () => {
  const spec = { capacity: 60, windowMs: 60_000 };
  it('starts full and refills at capacity per window, never above', () => {
    assert.deepEqual(refill(null, spec, 5), { tokens: 60, updatedAt: 5 });
    assert.equal(refill({ tokens: 0, updatedAt: 0 }, spec, 30_000).tokens, 30);
    assert.equal(refill({ tokens: 50, updatedAt: 0 }, spec, 60_000).tokens, 60);
    assert.equal(refill({ tokens: 10, updatedAt: 100 }, spec, 50).tokens, 10, 'a clock going backwards mints nothing');
  });

  it('acquires all-or-nothing and reports the wait', () => {
    const result = acquireAll([{ tokens: 0.5, updatedAt: 0 }, null], [{ ...spec, cost: 1 }, { capacity: 10, windowMs: 1000, cost: 1 }], 0);
    assert.equal(result.allowed, false);
    assert.equal(result.retryAfterMs, 500);
    assert.equal(result.states[1].tokens, 10);
  });

  it('adjusts with debt and capped refunds', () => {
    assert.equal(adjust(null, spec, 100, 0).tokens, -40);
    assert.equal(adjust({ tokens: 10, updatedAt: 0 }, spec, -1000, 0).tokens, 60);
    assert.deepEqual(viewOf({ tokens: -40, updatedAt: 0 }, spec), { limit: 60, remaining: 0, resetMs: 100_000 });
  });
});

describe('rate-limit headers', () => {
  it('formats Go durations like OpenAI', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(20), '20ms');
    assert.equal(formatGoDuration(1000), '1s');
    assert.equal(formatGoDuration(1500), '1.5s');
    assert.equal(formatGoDuration(360_000), '6m0s');
    assert.equal(formatGoDuration(61_250), '1m1.25s');
    assert.equal(formatGoDuration(3_723_000), '1h2m3s');
    assert.equal(formatGoDuration(0.2), '1ms');
  });

  it('names both dimensions and rounds retry-after up to whole seconds', () => {
    assert.deepEqual(rateLimitHeaders('tokens', { limit: 1000, remaining: 10, resetMs: 59_400 }), {
      'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '59.4s',
    });
    assert.equal(retryAfterSeconds(1), 1);
    assert.equal(retryAfterSeconds(0), 1);
    assert.equal(retryAfterSeconds(6001), 7);
  });
});
