import type { UsageRecord } from './usage-record.ts';

export interface UsageQuery {
  keyId?: string;
  /** Unix ms, inclusive. */
  since?: number;
  /** Unix ms, exclusive. */
  until?: number;
}

export interface UsageTotals {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  errors: number;
  cancelled: number;
}

/**
 * The usage ledger. `record` resolves only once the record is durable (the embedded store writes
 * synchronously; see docs/keys-and-usage.md for the trade-off), so a response that reached the client has
 * its record even after a crash.
 */
export interface UsageLedger {
  record(record: UsageRecord): Promise<void>;
  totals(query: UsageQuery): Promise<UsageTotals>;
  totalsBy(query: UsageQuery, groupBy: 'model' | 'day' | 'key'): Promise<Array<UsageTotals & { group: string }>>;
  /** USD spent by a key since a time (budgets). */
  spendSince(keyId: string, since: number): Promise<number>;
  recent(limit: number, keyId?: string): Promise<UsageRecord[]>;
  close(): Promise<void>;
}
