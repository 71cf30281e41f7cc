import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, DEFAULT_PRICES, priceOf } from './pricing.ts';

const none = { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0 };

describe('costOf', () => {
  it('prices each token class separately (protocol.md §6.6, §7)', () => {
    // Sonnet 4.5: 3 in / 15 out / 3.75 5m / 6 1h / 0.30 read per MTok.
    const tokens = { inputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWrite5mTokens: 1_000_000, cacheWrite1hTokens: 1_000_000, outputTokens: 1_000_000 };
    assert.equal(costOf('claude-sonnet-4-5-20250929', tokens), 3 + 0.3 + 3.75 + 6 + 15);
    assert.equal(costOf('claude-haiku-4-5', { ...none, inputTokens: 1000, outputTokens: 500 }), 0.001 + 0.0025);
    assert.equal(costOf('claude-opus-4-1-20250805', { ...none, outputTokens: 1 }), 0.000075);
  });

  it('uses the model-specific cache-read ratios', () => {
    assert.equal(costOf('claude-opus-5-5', { ...none, cacheReadTokens: 1_000_000 }), 0.2);
    assert.equal(costOf('claude-fable-5-1', { ...none, cacheReadTokens: 1_000_000 }), 0.25);
    assert.equal(costOf('claude-3-5-haiku-20241022', { ...none, cacheWrite5mTokens: 1_000_000 }), 1);
  });

  it('has 5m = 1.25× and 1h = 2× input where the table says so', () => {
    for (const [model, price] of Object.entries(DEFAULT_PRICES)) {
      if (model === 'claude-haiku-5-5' || model === 'claude-3-5-haiku-20241022') continue;
      assert.ok(Math.abs(price.cacheWrite5m - price.input * 1.25) < 1e-9, model);
      assert.ok(Math.abs(price.cacheWrite1h - price.input * 2) < 1e-9, model);
    }
  });

  it('falls back: date suffix, longest prefix, family, else 0', () => {
    assert.equal(priceOf('claude-sonnet-4-6-20260217'), DEFAULT_PRICES['claude-sonnet-4-6']);
    assert.equal(priceOf('claude-opus-4-5-latest'), DEFAULT_PRICES['claude-opus-4-5']);
    assert.equal(priceOf('claude-sonnet-5-5-preview'), DEFAULT_PRICES['claude-sonnet-5-5']);
    assert.deepEqual(priceOf('claude-haiku-9'), DEFAULT_PRICES['claude-haiku-4-5']);
    assert.deepEqual(priceOf('claude-opus-9'), DEFAULT_PRICES['claude-opus-4-5']);
    assert.equal(priceOf('gpt-4o'), null);
    assert.equal(costOf('gpt-4o', { ...none, inputTokens: 1e6 }), 0);
  });

  it('takes an override table', () => {
    const prices = { ...DEFAULT_PRICES, 'my-model': { input: 1, output: 2, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 } };
    assert.equal(costOf('my-model', { ...none, inputTokens: 1e6, outputTokens: 1e6 }, prices), 3);
  });

  it('rounds away float dust', () => {
    assert.equal(costOf('claude-sonnet-4-5', { ...none, inputTokens: 1, cacheReadTokens: 1 }), 0.0000033);
  });
});
