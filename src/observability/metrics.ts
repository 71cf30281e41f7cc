/**
 * Prometheus metrics for the gateway (prom-client), on a registry of its own so that tests and
 * several app instances in one process never share series.
 *
 * Label cardinality is bounded on purpose: `model` is the model *served* (a catalog id; requests
 * rejected before a model was resolved are labelled `unknown`, never the client's free text),
 * `key_id` is the key's id (bounded by the number of keys; `master` for the master key) — never a
 * key secret or prefix. Metric names and labels are documented in docs/observability.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration } from 'prom-client';
import type { UsageRecord } from '../domain/usage/usage-record.ts';

export interface RequestSummaryExtras {
  /** Route name, e.g. `chat_completions` (bounded: one value per route, never a raw path). */
  route: string;
  /** Time spent inside Portico itself, excluding time waiting on the upstream. */
  overheadMs: number;
  /** Adjustments the gateway made to the request (ignored parameters, clamps, …). */
  adjustments: string[];
  /** Upstream retries this request needed. */
  retries: number;
}

export type RateLimitKind = 'requests' | 'tokens' | 'budget';

export interface MetricsSnapshot {
  uptimeSeconds: number;
  inFlightRequests: number;
  openStreams: number;
  /** Requests finished since start. */
  requests: number;
  /** Finished requests with status >= 400 or an error code (a stream that broke mid-way). */
  errors: number;
  upstreamErrors: Record<string, number>;
  /** USD spent today (UTC) by requests this process served; the stats route may replace it with the ledger's figure. */
  costUsdToday?: number;
}

export interface Metrics {
  registry: Registry;
  contentType: string;
  /** In-flight +1. Call once per request, before any work. */
  requestStarted(route: string): void;
  /** In-flight −1; counts the request, its tokens and cost (by model and key id) and observes the histograms. */
  requestFinished(record: UsageRecord, extras: RequestSummaryExtras): void;
  streamOpened(): void;
  streamClosed(): void;
  /** An upstream error by Anthropic error type (`overloaded_error`, `rate_limit_error`, …) or transport failure (`timeout`, `connection`). */
  upstreamError(type: string): void;
  retry(): void;
  rateLimited(kind: RateLimitKind): void;
  snapshot(): MetricsSnapshot;
  render(): Promise<string>;
}

export interface CreateMetricsOptions {
  /** Unix milliseconds; defaults to Date.now. */
  clock?: () => number;
  /**
   * Also collect prom-client's process metrics (CPU, memory, event loop). Node only: on Workers
   * `process.cpuUsage` is missing and collection throws. Default false.
   */
  defaultMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5];

const DAY_MS = 86_400_000;

export function keyLabel(keyId: string | null): string {
  return keyId ?? 'master';
}

export function modelLabel(record: Pick<UsageRecord, 'modelServed'>): string {
  return record.modelServed === '' ? 'unknown' : record.modelServed;
}

/**
 * A counter whose increments are summed in a plain Map (one lookup per call, by a key the caller
 * builds from the label values) and handed to prom-client when it is scraped: prom-client's `inc`
 * validates and hashes the labels on every call. `labels` runs once per new key.
 */
