import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageTotals } from '../../domain/usage/usage-ledger.ts';
import type { StatsBody } from '../../http/routes/metrics.ts';
import type { Storage } from '../../storage/create-storage.ts';
import type { CliContext } from '../command.ts';
import { createStatusCommand, formatUptime } from './status.ts';

const STATS: StatsBody = {
  uptime_seconds: 7_385,
  in_flight_requests: 2,
  open_streams: 1,
  requests: 1_234,
  errors: 12,
  upstream_errors: { timeout: 1, overloaded_error: 3 },
  cost_usd_today: 1.5,
  cost_source: 'ledger',
  today: { requests: 900, errors: 4, cost_usd: 1.5 },
  now: '2026-12-01T10:00:00.000Z',
};

function context(env: Record<string, string | undefined>, storage?: Partial<Storage>) {
  const out: string[] = [];
  const err: string[] = [];
  let closed = false;
  const ctx: CliContext = {
    env,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: (t) => void err.push(t) },
    openStorage: async () => {
      if (storage === undefined) throw new Error('no store here');
      return { ...storage, close: async () => void (closed = true) } as Storage;
    },
    now: () => Date.UTC(2026, 11, 1, 15),
  };
  return { ctx, out, err, closed: () => closed };
}

test('prints a short summary from GET /admin/stats with the master key', async () => {
  const seen: Array<{ url: string; auth: string | null }> = [];
  const cmd = createStatusCommand({
    fetch: async (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return Response.json(STATS);
    },
  });
  const { ctx, out, err } = context({ PORTICO_MASTER_KEY: 'mk', PORTICO_URL: 'http://gw.test:9000/' });
  assert.equal(await cmd.run([], ctx), 0);
  assert.deepEqual(seen, [{ url: 'http://gw.test:9000/admin/stats', auth: 'Bearer mk' }]);
  assert.deepEqual(err, []);
  const text = out.join('\n');
  assert.match(text, /^Portico at http:\/\/gw\.test:9000: up 2h 3m/);
  assert.match(text, /requests\s+1,234 since start/);
  assert.match(text, /errors\s+12 \(1\.0%\)/);
  assert.match(text, /upstream errors\s+overloaded_error 3, timeout 1/);
  assert.match(text, /in flight\s+2 \(1 streams open\)/);
  assert.match(text, /spend today\s+\$1\.50 \(UTC, from the ledger\)/);
  assert.doesNotMatch(text, /mk/);
});

test('--json prints the stats body; --url overrides PORTICO_URL; the default URL is 127.0.0.1:8080', async () => {
  const urls: string[] = [];
  const cmd = createStatusCommand({ fetch: async (input) => (urls.push(String(input)), Response.json(STATS)) });
  const a = context({ PORTICO_MASTER_KEY: 'mk' });
  assert.equal(await cmd.run(['--json'], a.ctx), 0);
  assert.deepEqual(JSON.parse(a.out[0]), STATS);
  const b = context({ PORTICO_MASTER_KEY: 'mk', PORTICO_URL: 'http://ignored' });
  assert.equal(await cmd.run(['--url', 'http://other:1'], b.ctx), 0);
  assert.deepEqual(urls, ['http://127.0.0.1:8080/admin/stats', 'http://other:1/admin/stats']);
});

test('a refused master key is exit 1 with the reason', async () => {
  const cmd = createStatusCommand({
    fetch: async () => Response.json({ error: { message: 'Invalid master key.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { status: 401 }),
  });
  const { ctx, err } = context({ PORTICO_MASTER_KEY: 'wrong' });
  assert.equal(await cmd.run([], ctx), 1);
  assert.match(err.join('\n'), /refused the master key \(401\): Invalid master key\./);
});

test('an unreachable gateway falls back to today from the ledger and exits 1', async () => {
  let since: number | undefined;
  const totals = { requests: 5, errors: 1, cancelled: 0, prompt_tokens: 100, completion_tokens: 40, cost_usd: 0.25 } as UsageTotals;
  const cmd = createStatusCommand({
    fetch: async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    },
  });
  const c = context({ PORTICO_MASTER_KEY: 'mk' }, { ledger: { totals: async (q: { since?: number }) => ((since = q.since), totals) } as unknown as Storage['ledger'] });
  assert.equal(await cmd.run([], c.ctx), 1);
  assert.match(c.err.join('\n'), /not reachable \(ECONNREFUSED\)/);
  assert.match(c.out.join('\n'), /Gateway not running\. Today \(UTC\) from the ledger:/);
  assert.match(c.out.join('\n'), /requests\s+5 \(1 errors, 0 cancelled\)/);
  assert.match(c.out.join('\n'), /spend today\s+\$0\.25/);
  assert.equal(since, Date.UTC(2026, 11, 1));
  assert.equal(c.closed(), true);
});

test('no ledger either: both reasons are printed', async () => {
  const cmd = createStatusCommand({ fetch: async () => Promise.reject(new TypeError('fetch failed')) });
  const { ctx, err } = context({ PORTICO_MASTER_KEY: 'mk' });
  assert.equal(await cmd.run([], ctx), 1);
  assert.match(err.join('\n'), /cannot open the ledger either: no store here/);
});

test('usage errors: no master key, bad --timeout, stray argument; non-stats JSON is exit 1', async () => {
  const cmd = createStatusCommand({ fetch: async () => Response.json({ hello: 'world' }) });
  await assert.rejects(cmd.run([], context({}).ctx), /PORTICO_MASTER_KEY is not set/);
  await assert.rejects(cmd.run(['--timeout', '0'], context({ PORTICO_MASTER_KEY: 'mk' }).ctx), /--timeout/);
  await assert.rejects(cmd.run(['extra'], context({ PORTICO_MASTER_KEY: 'mk' }).ctx), /unexpected argument/);
  const { ctx, err } = context({ PORTICO_MASTER_KEY: 'mk' });
  assert.equal(await cmd.run([], ctx), 1);
  assert.match(err.join('\n'), /did not answer with stats JSON/);
});

test('formatUptime', () => {
  assert.equal(formatUptime(42), '42s');
  assert.equal(formatUptime(125), '2m 5s');
  assert.equal(formatUptime(3 * 3600 + 60), '3h 1m');
  assert.equal(formatUptime(2 * 86400 + 3600 + 120), '2d 1h 2m');
});
