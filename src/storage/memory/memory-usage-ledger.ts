import type { UsageLedger, UsageQuery, UsageTotals } from '../../domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { addToTotals, emptyTotals, roundUsd, utcDayOf } from '../../domain/usage/usage-totals.ts';

/** In-process ledger (tests). Not durable by nature; everything else matches the SQL ledger. */
export class MemoryUsageLedger implements UsageLedger {
  private readonly records: UsageRecord[] = [];

  async record(record: UsageRecord): Promise<void> {
    this.records.push(structuredClone(record));
  }

  private matching(query: UsageQuery): UsageRecord[] {
    return this.records.filter(
      (r) =>
        (query.keyId === undefined || r.keyId === query.keyId) &&
        (query.since === undefined || r.createdAt >= query.since) &&
        (query.until === undefined || r.createdAt < query.until),
    );
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

  async close(): Promise<void> {}
}
