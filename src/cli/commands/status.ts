/**
 * `portico status`: a short human summary of a running gateway (uptime, requests, errors, spend
 * today) from its GET /admin/stats. When the gateway cannot be reached, falls back to today's
 * totals from the ledger (the same store the gateway writes) and exits 1, so scripts can tell
 * "down" from "up".
 */
import { parseArgs } from 'node:util';
import type { StatsBody } from '../../http/routes/metrics.ts';
import { CliUsageError, type CliCommand, type CliContext } from '../command.ts';

const DEFAULT_URL = 'http://127.0.0.1:8080';
const DAY_MS = 86_400_000;

const HELP = `Usage: portico status [options]

  Uptime, requests, errors and spend today of a running gateway, from its GET /admin/stats.
  If the gateway is not reachable, prints today's totals from the ledger instead and exits 1.

      --url <url>       gateway base URL (default: PORTICO_URL, else ${DEFAULT_URL})
      --timeout <ms>    how long to wait for the gateway (default 3000)
      --json            print the /admin/stats JSON as is

  Environment: PORTICO_MASTER_KEY (sent as the bearer token), PORTICO_URL,
  PORTICO_DATA_DIR / DATABASE_URL (for the ledger fallback).`;

export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The summary printed for a reachable gateway. */
export function formatStatus(url: string, stats: StatsBody): string {
  const errorRate = stats.requests > 0 ? ` (${((100 * stats.errors) / stats.requests).toFixed(1)}%)` : '';
  const upstream = Object.entries(stats.upstream_errors)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${count(n)}`)
    .join(', ');
  const lines = [
    `Portico at ${url}: up ${formatUptime(stats.uptime_seconds)}`,
    `  requests         ${count(stats.requests)} since start`,
    `  errors           ${count(stats.errors)}${errorRate}`,
    `  upstream errors  ${upstream === '' ? 'none' : upstream}`,
    `  in flight        ${count(stats.in_flight_requests)} (${count(stats.open_streams)} streams open)`,
    `  spend today      ${usd(stats.cost_usd_today)} (UTC, ${stats.cost_source === 'ledger' ? 'from the ledger' : 'this process only'})`,
  ];
  if (stats.today !== undefined) lines.push(`  today            ${count(stats.today.requests)} requests, ${count(stats.today.errors)} errors`);
  return lines.join('\n');
}

async function ledgerFallback(context: CliContext, reason: string, url: string): Promise<number> {
  context.err(`portico status: the gateway at ${url} is not reachable (${reason}).`);
  let storage;
  try {
    storage = await context.openStorage();
  } catch (error) {
    context.err(`portico status: cannot open the ledger either: ${(error as Error).message}`);
    return 1;
  }
  try {
    const now = context.now();
    const totals = await storage.ledger.totals({ since: Math.floor(now / DAY_MS) * DAY_MS });
    context.out(
      [
        'Gateway not running. Today (UTC) from the ledger:',
        `  requests     ${count(totals.requests)} (${count(totals.errors)} errors, ${count(totals.cancelled)} cancelled)`,
        `  tokens       ${count(totals.prompt_tokens)} prompt, ${count(totals.completion_tokens)} completion`,
        `  spend today  ${usd(totals.cost_usd)}`,
      ].join('\n'),
    );
  } finally {
    await storage.close();
  }
  return 1;
}

function isStatsBody(value: unknown): value is StatsBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.uptime_seconds === 'number' && typeof v.requests === 'number' && typeof v.errors === 'number' && typeof v.upstream_errors === 'object';
}

export function createStatusCommand(deps: { fetch?: typeof fetch } = {}): CliCommand {
  return {
    name: 'status',
    summary: 'uptime, requests, errors and spend today of a running gateway',
    help: HELP,
    async run(args, context) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { url: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
      });
      if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
      const timeoutMs = values.timeout === undefined ? 3000 : Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliUsageError('--timeout must be a positive integer (milliseconds)');
      const url = (values.url ?? context.env.PORTICO_URL ?? DEFAULT_URL).replace(/\/+$/, '');
      const key = context.env.PORTICO_MASTER_KEY;
      if (key === undefined || key === '') {
        throw new CliUsageError('PORTICO_MASTER_KEY is not set: /admin/stats needs the master key');
      }
      const doFetch = deps.fetch ?? fetch;
      let res: Response;
      try {
        res = await doFetch(`${url}/admin/stats`, {
          headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
        const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
        return ledgerFallback(context, reason, url);
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      if (!res.ok) {
        const message = (body as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 200);
        if (res.status === 401 || res.status === 403) context.err(`portico status: the gateway refused the master key (${res.status}): ${message}`);
        else context.err(`portico status: GET ${url}/admin/stats answered ${res.status}: ${message}`);
        return 1;
      }
      if (!isStatsBody(body)) {
        context.err(`portico status: ${url}/admin/stats did not answer with stats JSON (is this a Portico gateway?)`);
        return 1;
      }
      context.out(values.json === true ? JSON.stringify(body, null, 2) : formatStatus(url, body));
      return 0;
    },
  };
}

export const statusCommand: CliCommand = createStatusCommand();
