/**
 * GET /metrics (Prometheus text) and GET /admin/stats (live health JSON for the dashboard and
 * `portico status`). Neither is public: /metrics takes the master key or PORTICO_METRICS_TOKEN
 * (checked by the injected `authorize`); /admin/stats sits behind the app's master-only /admin/*
 * guard. See docs/observability.md.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GatewayError } from '../../domain/errors.ts';
import type { UsageLedger } from '../../domain/usage/usage-ledger.ts';
import type { Metrics } from '../../observability/metrics.ts';

function errorResponse(error: GatewayError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status as ContentfulStatusCode,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function createMetricsRoute(deps: { metrics: Metrics; authorize: (authorizationHeader: string | null) => Promise<boolean> }): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const header = c.req.header('authorization') ?? null;
    if (!(await deps.authorize(header))) {
      const error =
        header === null
          ? new GatewayError('missing_api_key', 'Metrics need the master key or the metrics token: send Authorization: Bearer <token>.')
          : new GatewayError('invalid_api_key', 'The token is not valid for /metrics.');
      return errorResponse(error, { 'www-authenticate': 'Bearer realm="portico-metrics"' });
    }
    const body = await deps.metrics.render();
    return new Response(body, { status: 200, headers: { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' } });
  });
  return app;
}

/** Length-independent comparison so the token cannot be found byte by byte through timing. */
function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i += 1) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * The usual `authorize` for createMetricsRoute: a `Bearer <token>` matching any configured
 * token (the master key, PORTICO_METRICS_TOKEN). Unset tokens never match.
 */
export function bearerTokenAuthorizer(tokens: Array<string | null | undefined>): (authorizationHeader: string | null) => Promise<boolean> {
  const accepted = tokens.filter((t): t is string => typeof t === 'string' && t !== '');
  return async (header) => {
    if (header === null) return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) return false;
    const token = match[1];
    let ok = false;
    for (const candidate of accepted) ok = constantTimeEqual(token, candidate) || ok;
    return ok;
  };
}

/** JSON body of GET /admin/stats (snake_case: a wire format). */
export interface StatsBody {
  uptime_seconds: number;
  in_flight_requests: number;
  open_streams: number;
  /** Finished since this process started. */
  requests: number;
  errors: number;
  upstream_errors: Record<string, number>;
  /** USD spent today (UTC): from the ledger when one is given (all processes, survives restarts), else this process. */
  cost_usd_today: number;
  cost_source: 'ledger' | 'process';
  /** Today's ledger totals (UTC), when a ledger is given. */
  today?: { requests: number; errors: number; cost_usd: number };
  now: string;
}

const DAY_MS = 86_400_000;

export function createStatsRoute(deps: { metrics: Metrics; ledger?: Pick<UsageLedger, 'totals'>; clock?: () => number }): Hono {
  const clock = deps.clock ?? Date.now;
  const app = new Hono();
  app.get('/', async (c) => {
    const snap = deps.metrics.snapshot();
    const now = clock();
    const body: StatsBody = {
      uptime_seconds: snap.uptimeSeconds,
      in_flight_requests: snap.inFlightRequests,
      open_streams: snap.openStreams,
      requests: snap.requests,
      errors: snap.errors,
      upstream_errors: snap.upstreamErrors,
      cost_usd_today: snap.costUsdToday ?? 0,
      cost_source: 'process',
      now: new Date(now).toISOString(),
    };
    if (deps.ledger !== undefined) {
      try {
        const totals = await deps.ledger.totals({ since: Math.floor(now / DAY_MS) * DAY_MS });
        body.cost_usd_today = totals.cost_usd;
        body.cost_source = 'ledger';
        body.today = { requests: totals.requests, errors: totals.errors, cost_usd: totals.cost_usd };
      } catch {
        // Live health must answer even when the ledger is down; the process figure stands.
      }
    }
    return c.json(body, 200, { 'cache-control': 'no-store' });
  });
  return app;
}
