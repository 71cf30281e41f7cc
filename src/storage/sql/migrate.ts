import { sql, type Kysely } from 'kysely';
import type { PorticoDatabase, SqlDialectName } from './schema.ts';

interface Migration {
  id: string;
  up(db: Kysely<PorticoDatabase>, dialect: SqlDialectName): Promise<void>;
}

/**
 * Ordered, append-only. Each migration is written to be idempotent on its own (IF NOT EXISTS), and
 * the runner records what it applied, so running them on every start is safe.
 */
const MIGRATIONS: Migration[] = [
  {
    id: '001_keys_and_ledger',
    async up(db, dialect) {
      await db.schema
        .createTable('api_keys')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('models', 'text')
        .addColumn('rpm', 'integer')
        .addColumn('tpm', 'integer')
        .addColumn('budget_usd', 'double precision')
        .addColumn('budget_period', 'text')
        .addColumn('expires_at', 'bigint')
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      let table = db.schema.createTable('usage_records').ifNotExists();
      table =
        dialect === 'postgres'
          ? table.addColumn('seq', 'bigserial', (c) => c.primaryKey())
          : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_day', 'text', (c) => c.notNull())
        .addColumn('model_requested', 'text', (c) => c.notNull())
        .addColumn('model_served', 'text', (c) => c.notNull())
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_5m_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cache_write_1h_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('ttft_ms', 'double precision')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('cancelled', 'integer', (c) => c.notNull())
        .addColumn('stream', 'integer', (c) => c.notNull())
        .addColumn('choices', 'integer', (c) => c.notNull())
        .addColumn('upstream_request_id', 'text')
        .addColumn('raw_usage', 'text')
        .execute();
      // Budget checks sum one key's spend over a period; usage queries filter by time.
      await db.schema.createIndex('usage_records_key_time').ifNotExists().on('usage_records').columns(['key_id', 'created_at']).execute();
      await db.schema.createIndex('usage_records_time').ifNotExists().on('usage_records').column('created_at').execute();
    },
  },
  {
    id: '002_daily_spend',
    async up(db) {
      await db.schema
        .createTable('usage_daily_spend')
        .ifNotExists()
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_daily_spend_pk', ['key_id', 'day'])
        .execute();
      // Backfill from existing records (a no-op on a fresh database).
      await sql`insert into usage_daily_spend (key_id, day, cost_usd, requests)
        select key_id, created_day, sum(cost_usd), count(*) from usage_records where key_id is not null group by key_id, created_day
        on conflict (key_id, day) do nothing`.execute(db);
    },
  },
  {
    // The embedded store's ledger journal: how far it has been applied (sqlite/sqlite-ledger-writer.ts).
    id: '003_ledger_journal_position',
    async up(db, dialect) {
      if (dialect !== 'sqlite') return;
      await sql`create table if not exists ledger_journal_position (
        id integer primary key check (id = 1),
        generation integer not null,
        seq integer not null,
        byte_offset integer not null
      )`.execute(db);
      await sql`insert into ledger_journal_position (id, generation, seq, byte_offset) values (1, 0, 0, 0) on conflict (id) do nothing`.execute(db);
    },
  },
];

async function applyPending(db: Kysely<PorticoDatabase>, dialect: SqlDialectName, now: number): Promise<string[]> {
  await db.schema
    .createTable('portico_migrations')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom('portico_migrations').select('id').execute()).map((row) => row.id));
  const applied: string[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    await migration.up(db, dialect);
    await db.insertInto('portico_migrations').values({ id: migration.id, applied_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
    applied.push(migration.id);
  }
  return applied;
}

/**
 * Runs pending migrations. Postgres: under a session advisory lock keyed by the current schema, on
 * one pinned connection, so replicas starting together serialise (the losers then find nothing to
 * do). SQLite: one file, one writer; a plain run is safe (busy_timeout covers a second process).
 * Returns the ids applied by this call.
 */
export async function migrate(db: Kysely<PorticoDatabase>, dialect: SqlDialectName, now: number = Date.now()): Promise<string[]> {
  if (dialect === 'sqlite') return applyPending(db, dialect, now);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('portico_migrations:' || current_schema()))`.execute(connection);
    try {
      return await applyPending(connection, dialect, now);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('portico_migrations:' || current_schema()))`.execute(connection);
    }
  });
}
