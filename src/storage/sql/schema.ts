import type { Generated } from 'kysely';

/** Row shapes shared by SQLite and Postgres (snake_case; conversion to domain types is here only). */
export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  /** JSON array or null. */
  models: string | null;
  rpm: number | null;
  tpm: number | null;
  budget_usd: number | null;
  budget_period: string | null;
  expires_at: number | null;
  /** JSON object. */
  metadata: string;
  created_at: number;
  revoked_at: number | null;
}

export interface UsageRecordsTable {
  seq: Generated<number>;
  request_id: string;
  key_id: string | null;
  created_at: number;
  /** `YYYY-MM-DD` UTC of created_at: the same group-by-day in both dialects. */
  created_day: string;
  model_requested: string;
  model_served: string;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: number;
  error_code: string | null;
  /** 0/1 in both dialects. */
  cancelled: number;
  stream: number;
  choices: number;
  upstream_request_id: string | null;
  /** JSON. */
  raw_usage: string | null;
}

/**
 * Per key and UTC day, maintained in the same transaction as each ledger insert, so a budget
 * check sums at most ~31 rows (plus one partial day) instead of every record of the period.
 */
export interface UsageDailySpendTable {
  key_id: string;
  day: string;
  cost_usd: number;
  requests: number;
}

export interface MigrationsTable {
  id: string;
  applied_at: number;
}

export interface PorticoDatabase {
  api_keys: ApiKeysTable;
  usage_records: UsageRecordsTable;
  usage_daily_spend: UsageDailySpendTable;
  portico_migrations: MigrationsTable;
}

export type SqlDialectName = 'sqlite' | 'postgres';
