import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { invalidRequest } from '../../domain/errors.ts';
import type { UsageCursor, UsageLedger, UsagePage, UsageQuery, UsageTotals } from '../../domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { roundUsd, utcDayOf } from '../../domain/usage/usage-totals.ts';
import type { SqliteLedgerWriter } from '../sqlite/sqlite-ledger-writer.ts';
import { dailySpendOf, firstWholeDayFrom, toLedgerRow } from './ledger-rows.ts';
import type { PorticoDatabase, UsageRecordsTable } from './schema.ts';

/** Page cursor: the last row's (created_at, request_id, seq); seq breaks ties between equal request ids. */
function encodeCursor(createdAt: number, requestId: string, seq: number): UsageCursor {
  return JSON.stringify([createdAt, requestId, seq]);
}

function decodeCursor(cursor: UsageCursor): [number, string, number] {
  try {
    const value = JSON.parse(cursor) as unknown;
    if (Array.isArray(value) && value.length === 3 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && Number.isSafeInteger(value[2])) {
      return value as [number, string, number];
    }
  } catch {
    // fall through
  }
  throw invalidRequest('The usage page cursor is not one this ledger returned.', 'after');
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

function toRecord(row: Selectable<UsageRecordsTable>): UsageRecord {
  return {
    requestId: row.request_id,
    keyId: row.key_id,
    createdAt: num(row.created_at),
    modelRequested: row.model_requested,
    modelServed: row.model_served,
    inputTokens: num(row.input_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWrite5mTokens: num(row.cache_write_5m_tokens),
    cacheWrite1hTokens: num(row.cache_write_1h_tokens),
    outputTokens: num(row.output_tokens),
    reasoningTokens: num(row.reasoning_tokens),
    costUsd: num(row.cost_usd),
    latencyMs: num(row.latency_ms),
    ttftMs: row.ttft_ms === null ? null : num(row.ttft_ms),
    status: num(row.status),
    errorCode: row.error_code,
    cancelled: num(row.cancelled) === 1,
    stream: num(row.stream) === 1,
    choices: num(row.choices),
    upstreamRequestId: row.upstream_request_id,
    rawUsage: row.raw_usage === null ? null : JSON.parse(row.raw_usage),
  };
}

/** Aggregate columns, identical SQL in both dialects (pg returns sums as strings: num()). */
const AGGREGATES = [
  sql<string>`count(*)`.as('requests'),
  sql<string>`coalesce(sum(input_tokens), 0)`.as('input_tokens'),
  sql<string>`coalesce(sum(cache_read_tokens), 0)`.as('cache_read_tokens'),
  sql<string>`coalesce(sum(cache_write_5m_tokens), 0)`.as('cache_write_5m_tokens'),
  sql<string>`coalesce(sum(cache_write_1h_tokens), 0)`.as('cache_write_1h_tokens'),
  sql<string>`coalesce(sum(output_tokens), 0)`.as('output_tokens'),
  sql<string>`coalesce(sum(reasoning_tokens), 0)`.as('reasoning_tokens'),
  sql<string>`coalesce(sum(cost_usd), 0)`.as('cost_usd'),
  sql<string>`coalesce(sum(case when status >= 400 or error_code is not null then 1 else 0 end), 0)`.as('errors'),
  sql<string>`coalesce(sum(cancelled), 0)`.as('cancelled'),
] as const;

type AggregateRow = Record<'requests' | 'input_tokens' | 'cache_read_tokens' | 'cache_write_5m_tokens' | 'cache_write_1h_tokens' | 'output_tokens' | 'reasoning_tokens' | 'cost_usd' | 'errors' | 'cancelled', unknown>;

function toTotals(row: AggregateRow): UsageTotals {
  const input = num(row.input_tokens);
  const read = num(row.cache_read_tokens);
  const write5m = num(row.cache_write_5m_tokens);
  const write1h = num(row.cache_write_1h_tokens);
  return {
    requests: num(row.requests),
    prompt_tokens: input + read + write5m + write1h,
    completion_tokens: num(row.output_tokens),
    input_tokens: input,
    cache_read_tokens: read,
    cache_write_tokens: write5m + write1h,
    cache_write_5m_tokens: write5m,
    cache_write_1h_tokens: write1h,
    reasoning_tokens: num(row.reasoning_tokens),
    cost_usd: roundUsd(num(row.cost_usd)),
    errors: num(row.errors),
    cancelled: num(row.cancelled),
  };
}

/**
 * UsageLedger over Kysely (SQLite embedded, Postgres at scale). `record` is one transaction (the
 * row + the key's daily spend rollup): it resolves after the database reported it committed
 * (SQLite WAL with the configured `synchronous`; Postgres with its `synchronous_commit`).
 */
export class SqlUsageLedger implements UsageLedger {
  /**
   * @param sqlite SQLite only: the embedded store's synchronous writer (prepared statements, and
   * in the gateway the journal); every read calls its catchUp() first. Without it, the query builder.
   */
  constructor(
    private readonly db: Kysely<PorticoDatabase>,
    private readonly onClose: () => Promise<void> = async () => {},
    private readonly sqlite?: SqliteLedgerWriter,
  ) {}

  /** Records waiting for the next group commit, with the callers waiting on them. */
  private pending: Array<{ record: UsageRecord; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushScheduled = false;

  /**
   * Group commit: every record() in the same turn of the event loop goes into ONE transaction
   * (one multi-row insert, one rollup upsert per key and day), and each call resolves only after
   * that transaction committed. Durability per record is unchanged; the commit cost (and on
   * SQLite FULL, the fsync) is shared by every concurrent request.
   */
  record(record: UsageRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    if (batch.length === 0) return;
    try {
      await this.write(batch.map((entry) => entry.record));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: fall back to one transaction each.
      for (const entry of batch) {
        await this.write([entry.record]).then(entry.resolve, entry.reject);
      }
    }
  }

  private async write(records: UsageRecord[]): Promise<void> {
    const rows = records.map(toLedgerRow);
    if (this.sqlite) {
      this.sqlite.write(rows);
      return;
    }
    const spend = dailySpendOf(rows);
    await this.db.transaction().execute(async (trx) => {
      // SQLite allows 32,766 bound parameters per statement: 22 columns → chunks of 1,000 rows.
      for (let offset = 0; offset < rows.length; offset += 1000) {
        await trx.insertInto('usage_records').values(rows.slice(offset, offset + 1000)).execute();
      }
      if (spend.length === 0) return;
      await trx
        .insertInto('usage_daily_spend')
        .values(spend)
        .onConflict((oc) =>
          oc.columns(['key_id', 'day']).doUpdateSet({
            cost_usd: sql`usage_daily_spend.cost_usd + excluded.cost_usd`,
            requests: sql`usage_daily_spend.requests + excluded.requests`,
          }),
        )
        .execute();
    });
  }

  private filtered(query: UsageQuery): SelectQueryBuilder<PorticoDatabase, 'usage_records', object> {
    let builder = this.db.selectFrom('usage_records') as SelectQueryBuilder<PorticoDatabase, 'usage_records', object>;
    if (query.keyId !== undefined) builder = builder.where('key_id', '=', query.keyId);
    if (query.since !== undefined) builder = builder.where('created_at', '>=', query.since);
    if (query.until !== undefined) builder = builder.where('created_at', '<', query.until);
    return builder;
  }

  async totals(query: UsageQuery): Promise<UsageTotals> {
    this.sqlite?.catchUp();
    const row = await this.filtered(query).select(AGGREGATES).executeTakeFirstOrThrow();
    return toTotals(row);
  }

  async totalsBy(query: UsageQuery, groupBy: 'model' | 'day' | 'key'): Promise<Array<UsageTotals & { group: string }>> {
    this.sqlite?.catchUp();
    const column = groupBy === 'model' ? 'model_served' : groupBy === 'day' ? 'created_day' : 'key_id';
    const rows = await this.filtered(query)
      .select(AGGREGATES)
      .select(sql<string | null>`${sql.ref(column)}`.as('group_value'))
      .groupBy(column)
      .orderBy(column)
      .execute();
    return rows.map((row) => ({ group: row.group_value ?? '(master)', ...toTotals(row) }));
  }

  /**
   * Whole UTC days from the daily rollup; a `since` inside a day adds that day's remainder from the
   * records (bounded: one day of one key). Budget periods start at midnight, so normally only the
   * rollup is read.
   */
  async spendSince(keyId: string, since: number): Promise<number> {
    if (this.sqlite) return roundUsd(this.sqlite.spendSince(keyId, since));
    const firstWholeDay = firstWholeDayFrom(since);
    const whole = await this.db
      .selectFrom('usage_daily_spend')
      .select(sql<string>`coalesce(sum(cost_usd), 0)`.as('spend'))
      .where('key_id', '=', keyId)
      .where('day', '>=', utcDayOf(firstWholeDay))
      .executeTakeFirstOrThrow();
    let partial = 0;
    if (firstWholeDay !== since) {
      const row = await this.db
        .selectFrom('usage_records')
        .select(sql<string>`coalesce(sum(cost_usd), 0)`.as('spend'))
        .where('key_id', '=', keyId)
        .where('created_at', '>=', since)
        .where('created_at', '<', firstWholeDay)
        .executeTakeFirstOrThrow();
      partial = num(row.spend);
    }
    return roundUsd(num(whole.spend) + partial);
  }

  async recent(limit: number, keyId?: string): Promise<UsageRecord[]> {
    this.sqlite?.catchUp();
    let builder = this.db.selectFrom('usage_records').selectAll();
    if (keyId !== undefined) builder = builder.where('key_id', '=', keyId);
    const rows = await builder.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toRecord);
  }

  async page(query: UsageQuery, options: { limit: number; after?: UsageCursor }): Promise<UsagePage> {
    this.sqlite?.catchUp();
    let builder = this.filtered(query).selectAll();
    if (options.after !== undefined) {
      const [createdAt, requestId, seq] = decodeCursor(options.after);
      // Row-value comparison (SQLite >= 3.15, Postgres); the plain `>=` lets both use the time index.
      builder = builder
        .where('created_at', '>=', createdAt)
        .where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'request_id', 'seq'), '>', tuple(createdAt, requestId, seq)));
    }
    const rows = await builder.orderBy('created_at').orderBy('request_id').orderBy('seq').limit(options.limit).execute();
    const last = rows.at(-1);
    return {
      records: rows.map(toRecord),
      // pg returns bigint columns as strings: num().
      next: last === undefined || rows.length < options.limit ? null : encodeCursor(num(last.created_at), last.request_id, num(last.seq)),
    };
  }

  async close(): Promise<void> {
    await this.flush();
    this.sqlite?.close();
    await this.onClose();
  }
}
