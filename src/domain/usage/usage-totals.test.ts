import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { utcDayOf } from './usage-totals.ts';

test('utcDayOf equals the ISO date of the instant, across day boundaries and in any order', () => {
  const DAY = 86_400_000;
  const boundary = Date.UTC(2026, 11, 1);
  for (const ms of [boundary - 1, boundary, boundary + 1, boundary - 1, 0, -1, DAY - 1, DAY]) {
    assert.equal(utcDayOf(ms), new Date(ms).toISOString().slice(0, 10), String(ms));
  }
  fc.assert(
    fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => utcDayOf(ms) === new Date(ms).toISOString().slice(0, 10)),
    { numRuns: 2000 },
  );
});
