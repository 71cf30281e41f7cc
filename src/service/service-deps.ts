/**
 * What the chat service needs from the outside, as small structural interfaces. The concrete
 * implementations live in providers/, storage/ (through governance) and observability/.
 */
import type { ModelCatalog } from '../domain/models/model-catalog.ts';
import type { PriceTable } from '../domain/usage/pricing.ts';
import type { UsageRecord } from '../domain/usage/usage-record.ts';
import type { ChatProvider } from '../providers/chat-provider.ts';
import type { Governance } from './governance.ts';
import type { RetryPolicy } from './retry.ts';

export interface RequestSummaryExtras {
  route: string;
  overheadMs: number;
  adjustments: string[];
  retries: number;
  /** The key's display prefix (never the secret), for the log line. */
  keyPrefix: string | null;
}

/** The calls the service makes on metrics and logs (observability/ implements them). */
export interface ServiceTelemetry {
  streamOpened(): void;
  streamClosed(): void;
  upstreamError(type: string): void;
  retry(): void;
  rateLimited(kind: 'requests' | 'tokens' | 'budget'): void;
  /** A failure that is not a GatewayError: a bug. Logged loudly; the client gets a 500 `internal`. */
  internalError(error: unknown, requestId: string): void;
  /** One call per request, after its ledger record is durable. */
  requestFinished(record: UsageRecord, extras: RequestSummaryExtras): void;
}

export interface ChatServiceSettings {
  defaultModel: string;
  strict: boolean;
  maxTokensCap: number | undefined;
  cachePolicy: 'off' | 'auto';
  keepAliveMs: number;
  streamIdleTimeoutMs: number;
  retry: RetryPolicy;
  prices: PriceTable | undefined;
}

export interface ChatServiceDeps {
  provider: ChatProvider;
  catalog: ModelCatalog;
  governance: Governance;
  telemetry: ServiceTelemetry;
  settings: ChatServiceSettings;
  /** Unix milliseconds; injected so tests control time. */
  clock: () => number;
  /** Random suffix for completion ids. */
  newId: () => string;
}
