/**
 * `portico usage export`: every ledger record matching the filters, oldest first, as CSV or JSON
 * Lines. Pages through the ledger (keyset, `UsageLedger.page`) and waits for the output to drain
 * after each page, so memory stays at one page whatever the ledger's size.
 */
import { parseArgs } from 'node:util';
import { parseTimestamp } from '../../domain/api-keys/parse-timestamp.ts';
import type { UsageCursor, UsageQuery } from '../../domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { toRequestObject } from '../../domain/usage/usage-view.ts';
import { createProgress, type Progress } from '../../observability/progress.ts';
import { CliUsageError, type CliCommand, type CliStream } from '../command.ts';
import { csvRow } from '../csv.ts';
import { fileSink, streamSink, type WriteSink } from '../write-sink.ts';

const HELP = `Usage: portico usage export [options]

  Every usage ledger record matching the filters, oldest first, one row per request, with the
  fields of GET /admin/requests (snake_case). The ledger is read in pages, so memory stays flat.
  Progress goes to stderr when stderr is a terminal (and the data is not going to that terminal).

      --format <f>             csv (default: header row, RFC 4180 quoting) | jsonl (one JSON object per line)
      --key-id <id>            only this key
      --since <time>           from (inclusive); ISO 8601 or unix seconds
      --until <time>           to (exclusive); ISO 8601 or unix seconds
      --out <file>             write to this file (put in place only once complete) instead of stdout

  Records are written when a request ends but ordered by when it started: for a complete export
  of a period, export one that has ended (--until).`;

/** The admin API's request fields, in its order: the CSV header (a template record, never output). */
const COLUMNS = Object.keys(
  toRequestObject({
    requestId: '', keyId: null, createdAt: 0, modelRequested: '', modelServed: '', inputTokens: 0, cacheReadTokens: 0,
    cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0, latencyMs: 0, ttftMs: null,
    status: 0, errorCode: null, cancelled: false, stream: false, choices: 0, upstreamRequestId: null, rawUsage: null,
  }),
);

type Format = 'csv' | 'jsonl';

function encode(format: Format, records: UsageRecord[]): string {
  let text = '';
  for (const record of records) {
    const object = toRequestObject(record);
    text += format === 'jsonl' ? `${JSON.stringify(object)}\n` : csvRow(COLUMNS.map((column) => object[column]));
  }
  return text;
}

/** A stream that is not a terminal: createProgress then draws nothing. */
const SILENT: CliStream = { isTTY: false, write: () => true };

export function createUsageExportCommand(options: { pageSize?: number } = {}): CliCommand {
  const pageSize = options.pageSize ?? 1000;
  return {
    name: 'export',
    summary: 'every ledger record (oldest first) as CSV or JSON Lines',
    help: HELP,
    async run(args, context) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          format: { type: 'string' },
          'key-id': { type: 'string' },
          since: { type: 'string' },
          until: { type: 'string' },
          out: { type: 'string' },
        },
      });
      if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'jsonl') throw new CliUsageError('--format must be csv or jsonl');
      if (values.out === '') throw new CliUsageError('--out needs a file name');
      const query: UsageQuery = {};
      if (values['key-id']) query.keyId = values['key-id'];
      if (values.since) query.since = parseTimestamp(values.since, 'since');
      if (values.until) query.until = parseTimestamp(values.until, 'until');

      const outPath = values.out;
      // Progress and data on one terminal would garble each other: no progress then.
      const progressStream = outPath === undefined && context.stdout.isTTY === true ? SILENT : context.stderr;
      const storage = await context.openStorage();
      let sink: WriteSink | null = null;
      let progress: Progress | null = null;
      try {
        const total = (await storage.ledger.totals(query)).requests;
        sink = outPath === undefined ? streamSink(context.stdout) : await fileSink(outPath);
        progress = createProgress({ stream: progressStream, label: 'exporting usage', unit: 'records', total, clock: context.now });
        if (format === 'csv') await sink.write(csvRow(COLUMNS));
        let done = 0;
        let after: UsageCursor | undefined;
        for (;;) {
          const page = await storage.ledger.page(query, { limit: pageSize, after });
          if (page.records.length > 0) await sink.write(encode(format, page.records));
          done += page.records.length;
          progress.update(done, Math.max(total, done));
          if (page.next === null) break;
          after = page.next;
        }
        await sink.commit();
        sink = null;
        progress.finish(outPath === undefined ? undefined : `-> ${outPath}`);
        if (outPath !== undefined && progressStream.isTTY !== true) context.err(`exported ${done} records to ${outPath}`);
        return 0;
      } catch (error) {
        progress?.finish('(stopped)');
        // `portico usage export | head`: the reader left; that is not a failure of the export.
        if ((error as { code?: string }).code === 'EPIPE') return 0;
        throw error;
      } finally {
        await sink?.abort();
        await storage.close();
      }
    },
  };
}

export const usageExportCommand = createUsageExportCommand();
