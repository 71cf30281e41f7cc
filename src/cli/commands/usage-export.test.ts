import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UsageLedger } from '../../domain/usage/usage-ledger.ts';
import type { UsageRecord } from '../../domain/usage/usage-record.ts';
import { toRequestObject } from '../../domain/usage/usage-view.ts';
import { createStorage, type Storage } from '../../storage/create-storage.ts';
import { MemoryUsageLedger } from '../../storage/memory/memory-usage-ledger.ts';
import type { CliContext, CliStream } from '../command.ts';
import { runCli } from '../run-cli.ts';
import { createUsageExportCommand } from './usage-export.ts';
import { usageCommand } from './usage.ts';

const T0 = Date.UTC(2026, 11, 1, 12);

function record(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    requestId: 'req', keyId: 'key_a', createdAt: T0, modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
    inputTokens: 100, cacheReadTokens: 50, cacheWrite5mTokens: 10, cacheWrite1hTokens: 0, outputTokens: 20, reasoningTokens: 0,
    costUsd: 0.25, latencyMs: 100.5, ttftMs: 50, status: 200, errorCode: null, cancelled: false, stream: true, choices: 1,
    upstreamRequestId: null, rawUsage: null,
    ...overrides,
  };
}

/** A stream double: collects text; `isTTY` as given. */
function fakeStream(isTTY: boolean): CliStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (t) => void chunks.push(t), text: () => chunks.join('') };
}

interface Harness {
  context: CliContext;
  stdout: ReturnType<typeof fakeStream>;
  stderr: ReturnType<typeof fakeStream>;
  err: string[];
  pageLimits: number[];
}

/** A context over a ledger; `ledger.page` calls are counted (memory stays at one page). */
function harness(ledger: UsageLedger | (() => Promise<Storage>), options: { stdoutTTY?: boolean; stderrTTY?: boolean } = {}): Harness {
  const stdout = fakeStream(options.stdoutTTY ?? false);
  const stderr = fakeStream(options.stderrTTY ?? false);
  const err: string[] = [];
  const pageLimits: number[] = [];
  const count = (storage: Storage): Storage => {
    const page = storage.ledger.page.bind(storage.ledger);
    storage.ledger.page = async (query, pageOptions) => {
      const result = await page(query, pageOptions);
      pageLimits.push(result.records.length);
      return result;
    };
    return storage;
  };
  const context: CliContext = {
    env: {},
    out: (t) => void stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void err.push(t),
    stdout,
    stderr,
    openStorage: async () => count(typeof ledger === 'function' ? await ledger() : ({ ledger, close: async () => {} } as unknown as Storage)),
    now: () => T0,
  };
  return { context, stdout, stderr, err, pageLimits };
}

