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
 * Where a page of `UsageLedger.page` ended. Opaque: made by the implementation (it carries a
 * storage tie-breaker, because request ids are client-supplied and not unique), passed back as-is.
 */
export type UsageCursor = string;

export interface UsagePage {
  /** Oldest first: by (created_at, request_id), then insertion order. */
  records: UsageRecord[];
  /** Pass as `after` for the next page; null once a page came back short (nothing more). */
  next: UsageCursor | null;
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
  /**
   * Keyset pagination over every record matching `query`, oldest first (exports): each call reads
   * at most `limit` rows, so a caller's memory stays bounded however large the ledger is. Rows
   * recorded later with a `createdAt` before the cursor are not seen; export a period that ended.
   */
  page(query: UsageQuery, options: { limit: number; after?: UsageCursor }): Promise<UsagePage>;
  close(): Promise<void>;
}
