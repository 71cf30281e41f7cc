import { parseArgs } from 'node:util';
import { parseTimestamp } from '../../domain/api-keys/parse-timestamp.ts';
import type { UsageQuery, UsageTotals } from '../../domain/usage/usage-ledger.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { formatTable, formatUsd } from '../format-table.ts';
import { usageExportCommand } from './usage-export.ts';

const HELP = `Usage: portico usage [options]

  Totals from the usage ledger (one record per request).

      --key-id <id>            only this key
      --since <time>           from (inclusive); ISO 8601 or unix seconds
      --until <time>           to (exclusive); ISO 8601 or unix seconds
      --group-by <g>           model | day | key
      --json                   print the same JSON as GET /admin/usage

  portico usage export [--format csv|jsonl] [--key-id <id>] [--since <t>] [--until <t>] [--out <file>]
      every record, oldest first ('portico usage export --help')`;

const GROUP_FIELD = { model: 'model', day: 'day', key: 'key_id' } as const;

function totalsLines(totals: UsageTotals): string[] {
  return [
    `requests           ${totals.requests} (${totals.errors} errors, ${totals.cancelled} cancelled)`,
    `prompt tokens      ${totals.prompt_tokens} (uncached ${totals.input_tokens}, cache read ${totals.cache_read_tokens}, cache write ${totals.cache_write_tokens})`,
    `completion tokens  ${totals.completion_tokens} (reasoning ${totals.reasoning_tokens})`,
    `cost               ${formatUsd(totals.cost_usd)}`,
  ];
}

export const usageCommand: CliCommand = {
  name: 'usage',
  summary: 'usage totals (requests, tokens, cost), optionally per model/day/key',
  help: HELP,
  subcommands: [usageExportCommand],
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'key-id': { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'group-by': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
    const groupBy = values['group-by'];
    if (groupBy !== undefined && !(groupBy in GROUP_FIELD)) throw new CliUsageError('--group-by must be model, day or key');
    const query: UsageQuery = {};
    if (values['key-id']) query.keyId = values['key-id'];
    if (values.since) query.since = parseTimestamp(values.since, 'since');
    if (values.until) query.until = parseTimestamp(values.until, 'until');
    const storage = await context.openStorage();
    try {
      const totals = await storage.ledger.totals(query);
      const groups = groupBy === undefined ? null : await storage.ledger.totalsBy(query, groupBy as keyof typeof GROUP_FIELD);
      if (values.json) {
        const field = groupBy === undefined ? null : GROUP_FIELD[groupBy as keyof typeof GROUP_FIELD];
        const head = {
          object: 'usage',
          key_id: query.keyId ?? null,
          since: query.since === undefined ? null : Math.floor(query.since / 1000),
          until: query.until === undefined ? null : Math.floor(query.until / 1000),
          ...totals,
        };
        context.out(JSON.stringify(groups === null || field === null ? head : { ...head, group_by: groupBy, data: groups.map(({ group, ...rest }) => ({ [field]: group, ...rest })) }, null, 2));
        return 0;
      }
      const lines = totalsLines(totals);
      if (groups !== null) {
        lines.push('');
        lines.push(
          formatTable(
            [(groupBy as string).toUpperCase(), 'REQUESTS', 'PROMPT', 'COMPLETION', 'CACHE READ', 'CACHE WRITE', 'COST'],
            groups.map((g) => [g.group, String(g.requests), String(g.prompt_tokens), String(g.completion_tokens), String(g.cache_read_tokens), String(g.cache_write_tokens), formatUsd(g.cost_usd)]),
          ),
        );
      }
      context.out(lines.join('\n'));
      return 0;
    } finally {
      await storage.close();
    }
  },
};
