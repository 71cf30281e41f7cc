import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress } from './progress.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 80, write: (t: string) => writes.push(t) };
}

test('writes nothing when the stream is not a TTY', () => {
  const s = stream(false);
  const p = createProgress({ stream: s, label: 'exporting usage' });
  p.update(10, 100);
  p.finish('done');
  assert.deepEqual(s.writes, []);
});

test('on a TTY: redraws one line in place, throttled, and ends it on finish', () => {
  let now = 0;
  const s = stream(true);
  const p = createProgress({ stream: s, label: 'exporting usage', total: 1000, clock: () => now, intervalMs: 100 });
  now = 1000;
  p.update(250);
  now = 1050;
  p.update(300); // throttled
  now = 2000;
  p.update(1000);
  p.finish('written to usage.csv');
  p.finish();
  assert.equal(s.writes.length, 4);
  assert.equal(s.writes[0], '\rexporting usage: 250/1,000 rows (25%), 250 rows/s\u001b[K');
  assert.equal(s.writes[1], '\rexporting usage: 1,000/1,000 rows (100%), 500 rows/s\u001b[K');
  assert.equal(s.writes[3], ' written to usage.csv\n');
});

test('an unknown total shows a running count', () => {
  let now = 0;
  const s = stream(true);
  const p = createProgress({ stream: s, label: 'scanning', unit: 'records', clock: () => (now += 500) });
  p.update(42);
  assert.match(s.writes[0], /^\rscanning: 42 records, \d+ records\/s/);
});