function deferredCounter<T extends string>(
  config: CounterConfiguration<T>,
): (key: string, labels: () => Partial<Record<T, string | number>>, by: number) => void {
  const pending = new Map<string, { labels: Partial<Record<T, string | number>>; by: number }>();
  new Counter<T>({
    ...config,
    collect() {
      for (const entry of pending.values()) {
        if (entry.by === 0) continue;
        this.inc(entry.labels, entry.by);
        entry.by = 0;
      }
    },
  });
  return (key, labels, by) => {
    const entry = pending.get(key);
    if (entry === undefined) pending.set(key, { labels: labels(), by });
    else entry.by += by;
  };
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const registry = new Registry();
  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry, prefix: 'portico_' });

  const registers = [registry];
  const requestsTotal = deferredCounter({
    name: 'portico_requests_total',
    help: 'Finished requests by route, served model and HTTP status.',
    labelNames: ['route', 'model', 'status'] as const,
    registers,
  });
  const requestErrors = new Counter({
    name: 'portico_request_errors_total',
    help: 'Finished requests that failed, by route and Portico error code (includes streams that broke after a 200).',
    labelNames: ['route', 'code'] as const,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'portico_upstream_errors_total',
    help: 'Errors returned by (or while reaching) the upstream, by type.',
    labelNames: ['type'] as const,
    registers,
  });
  const retries = new Counter({ name: 'portico_upstream_retries_total', help: 'Upstream retries.', registers });
  const cancellations = new Counter({
    name: 'portico_cancellations_total',
    help: 'Requests the client abandoned before the response finished.',
    labelNames: ['route', 'model'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'portico_rate_limited_total',
    help: 'Requests rejected by Portico limits, by kind (requests per minute, tokens per minute, budget).',
    labelNames: ['kind'] as const,
    registers,
  });
  // The two gauges are set when scraped, from plain counts kept per request: prom-client's
  // inc/dec hash their labels on every call, two calls per request and two per stream.
  const inFlightByRoute = new Map<string, number>();
  let openStreamCount = 0;
  new Gauge({
    name: 'portico_in_flight_requests',
    help: 'Requests currently being handled.',
    labelNames: ['route'] as const,
    registers,
    collect() {
      for (const [route, count] of inFlightByRoute) this.set({ route }, count);
    },
  });
  new Gauge({
    name: 'portico_open_streams',
    help: 'SSE responses currently open.',
    registers,
    collect() {
      this.set(openStreamCount);
    },
  });
  const tokens = deferredCounter({
    name: 'portico_tokens_total',
    help: 'Tokens by served model, key id and type (input = uncached input; cache_read; cache_write = 5m + 1h writes; output; reasoning ⊂ output).',
    labelNames: ['model', 'key_id', 'type'] as const,
    registers,
  });
  const cost = deferredCounter({
    name: 'portico_cost_usd_total',
    help: 'Cost in USD at Anthropic list prices, by served model and key id.',
    labelNames: ['model', 'key_id'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'portico_request_duration_seconds',
    help: 'Request latency from arrival to the last byte, by route, served model and stream.',
    labelNames: ['route', 'model', 'stream'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ttft = new Histogram({
    name: 'portico_time_to_first_token_seconds',
    help: 'Time from arrival to the first content byte sent to the client, by served model and stream.',
    labelNames: ['model', 'stream'] as const,
    buckets: TTFT_BUCKETS,
    registers,
  });
  const overhead = new Histogram({
    name: 'portico_gateway_overhead_seconds',
    help: 'Time spent inside Portico itself (auth, limits, translation, ledger), excluding the upstream.',
    labelNames: ['route'] as const,
    buckets: OVERHEAD_BUCKETS,
    registers,
  });

  // Plain numbers for snapshot(): prom-client's getters are async and the dashboard polls often.
  let finished = 0;
  let errorCount = 0;
  const upstreamErrorCounts: Record<string, number> = {};
  let costDay = Math.floor(startedAt / DAY_MS);
  let costToday = 0;

  return {
    registry,
    contentType: registry.contentType,
    requestStarted(route) {
      inFlightByRoute.set(route, (inFlightByRoute.get(route) ?? 0) + 1);
    },
    requestFinished(record, extras) {
      inFlightByRoute.set(extras.route, Math.max(0, (inFlightByRoute.get(extras.route) ?? 0) - 1));
      finished += 1;
      const model = modelLabel(record);
      const keyId = keyLabel(record.keyId);
      const stream = String(record.stream);
      requestsTotal(`${extras.route}\n${model}\n${record.status}`, () => ({ route: extras.route, model, status: String(record.status) }), 1);
      if (record.status >= 400 || record.errorCode !== null) {
        errorCount += 1;
        requestErrors.inc({ route: extras.route, code: record.errorCode ?? `http_${record.status}` });
      }
      if (record.cancelled) cancellations.inc({ route: extras.route, model });

      const byType: Array<[string, number]> = [
        ['input', record.inputTokens],
        ['cache_read', record.cacheReadTokens],
        ['cache_write', record.cacheWrite5mTokens + record.cacheWrite1hTokens],
        ['output', record.outputTokens],
        ['reasoning', record.reasoningTokens],
      ];
      for (const [type, n] of byType) {
        if (n > 0) tokens(`${model}\n${keyId}\n${type}`, () => ({ model, key_id: keyId, type }), n);
      }
      if (record.costUsd > 0) {
        cost(`${model}\n${keyId}`, () => ({ model, key_id: keyId }), record.costUsd);
        const day = Math.floor(clock() / DAY_MS);
        if (day !== costDay) {
          costDay = day;
          costToday = 0;
        }
        costToday += record.costUsd;
      }
      duration.observe({ route: extras.route, model, stream }, record.latencyMs / 1000);
      if (record.ttftMs !== null) ttft.observe({ model, stream }, record.ttftMs / 1000);
      overhead.observe({ route: extras.route }, Math.max(0, extras.overheadMs) / 1000);
    },
    streamOpened() {
      openStreamCount += 1;
    },
    streamClosed() {
      openStreamCount = Math.max(0, openStreamCount - 1);
    },
    upstreamError(type) {
      upstreamErrorCounts[type] = (upstreamErrorCounts[type] ?? 0) + 1;
      upstreamErrors.inc({ type });
    },
    retry() {
      retries.inc();
    },
    rateLimited(kind) {
      rateLimited.inc({ kind });
    },
    snapshot() {
      const now = clock();
      return {
        uptimeSeconds: Math.max(0, Math.floor((now - startedAt) / 1000)),
        inFlightRequests: sum(inFlightByRoute.values()),
        openStreams: openStreamCount,
        requests: finished,
        errors: errorCount,
        upstreamErrors: { ...upstreamErrorCounts },
        costUsdToday: Math.floor(now / DAY_MS) === costDay ? costToday : 0,
      };
    },
    render() {
      return registry.metrics();
    },
  };
}
