/**
 * How the embedded store makes ledger rows durable.
 *
 * A SQLite commit of one usage row costs ~14 system calls here (two writes per WAL frame for the
 * table, two indexes and the rowid counter, plus the WAL lock dance): ~100 µs on a small VM, the
 * largest single cost of a request at low concurrency (docs/benchmark.md). Group commit shares it
 * only between requests that finish in the same turn of the event loop.
 *
 * The gateway therefore journals: each group commit is ONE append to `portico-ledger.journal`
 * (plus an fdatasync under synchronous=FULL), which is as durable as the SQLite commit it
 * replaces (a write that returned survives a process crash; with the fdatasync, power loss too).
 * The rows are then applied to the tables in batches, off the request's path, and the database
 * records how far it has applied (generation, seq, byte offset) in the same transaction. Every
 * read first applies what is pending, so reads see every acknowledged row; budget checks add the
 * pending rows' spend instead (no apply on the hot path).
 *
 * One process owns the journal (an exclusive SQLite lock on `portico-ledger.lock`, released by the
 * OS if the process dies). Any other process on the same data directory (the CLI, a second
 * gateway) writes directly, and before each read applies journal lines the owner has not applied
 * yet, so it is exact too. At start the owner applies whatever a crashed predecessor left, then
 * starts a new generation; lines at or below the recorded position are never applied twice.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { dailySpendOf, firstWholeDayFrom, LEDGER_COLUMNS, type LedgerRow } from '../sql/ledger-rows.ts';
import { utcDayOf } from '../../domain/usage/usage-totals.ts';
import { encodeEntry, JournalFile, type JournalEntry } from './ledger-journal-file.ts';

export interface SqliteLedgerWriter {
  /** True when rows go through the journal (this process owns it). */
  readonly journaled: boolean;
  /** Durable when it returns (throws if not). */
  write(rows: LedgerRow[]): void;
  /** Afterwards the tables hold every acknowledged row (reads call it first). */
  catchUp(): void;
  /** USD a key spent since `since`, including rows not yet applied. */
  spendSince(keyId: string, since: number): number;
  /** Applies what is pending and lets go of the journal and its lock. */
  close(): void;
}

export interface SqliteLedgerWriterOptions {
  /** Where the journal and its lock live (the data dir); undefined for an in-memory database. */
  dir?: string;
  /** Own the journal if no other process does (the gateway); otherwise commit directly. */
  journal: boolean;
  /** FULL: fdatasync each append. */
  synchronous?: 'NORMAL' | 'FULL';
  onWarning?: (message: string) => void;
  /** Apply once this many rows are pending (default 32)... */
  applyAtRows?: number;
  /** ...or this long after the first pending row (default 25 ms). */
  applyAfterMs?: number;
  /** Start a new generation (truncate the journal) once it is this large and fully applied (default 8 MiB). */
  rotateAtBytes?: number;
}

export const JOURNAL_FILE = 'portico-ledger.journal';
export const JOURNAL_LOCK_FILE = 'portico-ledger.lock';

interface Position {
  generation: number;
  seq: number;
  offset: number;
}

const after = (entry: JournalEntry, position: Position): boolean =>
  entry.generation > position.generation || (entry.generation === position.generation && entry.seq > position.seq);

/** The prepared statements both writers use (prepared once: per-call compilation was a visible cost). */
class LedgerStatements {
  private readonly insertRecord;
  private readonly upsertSpend;
  private readonly selectPosition;
  private readonly updatePosition;
  private readonly spendWhole;
  private readonly spendPartial;

