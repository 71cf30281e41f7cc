import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from '../sql/migrate.ts';
import type { PorticoDatabase } from '../sql/schema.ts';

export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface OpenSqliteOptions {
  /** File path, or ':memory:'. Parent directories are created. */
  path: string;
  /**
   * WAL + NORMAL (default): a committed ledger row survives a process crash (kill -9, OOM); the
   * last commits may roll back on power loss or an OS crash. WAL + FULL: survives those too, at an
   * fsync per commit (shared by concurrent requests through the ledger's group commit). Measured
   * numbers in docs/keys-and-usage.md.
   */
  synchronous?: SqliteSynchronous;
}

const handles = new WeakMap<Kysely<PorticoDatabase>, Database.Database>();

/** The better-sqlite3 handle behind a Kysely instance from openSqlite (hot-path prepared statements). */
export function sqliteHandleOf(db: Kysely<PorticoDatabase>): Database.Database | undefined {
  return handles.get(db);
}

/** Opens (creating on first start) the embedded database and runs migrations. */
export async function openSqlite(options: OpenSqliteOptions): Promise<Kysely<PorticoDatabase>> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = new Database(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  // A second process (the CLI next to a running gateway) waits instead of failing with SQLITE_BUSY.
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<PorticoDatabase>({ dialect: new SqliteDialect({ database }) });
  handles.set(db, database);
  await migrate(db, 'sqlite');
  return db;
}
