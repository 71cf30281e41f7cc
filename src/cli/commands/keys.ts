import { parseArgs } from 'node:util';
import type { ApiKey } from '../../domain/api-keys/api-key.ts';
import { issueApiKey } from '../../domain/api-keys/issue-api-key.ts';
import { toApiKeyObject } from '../../domain/api-keys/key-view.ts';
import { parseKeyLimits } from '../../domain/api-keys/parse-key-limits.ts';
import { currentSpend } from '../../domain/usage/current-spend.ts';
import { CliUsageError, type CliCommand, type CliContext } from '../command.ts';
import { formatTable, formatTime, formatUsd } from '../format-table.ts';

const HELP = `Usage: portico keys <create|list|revoke> [options]

  portico keys create --name <name> [options]
      --models <globs>         comma-separated allowlist, e.g. 'claude-sonnet-*,claude-haiku-4-5'
      --rpm <n>                requests per minute
      --tpm <n>                tokens per minute (prompt + completion)
      --budget-usd <usd>       spend limit in USD
      --budget-period <p>      daily | monthly (UTC); omit for a lifetime budget
      --expires-at <time>      ISO 8601 or unix seconds
      --metadata <json>        JSON object stored with the key
      --json                   print the key object as JSON
    Prints the secret key once; only its hash is stored.

  portico keys list [--json]
      All keys (revoked and expired included) with their current-period spend.

  portico keys revoke <id> [--json]
      Revokes a key; requests with it then get 401.`;

function numberOrText(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

async function create(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      models: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'budget-usd': { type: 'string' },
      'budget-period': { type: 'string' },
      'expires-at': { type: 'string' },
      metadata: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  if (values.name === undefined) throw new CliUsageError('--name is required');
  let metadata: unknown;
  if (values.metadata !== undefined) {
    try {
      metadata = JSON.parse(values.metadata);
    } catch {
      throw new CliUsageError('--metadata must be a JSON object');
    }
  }
  const body: Record<string, unknown> = { name: values.name };
  if (values.models !== undefined) body.models = values.models.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (values.rpm !== undefined) body.rpm = numberOrText(values.rpm);
  if (values.tpm !== undefined) body.tpm = numberOrText(values.tpm);
  if (values['budget-usd'] !== undefined) body.budget_usd = numberOrText(values['budget-usd']);
  if (values['budget-period'] !== undefined) body.budget_period = values['budget-period'];
  if (values['expires-at'] !== undefined) body.expires_at = values['expires-at'];
  if (metadata !== undefined) body.metadata = metadata;
  const now = context.now();
  const limits = parseKeyLimits(body, 'create', now);
  const storage = await context.openStorage();
  try {
    const { key, secret } = await issueApiKey(storage.keyStore, { ...limits, name: values.name }, now);
    const object = toApiKeyObject(key, 0, now);
    if (values.json) {
      context.out(JSON.stringify({ ...object, key: secret }, null, 2));
    } else {
      context.out(
        [
          `Created key ${key.id} (${key.name}).`,
          '',
          `  ${secret}`,
          '',
          'This is the only time the key is shown: store it now. Portico keeps only its hash.',
          describeLimits(key),
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    await storage.close();
  }
}

function describeLimits(key: ApiKey): string {
  const parts = [
    `models: ${key.models === null ? 'all' : key.models.join(', ') || '(none)'}`,
    `rpm: ${key.rpm ?? 'unlimited'}`,
    `tpm: ${key.tpm ?? 'unlimited'}`,
    `budget: ${key.budgetUsd === null ? 'none' : `${formatUsd(key.budgetUsd)} ${key.budgetPeriod ?? 'lifetime'}`}`,
    `expires: ${key.expiresAt === null ? 'never' : formatTime(key.expiresAt)}`,
  ];
  return `Limits: ${parts.join('; ')}`;
}

async function list(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const storage = await context.openStorage();
  try {
    const now = context.now();
    const keys = await storage.keyStore.list();
    const objects = await Promise.all(keys.map(async (key) => toApiKeyObject(key, await currentSpend(storage.ledger, key, now), now)));
    if (values.json) {
      context.out(JSON.stringify({ object: 'list', data: objects }, null, 2));
      return 0;
    }
    if (objects.length === 0) {
      context.out("No keys yet. Create one with 'portico keys create --name <name>'.");
      return 0;
    }
    const rows = objects.map((o, i) => [
      o.id,
      o.name,
      `${o.prefix}…`,
      o.status,
      o.rpm === null ? '-' : String(o.rpm),
      o.tpm === null ? '-' : String(o.tpm),
      o.budget_usd === null ? '-' : `${formatUsd(o.budget_usd)}${o.budget_period ? `/${o.budget_period === 'daily' ? 'day' : 'month'}` : ''}`,
      formatUsd(o.spend_usd),
      o.models === null ? '*' : o.models.join(','),
      formatTime(keys[i].createdAt),
    ]);
    context.out(formatTable(['ID', 'NAME', 'PREFIX', 'STATUS', 'RPM', 'TPM', 'BUDGET', 'SPEND', 'MODELS', 'CREATED'], rows));
    return 0;
  } finally {
    await storage.close();
  }
}

async function revoke(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new CliUsageError('expected exactly one key id');
  const storage = await context.openStorage();
  try {
    const now = context.now();
    const key = await storage.keyStore.revoke(positionals[0], now);
    if (key === null) {
      context.err(`portico keys revoke: no key with id '${positionals[0]}'`);
      return 1;
    }
    if (values.json) context.out(JSON.stringify({ ...toApiKeyObject(key, await currentSpend(storage.ledger, key, now), now), deleted: true }, null, 2));
    else context.out(`Revoked ${key.id} (${key.name}) at ${formatTime(key.revokedAt)}.`);
    return 0;
  } finally {
    await storage.close();
  }
}

const SUBCOMMANDS: Record<string, (args: string[], context: CliContext) => Promise<number>> = { create, list, revoke };

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'create, list and revoke virtual API keys',
  help: HELP,
  async run(args, context) {
    const [sub, ...rest] = args;
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!handler) throw new CliUsageError(sub === undefined ? 'missing subcommand (create, list or revoke)' : `unknown subcommand '${sub}'`);
    return handler(rest, context);
  },
};