/** RFC 4180 reader for the assertions (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}

describe('portico usage export', () => {
  it('writes CSV: the admin API request fields as header, RFC 4180 quoting, CRLF, oldest first', async () => {
    const ledger = new MemoryUsageLedger();
    const tricky = record({ requestId: 'a,"b"\nc\rd', createdAt: T0 + 1, errorCode: 'upstream_server_error', status: 502, ttftMs: null });
    const plain = record({ requestId: 'plain', keyId: null, createdAt: T0 });
    await ledger.record(tricky);
    await ledger.record(plain);
    const h = harness(ledger);
    assert.equal(await createUsageExportCommand().run([], h.context), 0);
    const text = h.stdout.text();
    assert.ok(text.includes('"a,""b""\nc\rd"'), text);
    assert.ok(text.startsWith('request_id,key_id,created_at,created_at_ms,model_requested,model,prompt_tokens,'));
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header, Object.keys(toRequestObject(plain)));
    assert.equal(rows.length, 2);
    const asCsv = (r: UsageRecord) => Object.values(toRequestObject(r)).map((v) => (v === null ? '' : String(v)));
    assert.deepEqual(rows, [asCsv(plain), asCsv(tricky)]);
    assert.equal(rows[0][1], '', 'master-key rows have an empty key_id');
    assert.equal(h.stderr.text(), '', 'no progress on a non-TTY stderr');
    assert.deepEqual(h.err, []);
  });

  it('writes JSON Lines: one admin API request object per line', async () => {
    const ledger = new MemoryUsageLedger();
    const records = [record({ requestId: 'r2', createdAt: T0 + 2 }), record({ requestId: 'r1', createdAt: T0 + 1, modelServed: 'a "quoted"\nmodel' })];
    for (const r of records) await ledger.record(r);
    const h = harness(ledger);
    assert.equal(await createUsageExportCommand().run(['--format', 'jsonl'], h.context), 0);
    const lines = h.stdout.text().split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [toRequestObject(records[1]), toRequestObject(records[0])]);
  });

  it('an empty selection is a CSV header only / no JSON lines', async () => {
    const h = harness(new MemoryUsageLedger());
    assert.equal(await createUsageExportCommand().run([], h.context), 0);
    assert.equal(parseCsv(h.stdout.text()).length, 1);
    const j = harness(new MemoryUsageLedger());
    assert.equal(await createUsageExportCommand().run(['--format', 'jsonl'], j.context), 0);
    assert.equal(j.stdout.text(), '');
  });

  describe('on a temp SQLite store', () => {
    let dataDir: string;
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'portico-export-'));
      const storage = await createStorage({ dataDir });
      // 10 for key_a (one shared request id, as clients may send), 3 master-key rows between them.
      for (let i = 9; i >= 0; i--) await storage.ledger.record(record({ requestId: i === 5 ? 'dup' : `a${i}`, createdAt: T0 + i * 1000 }));
      await storage.ledger.record(record({ requestId: 'dup', createdAt: T0 + 5000, costUsd: 1 }));
      for (let i = 0; i < 3; i++) await storage.ledger.record(record({ requestId: `m${i}`, keyId: null, createdAt: T0 + i * 1000 + 500 }));
      await storage.close();
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));
    const open = () => createStorage({ dataDir });
    const ids = (text: string) => text.trim().split('\n').map((line) => (JSON.parse(line) as { request_id: string }).request_id);

    it('pages through more records than one page holds, in order, each page bounded', async () => {
      const h = harness(open);
      assert.equal(await createUsageExportCommand({ pageSize: 3 }).run(['--format', 'jsonl', '--key-id', 'key_a'], h.context), 0);
      assert.deepEqual(ids(h.stdout.text()), ['a0', 'a1', 'a2', 'a3', 'a4', 'dup', 'dup', 'a6', 'a7', 'a8', 'a9']);
      assert.deepEqual(h.pageLimits, [3, 3, 3, 2]);
    });

    it('applies --key-id, --since (inclusive) and --until (exclusive)', async () => {
      const since = new Date(T0 + 1000).toISOString();
      const until = String((T0 + 3000) / 1000);
      const all = harness(open);
      assert.equal(await createUsageExportCommand({ pageSize: 2 }).run(['--format', 'jsonl', '--since', since, '--until', until], all.context), 0);
      assert.deepEqual(ids(all.stdout.text()), ['a1', 'm1', 'a2', 'm2']);
      const key = harness(open);
      assert.equal(await createUsageExportCommand({ pageSize: 2 }).run(['--format', 'jsonl', '--key-id', 'key_a', '--since', since, '--until', until], key.context), 0);
      assert.deepEqual(ids(key.stdout.text()), ['a1', 'a2']);
    });

    it('draws progress on a TTY stderr only (N/M from the ledger totals), never into the data', async () => {
      const tty = harness(open, { stderrTTY: true });
      assert.equal(await createUsageExportCommand({ pageSize: 4 }).run(['--key-id', 'key_a'], tty.context), 0);
      const progress = tty.stderr.text();
      assert.match(progress, /exporting usage: 4\/11 records \(36%\)/);
      assert.match(progress, /exporting usage: 11\/11 records \(100%\)/);
      assert.ok(progress.endsWith('\n'));
      assert.doesNotMatch(tty.stdout.text(), /exporting/);

      const piped = harness(open, { stderrTTY: false });
      assert.equal(await createUsageExportCommand({ pageSize: 4 }).run(['--key-id', 'key_a'], piped.context), 0);
      assert.equal(piped.stderr.text(), '');
      assert.equal(piped.stdout.text(), tty.stdout.text());

      // Data to the same terminal: progress would garble it.
      const terminal = harness(open, { stdoutTTY: true, stderrTTY: true });
      assert.equal(await createUsageExportCommand({ pageSize: 4 }).run(['--key-id', 'key_a'], terminal.context), 0);
      assert.equal(terminal.stderr.text(), '');
    });

    it('--out writes the file (no partial file left), not stdout', async () => {
      const out = join(dataDir, 'usage.csv');
      const h = harness(open);
      assert.equal(await createUsageExportCommand({ pageSize: 4 }).run(['--out', out], h.context), 0);
      assert.equal(h.stdout.text(), '');
      assert.equal(parseCsv(readFileSync(out, 'utf8')).length, 1 + 14);
      assert.deepEqual(h.err, [`exported 14 records to ${out}`]);
      assert.deepEqual(readdirSync(dataDir).filter((name) => name.endsWith('.partial')), []);
      const tty = harness(open, { stderrTTY: true });
      assert.equal(await createUsageExportCommand().run(['--out', out, '--format', 'jsonl'], tty.context), 0);
      assert.match(tty.stderr.text(), /14\/14 records \(100%\).* -> .*usage\.csv\n$/);
      assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 14);
    });
  });

  it('waits for stdout to drain between pages', async () => {
    const ledger = new MemoryUsageLedger();
    for (let i = 0; i < 5; i++) await ledger.record(record({ requestId: `r${i}`, createdAt: T0 + i }));
    const h = harness(ledger);
    const emitter = new EventEmitter();
    const writes: string[] = [];
    h.context.stdout = {
      write: (t) => (writes.push(t), false),
      once: (event, listener) => emitter.once(event, listener),
      on: (event, listener) => emitter.on(event, listener),
      off: (event, listener) => emitter.off(event, listener),
    };
    const running = createUsageExportCommand({ pageSize: 2 }).run(['--format', 'jsonl'], h.context);
    for (let page = 1; page <= 3; page++) {
      while (emitter.listenerCount('drain') === 0) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(writes.length, page, 'no further write before drain');
      emitter.emit('drain');
    }
    assert.equal(await running, 0);
    assert.equal(writes.join('').trim().split('\n').length, 5);
    assert.equal(emitter.listenerCount('error'), 0, 'error listener released');
  });

  it('stops quietly when the reader goes away (EPIPE: `| head`)', async () => {
    const ledger = new MemoryUsageLedger();
    for (let i = 0; i < 5; i++) await ledger.record(record({ requestId: `r${i}`, createdAt: T0 + i }));
    const h = harness(ledger);
    const emitter = new EventEmitter();
    let writes = 0;
    h.context.stdout = {
      write: () => {
        writes += 1;
        setImmediate(() => emitter.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
        return false;
      },
      once: (event, listener) => emitter.once(event, listener),
      on: (event, listener) => emitter.on(event, listener),
      off: (event, listener) => emitter.off(event, listener),
    };
    assert.equal(await createUsageExportCommand({ pageSize: 2 }).run(['--format', 'jsonl'], h.context), 0);
    assert.equal(writes, 1);
  });

  it('is routed from `portico usage export`, with its own --help; usage errors exit 2', async () => {
    const ledger = new MemoryUsageLedger();
    await ledger.record(record({ requestId: 'x' }));
    const help = harness(ledger);
    assert.equal(await runCli(['usage', 'export', '--help'], [usageCommand], help.context), 0);
    assert.match(help.stdout.text(), /Usage: portico usage export \[options\]/);
    assert.match(help.stdout.text(), /--format <f>/);
    const usageHelp = harness(ledger);
    assert.equal(await runCli(['usage', '--help'], [usageCommand], usageHelp.context), 0);
    assert.match(usageHelp.stdout.text(), /--group-by <g>/);
    assert.match(usageHelp.stdout.text(), /portico usage export/);
    const helpCommand = harness(ledger);
    assert.equal(await runCli(['help', 'usage', 'export'], [usageCommand], helpCommand.context), 0);
    assert.match(helpCommand.stdout.text(), /Usage: portico usage export/);

    const badFormat = harness(ledger);
    assert.equal(await runCli(['usage', 'export', '--format', 'xml'], [usageCommand], badFormat.context), 2);
    assert.match(badFormat.err.join('\n'), /^portico usage export: --format must be csv or jsonl\nRun 'portico usage export --help'/);
    const badSince = harness(ledger);
    assert.equal(await runCli(['usage', 'export', '--since', 'yesterday'], [usageCommand], badSince.context), 2);
    assert.match(badSince.err.join('\n'), /--since/);
    const extra = harness(ledger);
    assert.equal(await runCli(['usage', 'export', 'now'], [usageCommand], extra.context), 2);

    const totals = harness(ledger);
    assert.equal(await runCli(['usage', '--json'], [usageCommand], totals.context), 0);
    assert.equal(JSON.parse(totals.stdout.text()).requests, 1, '`portico usage` itself is unchanged');
  });
});
