import { join } from 'node:path';
import type { KeyStore } from '../domain/api-keys/key-store.ts';
import type { RateLimiter } from '../domain/rate-limit/rate-limiter.ts';
import type { UsageLedger } from '../domain/usage/usage-ledger.ts';
import { MemoryRateLimiter } from './memory/memory-rate-limiter.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import { RedisRateLimiter } from './redis/redis-rate-limiter.ts';
import { SqlKeyStore } from './sql/sql-key-store.ts';
import { SqlUsageLedger } from './sql/sql-usage-ledger.ts';
import { openSqlite, sqliteHandleOf, type SqliteSynchronous } from './sqlite/open-sqlite.ts';
import { openSqliteLedgerWriter } from './sqlite/sqlite-ledger-writer.ts';
import { startWalCheckpointer, type WalCheckpointer } from './sqlite/wal-checkpointer.ts';

export interface StorageOptions {
  /** PORTICO_DATA_DIR; the embedded database is `<dataDir>/portico.db`. */
  dataDir: string;
  /** postgres://… : keys and ledger in Postgres instead of SQLite. */
  databaseUrl?: string;
  /** redis://… : rate limits shared by every replica; otherwise in-process. */
  redisUrl?: string;
  /** Embedded only; default NORMAL (process-crash safe in WAL mode; see docs/keys-and-usage.md). */
  sqliteSynchronous?: SqliteSynchronous;
  /** Postgres schema (default: server search_path). */
  databaseSchema?: string;
  /** Redis key prefix (default `portico:rl:`). */
  redisPrefix?: string;
  /**
   * Embedded only: WAL checkpoints in a worker thread instead of inside a request's commit (the
   * gateway; a short-lived CLI command keeps SQLite's automatic checkpoint). See wal-checkpointer.ts.
   */
  backgroundCheckpoints?: boolean;
  /**
   * Embedded only: own the ledger journal (one append per group commit, rows applied to the
   * tables in batches; see sqlite/sqlite-ledger-writer.ts). The gateway; the CLI commits directly
   * and applies the journal's unapplied tail before it reads.
   */
  ledgerJournal?: boolean;
  /** Problems that do not stop the store (a failed background checkpoint). */
  onWarning?: (message: string) => void;
}

export interface Storage {
  keyStore: KeyStore;
  rateLimiter: RateLimiter;
  ledger: UsageLedger;
  close(): Promise<void>;
  /** e.g. `sqlite:/data/portico.db + memory limits`; never contains credentials. */
  describe: string;
}

/** `postgres://user:secret@host:5432/db` → `postgres://host:5432/db` (for logs). */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable url)';
  }
}

/**
 * Chooses the implementations: SQLite file (default) or Postgres for keys + ledger; Redis or
 * in-process token buckets for limits. Creates/migrates the database on first start.
 */
export async function createStorage(options: StorageOptions): Promise<Storage> {
  const usePostgres = options.databaseUrl !== undefined && options.databaseUrl !== '';
  const sqlitePath = join(options.dataDir, 'portico.db');
  const db = usePostgres
    ? await openPostgres({ url: options.databaseUrl as string, schema: options.databaseSchema })
    : await openSqlite({ path: sqlitePath, synchronous: options.sqliteSynchronous });
  const useRedis = options.redisUrl !== undefined && options.redisUrl !== '';
  let rateLimiter: RateLimiter;
  try {
    rateLimiter = useRedis ? new RedisRateLimiter({ redis: options.redisUrl as string, prefix: options.redisPrefix }) : new MemoryRateLimiter();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const describe = [
    usePostgres ? `postgres:${redactUrl(options.databaseUrl as string)}` : `sqlite:${sqlitePath}`,
    useRedis ? `redis:${redactUrl(options.redisUrl as string)} limits` : 'memory limits',
  ].join(' + ');
  let closed = false;
  const sqlite = usePostgres ? undefined : sqliteHandleOf(db);
  const checkpointer: WalCheckpointer | null =
    sqlite && options.backgroundCheckpoints ? await startWalCheckpointer(sqlite, sqlitePath, {
          onError: (message) => options.onWarning?.(`background WAL checkpoint failed (retried next interval): ${message}`),
        }) : null;
  let ledger: SqlUsageLedger;
  try {
    const writer = sqlite
      ? openSqliteLedgerWriter(sqlite, {
          dir: options.dataDir,
          // Under FULL each group commit pays an fsync either way, and the journal's batched applies
          // would add their own: measured slower with 50 in flight (docs/keys-and-usage.md).
          journal: (options.ledgerJournal ?? false) && options.sqliteSynchronous !== 'FULL',
          synchronous: options.sqliteSynchronous,
          onWarning: options.onWarning,
        })
      : undefined;
    ledger = new SqlUsageLedger(db, undefined, writer);
  } catch (error) {
    await checkpointer?.stop();
    await rateLimiter.close();
    await db.destroy();
    throw error;
  }
  return {
    keyStore: new SqlKeyStore(db),
    ledger,
    rateLimiter,
    describe,
    async close() {
      if (closed) return;
      closed = true;
      await ledger.close(); // flushes the pending group commit
      await rateLimiter.close();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
