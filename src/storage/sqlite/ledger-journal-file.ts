/**
 * The embedded ledger's journal file: one line per usage record, appended with a single write per
 * group commit (and an fdatasync when the store runs synchronous=FULL). A line is
 * `[generation, seq, ...LEDGER_COLUMNS values]` in JSON. (generation, seq) grows strictly, so
 * applying a line twice is detectable whatever the file went through (a lost truncation after a
 * power cut, a line another process applied first): sqlite-ledger-writer.ts skips anything at or
 * below the position the database recorded.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { LEDGER_COLUMNS, type LedgerRow } from '../sql/ledger-rows.ts';

export interface JournalEntry {
  generation: number;
  seq: number;
  row: LedgerRow;
}

export interface JournalRead {
  entries: JournalEntry[];
  /** Byte offset just after the last well-formed line read. */
  end: number;
  /** A line (not the unfinished last one) did not parse: a torn or zeroed tail after a crash. */
  damaged: boolean;
}

const WIDTH = LEDGER_COLUMNS.length + 2;
const NEWLINE = 0x0a;

export function encodeEntry(generation: number, seq: number, row: LedgerRow): string {
  const values: unknown[] = [generation, seq];
  for (const column of LEDGER_COLUMNS) values.push(row[column]);
  return `${JSON.stringify(values)}\n`;
}

function decodeEntry(line: string): JournalEntry | null {
  let values: unknown;
  try {
    values = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(values) || values.length !== WIDTH) return null;
  const [generation, seq] = values as [unknown, unknown];
  if (!Number.isSafeInteger(generation) || !Number.isSafeInteger(seq)) return null;
  const row: Record<string, unknown> = {};
  for (let i = 0; i < LEDGER_COLUMNS.length; i++) row[LEDGER_COLUMNS[i]!] = values[i + 2];
  if (typeof row.request_id !== 'string' || typeof row.created_day !== 'string' || typeof row.cost_usd !== 'number') return null;
  return { generation: generation as number, seq: seq as number, row: row as unknown as LedgerRow };
}

export class JournalFile {
  private constructor(private readonly fd: number) {}

  /** `a+`: the owner (creates the file, appends, truncates). `r`: another process catching up. */
  static open(path: string, mode: 'a+' | 'r'): JournalFile {
    return new JournalFile(openSync(path, mode, 0o600));
  }

  size(): number {
    return fstatSync(this.fd).size;
  }

  /** Appends every byte (O_APPEND: always at the end); durable against power loss too when `sync`. */
  append(text: string, sync: boolean): number {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    if (sync) fdatasyncSync(this.fd);
    return bytes.length;
  }

  /** Whole lines from `from` to the current end (an unfinished last line is left for later). */
  read(from: number): JournalRead {
    const size = this.size();
    const entries: JournalEntry[] = [];
    if (size <= from) return { entries, end: from, damaged: false };
    const bytes = Buffer.allocUnsafe(size - from);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.fd, bytes, got, bytes.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    let start = 0;
    let damaged = false;
    while (start < got) {
      const newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1 || newline >= got) break;
      const entry = decodeEntry(bytes.toString('utf8', start, newline));
      if (entry === null) {
        damaged = true;
        break;
      }
      entries.push(entry);
      start = newline + 1;
    }
    return { entries, end: from + start, damaged };
  }

  truncate(length: number, sync: boolean): void {
    ftruncateSync(this.fd, length);
    if (sync) fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
