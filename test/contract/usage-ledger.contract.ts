import assert from 'node:assert/strict';
import { describe, it, before, after, test } from 'node:test';
import type { UsageLedger } from '../../src/domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../src/domain/usage/usage-record.ts';

export interface UsageLedgerHarness {
  ledger: UsageLedger;
  cleanup(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0); // 2026-11-30T12:00Z

let counter = 0;
export function sampleRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  counter += 1;
  return {
    requestId: `req_${counter}`,
    keyId: 'key_a',
    createdAt: T0,
    modelRequested: 'claude-sonnet-4-5',
    modelServed: 'claude-sonnet-4-5-20250929',
    inputTokens: 100,
    cacheReadTokens: 20,
    cacheWrite5mTokens: 10,
    cacheWrite1hTokens: 5,
    outputTokens: 50,
    reasoningTokens: 7,
    costUsd: 0.00125,
    latencyMs: 812.5,
    ttftMs: 240.25,
    status: 200,
    errorCode: null,
    cancelled: false,
    stream: true,
    choices: 1,
    upstreamRequestId: 'req_upstream_1',
    rawUsage: [{ input_tokens: 100, output_tokens: 50, cache_creation: { ephemeral_5m_input_tokens: 10 } }],
    ...overrides,
  };
}

/** Each test uses its own key ids so tests sharing one ledger do not see each other's rows. */
let scope = 0;
const scoped = (name: string) => `${name}_${++scope}_${Math.random().toString(16).slice(2, 6)}`;

