import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate } from '../sql/migrate.ts';
import type { PorticoDatabase } from '../sql/schema.ts';

export interface OpenPostgresOptions {
  url: string;
  /** Schema to use (created if missing); default: the server's search_path (normally `public`). */
  schema?: string;
  maxConnections?: number;
}

// int8 (count, bigint columns) and numeric (sum) as JS numbers: token counts and ms timestamps stay
// far below 2^53. Per pool, not the global pg.types, so other pg users in the process are untouched.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) throw new Error(`invalid Postgres schema name: ${schema}`);
}

/** Connects, creates the schema if asked, runs migrations (advisory-locked). */
export async function openPostgres(options: OpenPostgresOptions): Promise<Kysely<PorticoDatabase>> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener that would
  // crash the process. The pool drops the client and the next query connects afresh.
  pool.on('error', () => {});
  const db = new Kysely<PorticoDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (options.schema !== undefined) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db).catch(async (error: unknown) => {
      // Two replicas creating the same schema at once: the loser sees a unique violation; fine.
      const exists = await sql<{ n: number }>`select count(*) as n from pg_namespace where nspname = ${options.schema}`.execute(db);
      if (Number(exists.rows[0]?.n) !== 1) throw error;
    });
    await migrate(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
