import { invalidRequest } from '../../domain/errors.ts';
import type { UsageCursor, UsageLedger, UsagePage, UsageQuery, UsageTotals } from '../../domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { addToTotals, emptyTotals, roundUsd, utcDayOf } from '../../domain/usage/usage-totals.ts';

type PageKey = [createdAt: number, requestId: string, index: number];

function compareKey(a: PageKey, b: PageKey): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

function decodeCursor(cursor: UsageCursor): PageKey {
  try {
    const value = JSON.parse(cursor) as unknown;
    if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'number' && typeof value[1] === 'string' && typeof value[2] === 'number') {
      return value as PageKey;
    }
  } catch {
    // fall through
  }
  throw invalidRequest('The usage page cursor is not one this ledger returned.', 'after');
}

/** In-process ledger (tests). Not durable by nature; everything else matches the SQL ledger. */
export class MemoryUsageLedger implements UsageLedger {
  private readonly records: UsageRecord[] = [];

  async record(record: UsageRecord): Promise<void> {
    this.records.push(structuredClone(record));
  }

  private matches(r: UsageRecord, query: UsageQuery): boolean {
    return (
      (query.keyId === undefined || r.keyId === query.keyId) &&
      (query.since === undefined || r.createdAt >= query.since) &&
      (query.until === undefined || r.createdAt < query.until)
    );
  }

  private matching(query: UsageQuery): UsageRecord[] {
    return this.records.filter((r) => this.matches(r, query));
  }

  async totals(query: UsageQuery): Promise<UsageTotals> {
    return this.matching(query).reduce(addToTotals, emptyTotals());
  }

  async totalsBy(query: UsageQuery, groupBy: 'model' | 'day' | 'key'): Promise<Array<UsageTotals & { group: string }>> {
    const groups = new Map<string, UsageTotals>();
    for (const record of this.matching(query)) {
      const group = groupBy === 'model' ? record.modelServed : groupBy === 'day' ? utcDayOf(record.createdAt) : (record.keyId ?? '(master)');
      groups.set(group, addToTotals(groups.get(group) ?? emptyTotals(), record));
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, totals]) => ({ group, ...totals }));
  }

  async spendSince(keyId: string, since: number): Promise<number> {
    return roundUsd(this.matching({ keyId, since }).reduce((sum, r) => sum + r.costUsd, 0));
  }

  async recent(limit: number, keyId?: string): Promise<UsageRecord[]> {
    const rows = this.records.map((record, index) => ({ record, index })).filter(({ record }) => keyId === undefined || record.keyId === keyId);
    rows.sort((a, b) => b.record.createdAt - a.record.createdAt || b.index - a.index);
    return rows.slice(0, limit).map(({ record }) => structuredClone(record));
  }

  /** Same order as the SQL ledger: (createdAt, requestId), then insertion order (the SQL `seq`). */
  async page(query: UsageQuery, options: { limit: number; after?: UsageCursor }): Promise<UsagePage> {
    const after = options.after === undefined ? undefined : decodeCursor(options.after);
    const rows = this.records
      .map((record, index) => ({ record, index }))
      .filter(({ record }) => this.matches(record, query))
      .filter(({ record, index }) => after === undefined || compareKey([record.createdAt, record.requestId, index], after) > 0)
      .sort((a, b) => compareKey([a.record.createdAt, a.record.requestId, a.index], [b.record.createdAt, b.record.requestId, b.index]))
      .slice(0, options.limit);
    const last = rows.at(-1);
    return {
      records: rows.map(({ record }) => structuredClone(record)),
      next: last === undefined || rows.length < options.limit ? null : JSON.stringify([last.record.createdAt, last.record.requestId, last.index]),
    };
  }

  async close(): Promise<void> {}
}
