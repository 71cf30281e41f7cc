import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPrefixOf, generateKeySecret, hashKeySecret, secretsEqual, timingSafeEqualBytes } from './api-key.ts';
import { budgetPeriodEnd, budgetPeriodStart } from './budget-period.ts';
import { isModelAllowed, matchesModelGlob } from './model-glob.ts';
import { parseTimestamp } from './parse-timestamp.ts';

describe('key secrets', () => {
  it('are sk-portico- + 32 random bytes base64url, unique, with a short display prefix', () => {
    const a = generateKeySecret();
    assert.match(a, /^sk-portico-[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateKeySecret());
    assert.equal(displayPrefixOf(a), a.slice(0, 17));
  });

  it('hash to hex SHA-256 and compare in constant time', async () => {
    assert.equal(await hashKeySecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(await secretsEqual('sk-1', 'sk-1'), true);
    assert.equal(await secretsEqual('sk-1', 'sk-2'), false);
    assert.equal(timingSafeEqualBytes(new Uint8Array([1, 2]), new Uint8Array([1])), false);
  });
});

describe('model globs', () => {
  it('matches * and ? anchored, literal otherwise', () => {
    assert.equal(matchesModelGlob('claude-sonnet-*', 'claude-sonnet-4-5'), true);
    assert.equal(matchesModelGlob('claude-sonnet-*', 'xclaude-sonnet-4'), false);
    assert.equal(matchesModelGlob('claude-?-5', 'claude-a-5'), true);
    assert.equal(matchesModelGlob('claude.opus', 'claudeXopus'), false);
    assert.equal(isModelAllowed(null, 'x'), true);
    assert.equal(isModelAllowed([], 'x'), false);
    assert.equal(isModelAllowed(['a', 'claude-*'], 'alias', 'claude-haiku-4-5'), true);
  });
});

describe('budget periods (UTC)', () => {
  const now = Date.UTC(2026, 11, 31, 23, 30);
  it('start at midnight / the 1st, or at creation for lifetime budgets', () => {
    assert.equal(budgetPeriodStart('daily', now, 0), Date.UTC(2026, 11, 31));
    assert.equal(budgetPeriodStart('monthly', now, 0), Date.UTC(2026, 11, 1));
    assert.equal(budgetPeriodStart(null, now, 42), 42);
    assert.equal(budgetPeriodEnd('daily', now), Date.UTC(2027, 0, 1));
    assert.equal(budgetPeriodEnd('monthly', now), Date.UTC(2027, 0, 1));
    assert.equal(budgetPeriodEnd(null, now), null);
  });
});

describe('parseTimestamp', () => {
  it('accepts unix seconds and ISO dates (UTC when no zone)', () => {
    assert.equal(parseTimestamp('1764547200', 'since'), 1_764_547_200_000);
    assert.equal(parseTimestamp(1764547200.5, 'since'), 1_764_547_200_500);
    assert.equal(parseTimestamp('2026-12-01', 'since'), Date.UTC(2026, 11, 1));
    assert.equal(parseTimestamp('2026-12-01T10:00:00', 'since'), Date.UTC(2026, 11, 1, 10));
    assert.equal(parseTimestamp('2026-12-01T10:00:00+02:00', 'since'), Date.UTC(2026, 11, 1, 8));
  });
  it('throws a 400 naming the param', () => {
    for (const bad of ['', 'yesterday', '2026-13-45', -1, null]) {
      assert.throws(() => parseTimestamp(bad, 'until'), (e: any) => e.code === 'invalid_request' && e.param === 'until');
    }
  });
});
