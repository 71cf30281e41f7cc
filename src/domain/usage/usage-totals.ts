import type { UsageTotals } from './usage-ledger.ts';
import { promptTokensOf, type UsageRecord } from './usage-record.ts';

export function emptyTotals(): UsageTotals {
  return {
    requests: 0, prompt_tokens: 0, completion_tokens: 0, input_tokens: 0, cache_read_tokens: 0,
    cache_write_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, reasoning_tokens: 0,
    cost_usd: 0, errors: 0, cancelled: 0,
  };
}

/** A record counts as an error when the client got a status >= 400 or the stream broke (errorCode). */
export function isErrorRecord(record: Pick<UsageRecord, 'status' | 'errorCode'>): boolean {
  return record.status >= 400 || record.errorCode !== null;
}

export function addToTotals(totals: UsageTotals, record: UsageRecord): UsageTotals {
  totals.requests += 1;
  totals.prompt_tokens += promptTokensOf(record);
  totals.completion_tokens += record.outputTokens;
  totals.input_tokens += record.inputTokens;
  totals.cache_read_tokens += record.cacheReadTokens;
  totals.cache_write_tokens += record.cacheWrite5mTokens + record.cacheWrite1hTokens;
  totals.cache_write_5m_tokens += record.cacheWrite5mTokens;
  totals.cache_write_1h_tokens += record.cacheWrite1hTokens;
  totals.reasoning_tokens += record.reasoningTokens;
  totals.cost_usd = roundUsd(totals.cost_usd + record.costUsd);
  if (isErrorRecord(record)) totals.errors += 1;
  if (record.cancelled) totals.cancelled += 1;
  return totals;
}

export function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

let lastDay = NaN;
let lastDayText = '';

/** `YYYY-MM-DD` (UTC) of a Unix ms timestamp: the `group_by=day` bucket. */
export function utcDayOf(ms: number): string {
  // Every ledger row asks, nearly always for the same day: a Date and an ISO string per request
  // showed in profiles. Pure: the cache only remembers the last answer.
  const day = Math.floor(ms / 86_400_000);
  if (day !== lastDay) {
    lastDayText = new Date(ms).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDayText;
}
