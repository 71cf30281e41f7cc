import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapUsage, sumUsage } from './map-usage.ts';

describe('mapUsage (protocol.md §6.6)', () => {
  it('maps plain usage', () => {
    assert.deepEqual(mapUsage({ input_tokens: 11, output_tokens: 6 }), {
      prompt_tokens: 11,
      completion_tokens: 6,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
      portico: {
        input_tokens: 11,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_creation_5m_input_tokens: 0,
        cache_creation_1h_input_tokens: 0,
        output_tokens: 6,
      },
    });
  });

  it('prompt includes cache reads and writes; cached_tokens and cache_write_tokens are subsets; 5m/1h split', () => {
    const usage = mapUsage({
      input_tokens: 50,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens: 40,
      output_tokens_details: { thinking_tokens: 25 },
    });
    assert.equal(usage.prompt_tokens, 1350);
    assert.equal(usage.total_tokens, 1390);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 1000, cache_write_tokens: 300 });
    assert.deepEqual(usage.completion_tokens_details, { reasoning_tokens: 25 });
    assert.equal(usage.portico?.cache_creation_5m_input_tokens, 100);
    assert.equal(usage.portico?.cache_creation_1h_input_tokens, 200);
  });

  it('without the TTL breakdown every cache write counts as 5m', () => {
    const usage = mapUsage({ input_tokens: 1, cache_creation_input_tokens: 500, output_tokens: 1 });
    assert.equal(usage.portico?.cache_creation_5m_input_tokens, 500);
    assert.equal(usage.portico?.cache_creation_1h_input_tokens, 0);
  });

  it('keeps 5m + 1h equal to the total when the breakdown is stale', () => {
    const usage = mapUsage({
      input_tokens: 1,
      cache_creation_input_tokens: 900,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 400 },
      output_tokens: 1,
    });
    assert.equal(usage.portico?.cache_creation_1h_input_tokens, 400);
    assert.equal(usage.portico?.cache_creation_5m_input_tokens, 500);
  });

  it('treats null/absent/garbage counts as 0', () => {
    const usage = mapUsage({ input_tokens: 3, cache_read_input_tokens: null, cache_creation_input_tokens: null, cache_creation: null, output_tokens_details: null } as never);
    assert.equal(usage.prompt_tokens, 3);
    assert.equal(usage.completion_tokens, 0);
    assert.equal(mapUsage(null).total_tokens, 0);
    assert.equal(mapUsage(undefined).total_tokens, 0);
    assert.equal(mapUsage({ input_tokens: Number.NaN, output_tokens: -5 }).total_tokens, 0);
  });
});

describe('sumUsage', () => {
  it('adds every field', () => {
    const a = mapUsage({ input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 7, output_tokens_details: { thinking_tokens: 3 } });
    const b = mapUsage({ input_tokens: 1, cache_creation_input_tokens: 4, cache_creation: { ephemeral_1h_input_tokens: 4 }, output_tokens: 2 });
    const sum = sumUsage(a, b);
    assert.deepEqual(sum, {
      prompt_tokens: 22,
      completion_tokens: 9,
      total_tokens: 31,
      prompt_tokens_details: { cached_tokens: 5, cache_write_tokens: 6 },
      completion_tokens_details: { reasoning_tokens: 3 },
      portico: {
        input_tokens: 11,
        cache_read_input_tokens: 5,
        cache_creation_input_tokens: 6,
        cache_creation_5m_input_tokens: 2,
        cache_creation_1h_input_tokens: 4,
        output_tokens: 9,
      },
    });
  });

  it('keeps optional blocks absent when both sides lack them and sums cost when present', () => {
    assert.deepEqual(sumUsage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }), {
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
    });
    const a = mapUsage({ input_tokens: 1, output_tokens: 1 });
    a.portico!.cost_usd = 0.5;
    assert.equal(sumUsage(a, mapUsage({ input_tokens: 1, output_tokens: 1 })).portico?.cost_usd, 0.5);
  });
});
