/**
 * One record per request: the canonical, invoice-grade account of what a request consumed.
 * The same record feeds the ledger, the request log line and the metrics.
 *
 * Token fields follow Anthropic's breakdown (which is what Anthropic bills); the OpenAI view
 * (prompt_tokens = input + cache reads + cache writes) is derived, never stored twice.
 */
export interface UsageRecord {
  requestId: string;
  /** null when the master key made the call. */
  keyId: string | null;
  /** Unix milliseconds when the request arrived. */
  createdAt: number;
  modelRequested: string;
  modelServed: string;
  /** Uncached input tokens (Anthropic `input_tokens`). */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  /** Subset of outputTokens spent on thinking, where the upstream reports it. */
  reasoningTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Time to first content byte sent to the client; null when none was sent. */
  ttftMs: number | null;
  /** HTTP status the client got (200 for streams that broke mid-way; see errorCode). */
  status: number;
  errorCode: string | null;
  cancelled: boolean;
  stream: boolean;
  /** Number of choices (upstream calls) this record covers. */
  choices: number;
  upstreamRequestId: string | null;
  /** The raw upstream usage objects (one per choice), as received. */
  rawUsage: unknown;
}

/** Tokens as the OpenAI client sees them. */
export function promptTokensOf(record: Pick<UsageRecord, 'inputTokens' | 'cacheReadTokens' | 'cacheWrite5mTokens' | 'cacheWrite1hTokens'>): number {
  return record.inputTokens + record.cacheReadTokens + record.cacheWrite5mTokens + record.cacheWrite1hTokens;
}
