/**
 * A usage record as the ledger tables store it, shared by the query-builder path (SQLite and
 * Postgres) and the embedded store's prepared writers (sqlite/sqlite-ledger-writer.ts).
 */
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { utcDayOf } from '../../domain/usage/usage-totals.ts';
import { usageFields } from '../../domain/usage/usage-view.ts';
import type { UsageDailySpendTable, UsageRecordsTable } from './schema.ts';

/** One usage_records row as written (the generated `seq` is the database's). */
export type LedgerRow = Omit<UsageRecordsTable, 'seq'>;
export type SpendRow = UsageDailySpendTable;

// prettier-ignore
export const LEDGER_COLUMNS = [
  'request_id', 'key_id', 'created_at', 'created_day', 'model_requested', 'model_served', 'input_tokens',
  'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens',
  'cost_usd', 'latency_ms', 'ttft_ms', 'status', 'error_code', 'cancelled', 'stream', 'choices',
  'upstream_request_id', 'raw_usage',
] as const satisfies ReadonlyArray<keyof LedgerRow>;

export function toLedgerRow(record: UsageRecord): LedgerRow {
  // Object.assign, not an object spread: with the spread V8 kept and promoted each request's
  // objects at every scavenge (docs/benchmark.md).
  return Object.assign(
    {
      request_id: record.requestId,
      key_id: record.keyId,
      created_at: record.createdAt,
      created_day: utcDayOf(record.createdAt),
      model_requested: record.modelRequested,
      model_served: record.modelServed,
      status: record.status,
      error_code: record.errorCode,
      cancelled: record.cancelled ? 1 : 0,
      stream: record.stream ? 1 : 0,
      choices: record.choices,
      upstream_request_id: record.upstreamRequestId,
      raw_usage: record.rawUsage === undefined ? null : JSON.stringify(record.rawUsage),
    },
    usageFields(record),
  );
}

/** One rollup row per key and day of these rows (a multi-row upsert may not name a key twice). */
export function dailySpendOf(rows: readonly LedgerRow[]): SpendRow[] {
  const spend = new Map<string, SpendRow>();
  for (const row of rows) {
    if (row.key_id === null) continue;
    const id = `${row.key_id}\u0000${row.created_day}`;
    const entry = spend.get(id);
    if (entry) {
      entry.cost_usd += row.cost_usd;
      entry.requests += 1;
    } else {
      spend.set(id, { key_id: row.key_id, day: row.created_day, cost_usd: row.cost_usd, requests: 1 });
    }
  }
  return [...spend.values()];
}

/** The first whole UTC day at or after `since`: budgets read whole days from the rollup, the rest from records. */
export function firstWholeDayFrom(since: number): number {
  const dayStart = Date.parse(`${utcDayOf(since)}T00:00:00Z`);
  return since === dayStart ? dayStart : dayStart + 86_400_000;
}