export function describeUsageLedgerContract(name: string, makeImpl: () => Promise<UsageLedgerHarness>, options: { skip?: string } = {}): void {
  if (options.skip) {
    // Counted as a skipped test in the runner's summary, with the reason (a skipped suite is not).
    test(`UsageLedger contract: ${name}`, { skip: options.skip }, () => {});
    return;
  }
  describe(`UsageLedger contract: ${name}`, () => {
    let harness: UsageLedgerHarness;
    let ledger: UsageLedger;
    before(async () => {
      harness = await makeImpl();
      ledger = harness.ledger;
    });
    after(async () => {
      await harness?.cleanup();
    });

    it('records a row and returns it intact from recent()', async () => {
      const keyId = scoped('key');
      const record = sampleRecord({ keyId });
      await ledger.record(record);
      assert.deepEqual(await ledger.recent(10, keyId), [record]);
    });

    it('keeps nulls and booleans (master key, error, cancelled, no ttft, no raw usage)', async () => {
      const keyId = scoped('key');
      const failed = sampleRecord({ keyId, status: 429, errorCode: 'rate_limit_exceeded', ttftMs: null, upstreamRequestId: null, rawUsage: null, stream: false, cancelled: true, choices: 3 });
      await ledger.record(failed);
      assert.deepEqual(await ledger.recent(1, keyId), [failed]);
      const master = sampleRecord({ keyId: null, createdAt: T0 + 10 * DAY });
      await ledger.record(master);
      const recent = await ledger.recent(1000);
      assert.ok(recent.some((r) => r.requestId === master.requestId && r.keyId === null));
    });

    it('sums totals with the OpenAI view of tokens, and counts errors and cancellations', async () => {
      const keyId = scoped('key');
      await ledger.record(sampleRecord({ keyId }));
      await ledger.record(sampleRecord({ keyId, inputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 2, reasoningTokens: 0, costUsd: 0.1, status: 502, errorCode: 'upstream_server_error' }));
      await ledger.record(sampleRecord({ keyId, inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0, cancelled: true, errorCode: 'client_closed_request', status: 499 }));
      assert.deepEqual(await ledger.totals({ keyId }), {
        requests: 3,
        prompt_tokens: 135 + 1,
        completion_tokens: 52,
        input_tokens: 101,
        cache_read_tokens: 20,
        cache_write_tokens: 15,
        cache_write_5m_tokens: 10,
        cache_write_1h_tokens: 5,
        reasoning_tokens: 7,
        cost_usd: 0.10125,
        errors: 2,
        cancelled: 1,
      });
    });

    it('returns zero totals for an empty selection', async () => {
      const totals = await ledger.totals({ keyId: scoped('nobody') });
      assert.equal(totals.requests, 0);
      assert.equal(totals.cost_usd, 0);
      assert.equal(totals.prompt_tokens, 0);
    });

    it('filters by time: since inclusive, until exclusive', async () => {
      const keyId = scoped('key');
      for (const offset of [0, 1, 2, 3]) await ledger.record(sampleRecord({ keyId, createdAt: T0 + offset * 1000, costUsd: 1 }));
      assert.equal((await ledger.totals({ keyId, since: T0 + 1000 })).requests, 3);
      assert.equal((await ledger.totals({ keyId, until: T0 + 1000 })).requests, 1);
      assert.equal((await ledger.totals({ keyId, since: T0 + 1000, until: T0 + 3000 })).requests, 2);
    });

    it('groups by model, by UTC day and by key', async () => {
      const keyId = scoped('key');
      const other = scoped('key');
      await ledger.record(sampleRecord({ keyId, modelServed: 'claude-opus-4-5', createdAt: Date.UTC(2026, 10, 1, 23, 59, 59), costUsd: 1 }));
      await ledger.record(sampleRecord({ keyId, modelServed: 'claude-opus-4-5', createdAt: Date.UTC(2026, 10, 2, 0, 0, 0), costUsd: 2 }));
      await ledger.record(sampleRecord({ keyId, modelServed: 'claude-haiku-4-5', createdAt: Date.UTC(2026, 10, 2, 5, 0, 0), costUsd: 4 }));
      await ledger.record(sampleRecord({ keyId: other, modelServed: 'claude-haiku-4-5', createdAt: Date.UTC(2026, 10, 2, 5, 0, 0), costUsd: 8 }));
      const byModel = await ledger.totalsBy({ keyId }, 'model');
      assert.deepEqual(byModel.map((g) => [g.group, g.requests, g.cost_usd]), [['claude-haiku-4-5', 1, 4], ['claude-opus-4-5', 2, 3]]);
      const byDay = await ledger.totalsBy({ keyId }, 'day');
      assert.deepEqual(byDay.map((g) => [g.group, g.requests, g.cost_usd]), [['2026-11-01', 1, 1], ['2026-11-02', 2, 6]]);
      assert.equal(byDay[1].prompt_tokens, 270);
      const byKey = await ledger.totalsBy({ since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 10, 3) }, 'key');
      const mine = byKey.filter((g) => g.group === keyId || g.group === other).map((g) => [g.group, g.cost_usd]);
      assert.deepEqual(mine.sort(), [[keyId, 7], [other, 8]].sort());
    });

    it('sums a key\'s spend since a time (budgets)', async () => {
      const keyId = scoped('key');
      await ledger.record(sampleRecord({ keyId, createdAt: T0 - DAY, costUsd: 100 }));
      await ledger.record(sampleRecord({ keyId, createdAt: T0, costUsd: 0.1 }));
      await ledger.record(sampleRecord({ keyId, createdAt: T0 + 5, costUsd: 0.2 }));
      await ledger.record(sampleRecord({ keyId: scoped('key'), createdAt: T0, costUsd: 50 }));
      assert.equal(await ledger.spendSince(keyId, T0), 0.3);
      assert.equal(await ledger.spendSince(keyId, 0), 100.3);
      assert.equal(await ledger.spendSince(scoped('nobody'), 0), 0);
    });

    it('sums spend across UTC day boundaries, from midnight and from inside a day', async () => {
      const keyId = scoped('key');
      const day = Date.UTC(2026, 5, 10);
      await ledger.record(sampleRecord({ keyId, createdAt: day - 3_600_000, costUsd: 1 }));
      await ledger.record(sampleRecord({ keyId, createdAt: day, costUsd: 2 }));
      await ledger.record(sampleRecord({ keyId, createdAt: day + 3_600_000, costUsd: 4 }));
      await ledger.record(sampleRecord({ keyId, createdAt: day + DAY + 5, costUsd: 8 }));
      await ledger.record(sampleRecord({ keyId: null, createdAt: day, costUsd: 1000 }));
      assert.equal(await ledger.spendSince(keyId, day), 14);
      assert.equal(await ledger.spendSince(keyId, day + 1), 12);
      assert.equal(await ledger.spendSince(keyId, day - 3_600_000), 15);
      assert.equal(await ledger.spendSince(keyId, day - 3_599_999), 14);
      assert.equal(await ledger.spendSince(keyId, day + DAY), 8);
      assert.equal(await ledger.spendSince(keyId, day + 2 * DAY), 0);
    });

    it('returns recent rows newest first, limited, optionally for one key', async () => {
      const keyId = scoped('key');
      for (let i = 0; i < 5; i++) await ledger.record(sampleRecord({ keyId, requestId: `${keyId}_${i}`, createdAt: T0 + 100 * DAY + i }));
      const recent = await ledger.recent(3, keyId);
      assert.deepEqual(recent.map((r) => r.requestId), [`${keyId}_4`, `${keyId}_3`, `${keyId}_2`]);
      assert.equal((await ledger.recent(2)).length, 2);
    });

    it('pages every matching record exactly once, oldest first by (created_at, request_id)', async () => {
      const keyId = scoped('key');
      // Recorded out of order; two rows share a created_at and a request id (client-supplied ids
      // repeat), so the cursor needs more than (created_at, request_id) to split them across pages.
      const rows = [
        sampleRecord({ keyId, requestId: 'c', createdAt: T0 + 2 }),
        sampleRecord({ keyId, requestId: 'b', createdAt: T0 + 1 }),
        sampleRecord({ keyId, requestId: 'a', createdAt: T0 + 2 }),
        sampleRecord({ keyId, requestId: 'dup', createdAt: T0 + 3, costUsd: 1 }),
        sampleRecord({ keyId, requestId: 'dup', createdAt: T0 + 3, costUsd: 2 }),
        sampleRecord({ keyId, requestId: 'a', createdAt: T0, ttftMs: null, rawUsage: null }),
        sampleRecord({ keyId, requestId: 'z', createdAt: T0 + 4 }),
      ];
      for (const row of rows) await ledger.record(row);
      const expected = [rows[5], rows[1], rows[2], rows[0], rows[3], rows[4], rows[6]];
      for (const limit of [1, 2, 3, 7, 100]) {
        const seen = [];
        let after: string | undefined;
        let calls = 0;
        for (;;) {
          const page = await ledger.page({ keyId }, { limit, after });
          calls += 1;
          assert.ok(page.records.length <= limit);
          seen.push(...page.records);
          if (page.next === null) break;
          after = page.next;
          assert.ok(calls <= rows.length + 1, 'pagination does not terminate');
        }
        assert.deepEqual(seen, expected, `limit ${limit}`);
      }
    });

    it('pages with the same filters as totals (key, since inclusive, until exclusive)', async () => {
      const keyId = scoped('key');
      const other = scoped('key');
      for (const offset of [0, 1, 2, 3]) await ledger.record(sampleRecord({ keyId, requestId: `t${offset}`, createdAt: T0 + 200 * DAY + offset * 1000 }));
      await ledger.record(sampleRecord({ keyId: other, requestId: 't9', createdAt: T0 + 200 * DAY + 1000 }));
      const query = { keyId, since: T0 + 200 * DAY + 1000, until: T0 + 200 * DAY + 3000 };
      const first = await ledger.page(query, { limit: 1 });
      assert.deepEqual(first.records.map((r) => r.requestId), ['t1']);
      assert.ok(first.next !== null);
      const second = await ledger.page(query, { limit: 1, after: first.next });
      assert.deepEqual(second.records.map((r) => r.requestId), ['t2']);
      const third = await ledger.page(query, { limit: 1, after: second.next ?? undefined });
      assert.deepEqual(third, { records: [], next: null });
      const all = await ledger.page({ since: T0 + 200 * DAY, until: T0 + 200 * DAY + 2000 }, { limit: 10 });
      assert.deepEqual(all.records.map((r) => r.requestId).sort(), ['t0', 't1', 't9']);
      assert.equal(all.next, null);
    });

    it('returns an empty last page for an empty selection, and refuses a foreign cursor', async () => {
      assert.deepEqual(await ledger.page({ keyId: scoped('nobody') }, { limit: 10 }), { records: [], next: null });
      await assert.rejects(ledger.page({}, { limit: 10, after: 'not-a-cursor' }), /cursor/);
    });

    it('keeps every one of many concurrent records', async () => {
      const keyId = scoped('key');
      await Promise.all(Array.from({ length: 100 }, (_, i) => ledger.record(sampleRecord({ keyId, requestId: `c${i}`, costUsd: 0.01 }))));
      const totals = await ledger.totals({ keyId });
      assert.equal(totals.requests, 100);
      assert.equal(totals.cost_usd, 1);
    });

    it('accepts the same request id twice (client-supplied ids are not unique)', async () => {
      const keyId = scoped('key');
      await ledger.record(sampleRecord({ keyId, requestId: 'dup' }));
      await ledger.record(sampleRecord({ keyId, requestId: 'dup' }));
      assert.equal((await ledger.totals({ keyId })).requests, 2);
    });
  });
}
