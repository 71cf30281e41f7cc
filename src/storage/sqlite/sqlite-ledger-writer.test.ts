import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sampleRecord } from '../../../test/contract/usage-ledger.contract.ts';
import { createStorage } from '../create-storage.ts';
import { SqlUsageLedger } from '../sql/sql-usage-ledger.ts';
import { openSqlite, sqliteHandleOf } from './open-sqlite.ts';
import { JOURNAL_FILE, openSqliteLedgerWriter, type SqliteLedgerWriterOptions } from './sqlite-ledger-writer.ts';

let dir: string;
const open: Array<() => Promise<void>> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-journal-'));
});
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

/** A ledger on `dir` whose writer owns the journal if it can; applies only when told (or when read). */
async function ledgerOn(options: Partial<SqliteLedgerWriterOptions> = {}) {
  const db = await openSqlite({ path: join(dir, 'portico.db') });
  const warnings: string[] = [];
  const writer = openSqliteLedgerWriter(sqliteHandleOf(db)!, {
    dir,
    journal: true,
    applyAtRows: 1_000_000,
    applyAfterMs: 3_600_000,
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  const ledger = new SqlUsageLedger(db, undefined, writer);
  const handle = sqliteHandleOf(db)!;
  const close = async () => {
    await ledger.close();
    await db.destroy();
  };
  open.push(close);
  /** Rows in the table, read without catching up (what a plain SQL reader would see). */
  const tableRows = () => (handle.prepare('select count(*) from usage_records').pluck().get() as number);
  const position = () => handle.prepare('select generation, seq, byte_offset from ledger_journal_position').get() as Record<string, number>;
  return { db, ledger, writer, warnings, tableRows, position, close };
}

const journalText = () => {
  try {
    return readFileSync(join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    return ''; // not created: this store never owned a journal
  }
};
const journalLines = () => journalText().split('\n').filter(Boolean);

describe('ledger journal (embedded store)', () => {
  it('makes a record durable with one journal line; the tables get it in a later batch, and every read sees it', async () => {
    const { ledger, writer, tableRows, position } = await ledgerOn();
    assert.equal(writer.journaled, true);
    await ledger.record(sampleRecord({ requestId: 'req_j1', keyId: 'key_j', costUsd: 0.25 }));
    await ledger.record(sampleRecord({ requestId: 'req_j2', keyId: 'key_j', costUsd: 0.5 }));
    assert.equal(journalLines().length, 2);
    assert.equal(tableRows(), 0, 'not applied yet');
    // Budgets count pending rows without applying them.
    assert.equal(await ledger.spendSince('key_j', 0), 0.75);
    assert.equal(tableRows(), 0);
    // Any other read applies first.
    assert.equal((await ledger.totals({ keyId: 'key_j' })).requests, 2);
    assert.equal(tableRows(), 2);
    assert.deepEqual(
      (await ledger.recent(10, 'key_j')).map((r) => r.requestId).sort(),
      ['req_j1', 'req_j2'],
    );
    const at = position();
    assert.equal(at.seq, 2);
    assert.equal(at.byte_offset, statSync(join(dir, JOURNAL_FILE)).size);
    assert.equal(await ledger.spendSince('key_j', 0), 0.75, 'applied rows are not counted twice');
  });

  it('a large pending set (75 rows) is applied by one read with every row and value intact', async () => {
    const { ledger, tableRows, db } = await ledgerOn();
    const records = Array.from({ length: 75 }, (_, i) =>
      sampleRecord({ requestId: `req_many_${i}`, keyId: i % 2 === 0 ? 'key_even' : 'key_odd', costUsd: (i + 1) / 1000, outputTokens: i, errorCode: i === 40 ? 'upstream_timeout' : null }),
    );
    await Promise.all(records.map((record) => ledger.record(record)));
    assert.equal(tableRows(), 0, 'not applied yet');
    const totals = await ledger.totals({});
    assert.equal(tableRows(), 75);
    assert.equal(totals.requests, 75);
    const handle = sqliteHandleOf(db)!;
    const stored = handle.prepare('select request_id, key_id, cost_usd, output_tokens, error_code from usage_records order by output_tokens').all() as Array<Record<string, unknown>>;
    assert.deepEqual(
      stored,
      records.map((r) => ({ request_id: r.requestId, key_id: r.keyId, cost_usd: r.costUsd, output_tokens: r.outputTokens, error_code: r.errorCode })),
    );
    const evenSpend = records.filter((r) => r.keyId === 'key_even').reduce((sum, r) => sum + r.costUsd, 0);
    assert.ok(Math.abs((await ledger.spendSince('key_even', 0)) - evenSpend) < 1e-12);
  });

  it('applies in batches by row count and by time, off the request path', async () => {
    const { ledger, tableRows } = await ledgerOn({ applyAtRows: 3, applyAfterMs: 20 });
    for (let i = 0; i < 3; i++) await ledger.record(sampleRecord({ keyId: 'key_b' }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(tableRows(), 3, 'a full batch is applied on the next turn');
    await ledger.record(sampleRecord({ keyId: 'key_b' }));
    assert.equal(tableRows(), 3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(tableRows(), 4, 'a partial batch is applied after applyAfterMs');
  });

  it('close applies everything and leaves an empty journal; the next owner has nothing to replay', async () => {
    const first = await ledgerOn();
    for (let i = 0; i < 5; i++) await first.ledger.record(sampleRecord({ keyId: 'key_c', costUsd: 1 }));
    await first.close();
    open.length = 0;
    assert.equal(journalText(), '');
    const second = await ledgerOn();
    assert.deepEqual(second.warnings, []);
    assert.equal(second.tableRows(), 5);
    assert.equal(await second.ledger.spendSince('key_c', 0), 5);
  });

  it('a process killed before applying loses nothing: the next owner applies its journal, once', async () => {
    const script = join(dir, 'crash.mts'); // .mts: an ES module outside the repo's package.json (top-level await)
    writeFileSync(
      script,
      `import { createStorage } from ${JSON.stringify(new URL('../create-storage.ts', import.meta.url).pathname)};
import { sampleRecord } from ${JSON.stringify(new URL('../../../test/contract/usage-ledger.contract.ts', import.meta.url).pathname)};
const storage = await createStorage({ dataDir: ${JSON.stringify(dir)}, ledgerJournal: true });
for (let i = 0; i < 7; i++) await storage.ledger.record(sampleRecord({ requestId: 'req_crash_' + i, keyId: 'key_k', costUsd: 0.5 }));
process.kill(process.pid, 'SIGKILL');
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    assert.equal(journalLines().length, 7);

    const warnings: string[] = [];
    const storage = await createStorage({ dataDir: dir, ledgerJournal: true, onWarning: (m) => warnings.push(m) });
    open.push(() => storage.close());
    assert.deepEqual(warnings, ['applied 7 ledger rows left in the journal by a previous run']);
    assert.equal((await storage.ledger.totals({ keyId: 'key_k' })).requests, 7);
    assert.equal(await storage.ledger.spendSince('key_k', 0), 3.5);
    assert.equal(journalText(), '', 'a new generation starts empty');
    await storage.close();
    open.length = 0;
    const again = await createStorage({ dataDir: dir, ledgerJournal: true });
    open.push(() => again.close());
    assert.equal((await again.ledger.totals({ keyId: 'key_k' })).requests, 7, 'not applied twice');
  });

  it('drops an unfinished last line (never acknowledged) with a warning and keeps the rest', async () => {
    const first = await ledgerOn();
    await first.ledger.record(sampleRecord({ requestId: 'req_whole', keyId: 'key_t' }));
    const whole = journalText();
    // Simulate a crash after close() would have run: put the unapplied line back, plus a torn one.
    await first.close();
    open.length = 0;
    const db = await openSqlite({ path: join(dir, 'portico.db') });
    sqliteHandleOf(db)!.exec('delete from usage_records; update ledger_journal_position set generation = 0, seq = 0, byte_offset = 0');
    await db.destroy();
    writeFileSync(join(dir, JOURNAL_FILE), whole);
    appendFileSync(join(dir, JOURNAL_FILE), whole.slice(0, 40));
    const second = await ledgerOn();
    assert.equal(second.tableRows(), 1);
    assert.equal(second.warnings.length, 2);
    assert.match(second.warnings[1]!, /^dropped 40 bytes at the end of the ledger journal \(an unfinished write; never acknowledged to a client\)$/);
  });

  it('another process on the same data dir commits directly and still reads rows the owner has not applied', async () => {
    const owner = await ledgerOn();
    await owner.ledger.record(sampleRecord({ requestId: 'req_o1', keyId: 'key_s', costUsd: 2 }));
    await owner.ledger.record(sampleRecord({ requestId: 'req_o2', keyId: 'key_s', costUsd: 2 }));
    // Same process here, but the lock works the same way between processes (SQLite's POSIX locks).
    const other = await ledgerOn();
    assert.equal(other.writer.journaled, false);
    assert.match(other.warnings[0]!, /another process owns the ledger journal/);
    await other.ledger.record(sampleRecord({ requestId: 'req_x1', keyId: 'key_s', costUsd: 1 }));
    assert.equal((await other.ledger.totals({ keyId: 'key_s' })).requests, 3, "the owner's journal tail is applied first");
    assert.equal(await other.ledger.spendSince('key_s', 0), 5);
    // The owner's own apply skips what the other process applied: nothing is counted twice.
    assert.equal(await owner.ledger.spendSince('key_s', 0), 5);
    assert.equal((await owner.ledger.totals({ keyId: 'key_s' })).requests, 3);
    await owner.ledger.record(sampleRecord({ requestId: 'req_o3', keyId: 'key_s', costUsd: 2 }));
    assert.equal((await other.ledger.totals({ keyId: 'key_s' })).cost_usd, 7);
    assert.equal((await owner.ledger.totals({ keyId: 'key_s' })).cost_usd, 7);
  });

  it('a reader that finds the journal shorter than the recorded offset rescans it once, then records its real end', async () => {
    const first = await ledgerOn();
    await first.ledger.record(sampleRecord({ requestId: 'req_short', keyId: 'key_o' }));
    await first.close();
    open.length = 0;
    // As after a crash between truncating the journal and recording that: the database points past it.
    const db = await openSqlite({ path: join(dir, 'portico.db') });
    sqliteHandleOf(db)!.exec('update ledger_journal_position set byte_offset = 1000000');
    await db.destroy();
    const reader = await ledgerOn({ journal: false });
    writeFileSync(join(dir, JOURNAL_FILE), '');
    assert.equal((await reader.ledger.totals({ keyId: 'key_o' })).requests, 1);
    assert.equal(reader.position().byte_offset, 0);
  });

  it('starts a new generation once the journal is large and applied; lines of an older generation are never replayed', async () => {
    const { ledger, position } = await ledgerOn({ rotateAtBytes: 1024 });
    for (let i = 0; i < 6; i++) await ledger.record(sampleRecord({ keyId: 'key_r' }));
    const before = statSync(join(dir, JOURNAL_FILE)).size;
    assert.ok(before >= 1024, `journal is ${before} bytes`);
    assert.equal((await ledger.totals({ keyId: 'key_r' })).requests, 6);
    assert.equal(statSync(join(dir, JOURNAL_FILE)).size, 0);
    const rotated = position();
    assert.deepEqual([rotated.seq, rotated.byte_offset], [0, 0]);
    await ledger.record(sampleRecord({ keyId: 'key_r' }));
    const line = JSON.parse(journalLines()[0]!) as number[];
    assert.deepEqual(line.slice(0, 2), [rotated.generation, 1]);
    assert.equal((await ledger.totals({ keyId: 'key_r' })).requests, 7);
  });

  it('createStorage journals only when asked and not under synchronous=FULL', async () => {
    for (const [options, journaled] of [
      [{}, false],
      [{ ledgerJournal: true }, true],
      [{ ledgerJournal: true, sqliteSynchronous: 'FULL' as const }, false],
    ] as const) {
      const storage = await createStorage({ dataDir: dir, ...options });
      await storage.ledger.record(sampleRecord({ keyId: 'key_f' }));
      const lines = journalText().split('\n').filter(Boolean).length;
      assert.equal(lines, journaled ? 1 : 0, JSON.stringify(options));
      await storage.close();
    }
  });
});