  constructor(readonly db: Database.Database) {
    this.insertRecord = db.prepare(
      `insert into usage_records (${LEDGER_COLUMNS.join(', ')}) values (${LEDGER_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertSpend = db.prepare(
      'insert into usage_daily_spend (key_id, day, cost_usd, requests) values (?, ?, ?, ?) ' +
        'on conflict (key_id, day) do update set cost_usd = usage_daily_spend.cost_usd + excluded.cost_usd, ' +
        'requests = usage_daily_spend.requests + excluded.requests',
    );
    this.selectPosition = db.prepare('select generation, seq, byte_offset as "offset" from ledger_journal_position where id = 1');
    this.updatePosition = db.prepare('update ledger_journal_position set generation = ?, seq = ?, byte_offset = ? where id = 1');
    this.spendWhole = db.prepare('select coalesce(sum(cost_usd), 0) as spend from usage_daily_spend where key_id = ? and day >= ?').pluck();
    this.spendPartial = db
      .prepare('select coalesce(sum(cost_usd), 0) as spend from usage_records where key_id = ? and created_at >= ? and created_at < ?')
      .pluck();
  }

  /** The rows and their daily rollup (inside the caller's transaction). */
  insert(rows: readonly LedgerRow[]): void {
    for (const row of rows) this.insertRecord.run(...LEDGER_COLUMNS.map((column) => row[column]));
    for (const entry of dailySpendOf(rows)) this.upsertSpend.run(entry.key_id, entry.day, entry.cost_usd, entry.requests);
  }

  position(): Position {
    return this.selectPosition.get() as Position;
  }

  setPosition(position: Position): void {
    this.updatePosition.run(position.generation, position.seq, position.offset);
  }

  /** Same arithmetic as SqlUsageLedger.spendSince: whole days from the rollup, the rest from records. */
  spend(keyId: string, since: number): number {
    const firstWholeDay = firstWholeDayFrom(since);
    let spend = Number(this.spendWhole.get(keyId, utcDayOf(firstWholeDay)));
    if (firstWholeDay !== since) spend += Number(this.spendPartial.get(keyId, since, firstWholeDay));
    return spend;
  }

  /**
   * Applies journal lines past the recorded position (a process that does not own the journal,
   * or the owner recovering at start). Inside one write transaction, so two processes never
   * apply the same line. Returns what it read.
   */
  applyJournal(file: JournalFile, fromStart: boolean): { applied: number; end: number; damaged: boolean; generation: number } {
    const position = this.position();
    const start = fromStart || file.size() < position.offset ? 0 : position.offset;
    const read = file.read(start);
    const fresh = read.entries.filter((entry) => after(entry, position));
    this.insert(fresh.map((entry) => entry.row));
    const last = fresh.at(-1);
    let generation = position.generation;
    for (const entry of read.entries) if (entry.generation > generation) generation = entry.generation;
    // read.end is where the whole lines scanned end: after a truncation the database never keeps
    // pointing past the file (which would rescan it from 0 on every read).
    this.setPosition(last ? { generation: last.generation, seq: last.seq, offset: read.end } : { ...position, offset: read.end });
    return { applied: fresh.length, end: read.end, damaged: read.damaged, generation };
  }
}

/** One transaction per group commit; reads first apply what the journal's owner (another process) has not. */
class DirectWriter implements SqliteLedgerWriter {
  readonly journaled = false;
  private readonly commit: (rows: LedgerRow[]) => void;
  private readonly catchUpTx: (file: JournalFile) => void;

  constructor(
    private readonly statements: LedgerStatements,
    private readonly journalPath: string | null,
  ) {
    this.commit = statements.db.transaction((rows: LedgerRow[]) => statements.insert(rows));
    const apply = statements.db.transaction((file: JournalFile) => void statements.applyJournal(file, false));
    this.catchUpTx = (file) => apply.immediate(file);
  }

  write(rows: LedgerRow[]): void {
    this.commit(rows);
  }

  catchUp(): void {
    if (this.journalPath === null) return;
    const size = statSync(this.journalPath, { throwIfNoEntry: false })?.size;
    if (size === undefined || size === this.statements.position().offset) return;
    const file = JournalFile.open(this.journalPath, 'r');
    try {
      this.catchUpTx(file);
    } finally {
      file.close();
    }
  }

  spendSince(keyId: string, since: number): number {
    this.catchUp();
    return this.statements.spend(keyId, since);
  }

  close(): void {}
}

/** The journal's owner: one append per group commit, batched applies, pending rows in memory. */
class JournaledWriter implements SqliteLedgerWriter {
  readonly journaled = true;
  private pending: JournalEntry[] = [];
  /** The last seq appended in this generation, and the journal's length in bytes. */
  private seq = 0;
  private offset = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private closed = false;
  private readonly applyTx: (entries: JournalEntry[], next: Position) => number;
  private readonly readSpend: (keyId: string, since: number) => { spend: number; position: Position };

  constructor(
    private readonly statements: LedgerStatements,
    private readonly file: JournalFile,
    private readonly lock: Database.Database,
    private generation: number,
    private readonly options: Required<Pick<SqliteLedgerWriterOptions, 'applyAtRows' | 'applyAfterMs' | 'rotateAtBytes'>> & {
      sync: boolean;
      onWarning: (message: string) => void;
    },
  ) {
    const db = statements.db;
    this.applyTx = db.transaction((entries: JournalEntry[], next: Position) => {
      const position = statements.position();
      const fresh = entries.filter((entry) => after(entry, position));
      statements.insert(fresh.map((entry) => entry.row));
      statements.setPosition(next);
      return fresh.length;
    });
    // One read transaction: the position and the sums come from the same snapshot.
    this.readSpend = db.transaction((keyId: string, since: number) => ({ spend: statements.spend(keyId, since), position: statements.position() }));
  }

  write(rows: LedgerRow[]): void {
    if (this.closed) throw new Error('the ledger journal is closed');
    const entries: JournalEntry[] = [];
    let text = '';
    for (const row of rows) {
      const entry = { generation: this.generation, seq: ++this.seq, row };
      entries.push(entry);
      text += encodeEntry(entry.generation, entry.seq, row);
    }
    try {
      this.offset += this.file.append(text, this.options.sync);
    } catch (error) {
      // A partial line would glue itself to the next one: cut the file back to the last whole line.
      try {
        this.file.truncate(this.offset, false);
      } catch {
        // The next start stops at the damaged line and warns.
      }
      throw error;
    }
    for (const entry of entries) this.pending.push(entry);
    this.schedule();
  }

  /** After the responses of this turn went out (setImmediate), or a little later at low load. */
  private schedule(): void {
    if (this.pending.length >= this.options.applyAtRows) {
      this.immediate ??= setImmediate(() => this.applyPending());
      return;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => this.applyPending(), this.options.applyAfterMs);
      this.timer.unref();
    }
  }

  private applyPending(): void {
    try {
      this.catchUp();
    } catch (error) {
      // The rows stay durable in the journal and pending in memory; the next write or read retries.
      this.options.onWarning(`could not apply the ledger journal to the database (will retry): ${(error as Error).message}`);
    }
  }

  catchUp(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    const last = entries.at(-1)!;
    const rotate = this.offset >= this.options.rotateAtBytes;
    this.applyTx(entries, rotate ? { generation: this.generation + 1, seq: 0, offset: 0 } : { generation: last.generation, seq: last.seq, offset: this.offset });
    this.pending = [];
    if (rotate) this.startGeneration(this.generation + 1);
  }

  /** The database already records `generation` at offset 0: the old lines can go. */
  private startGeneration(generation: number): void {
    this.generation = generation;
    this.seq = 0;
    this.offset = 0;
    this.file.truncate(0, this.options.sync);
  }

  spendSince(keyId: string, since: number): number {
    const { spend, position } = this.readSpend(keyId, since);
    let pending = 0;
    for (const entry of this.pending) {
      if (entry.row.key_id === keyId && entry.row.created_at >= since && after(entry, position)) pending += entry.row.cost_usd;
    }
    return spend + pending;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.catchUp();
      // Leave an empty journal behind: the next owner has nothing to replay. (If the apply above
      // failed, the lines stay for the next start.)
      this.statements.db.transaction(() => this.statements.setPosition({ generation: this.generation + 1, seq: 0, offset: 0 }))();
      this.startGeneration(this.generation + 1);
    } finally {
      this.file.close();
      this.lock.close();
    }
  }

  /** At start: apply what a previous owner left, then a new, empty generation. */
  static open(statements: LedgerStatements, file: JournalFile, lock: Database.Database, options: JournaledWriter['options']): JournaledWriter {
    const db = statements.db;
    const size = file.size();
    const recovered = db
      .transaction(() => {
        const result = statements.applyJournal(file, true);
        statements.setPosition({ generation: result.generation + 1, seq: 0, offset: 0 });
        return result;
      })
      .immediate();
    if (recovered.applied > 0) options.onWarning(`applied ${recovered.applied} ledger rows left in the journal by a previous run`);
    if (recovered.end < size) {
      options.onWarning(
        `dropped ${size - recovered.end} bytes at the end of the ledger journal (${recovered.damaged ? 'damaged' : 'an unfinished write'}; never acknowledged to a client)`,
      );
    }
    const writer = new JournaledWriter(statements, file, lock, recovered.generation + 1, options);
    file.truncate(0, options.sync);
    return writer;
  }
}

/** An exclusive lock held for the connection's life (the OS drops it if the process dies). */
function tryLock(path: string): Database.Database | null {
  const lock = new Database(path);
  try {
    lock.pragma('busy_timeout = 0');
    lock.pragma('journal_mode = MEMORY'); // nothing is ever written: no `-journal` file next to it
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
}

export function openSqliteLedgerWriter(db: Database.Database, options: SqliteLedgerWriterOptions): SqliteLedgerWriter {
  const statements = new LedgerStatements(db);
  if (options.dir === undefined) return new DirectWriter(statements, null);
  const journalPath = join(options.dir, JOURNAL_FILE);
  const onWarning = options.onWarning ?? (() => {});
  if (!options.journal) return new DirectWriter(statements, journalPath);
  const lock = tryLock(join(options.dir, JOURNAL_LOCK_FILE));
  if (lock === null) {
    onWarning('another process owns the ledger journal of this data directory: this one commits each group of ledger rows directly (slower)');
    return new DirectWriter(statements, journalPath);
  }
  let file: JournalFile | null = null;
  try {
    file = JournalFile.open(journalPath, 'a+');
    return JournaledWriter.open(statements, file, lock, {
      applyAtRows: options.applyAtRows ?? 32,
      applyAfterMs: options.applyAfterMs ?? 25,
      rotateAtBytes: options.rotateAtBytes ?? 8 * 1024 * 1024,
      sync: options.synchronous === 'FULL',
      onWarning,
    });
  } catch (error) {
    file?.close();
    lock.close();
    throw error;
  }
}
