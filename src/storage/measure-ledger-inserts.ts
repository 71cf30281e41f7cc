/**
 * Measures durable ledger insert rates (docs/keys-and-usage.md):
 *   node --import tsx src/storage/measure-ledger-inserts.ts [rows] [postgres-url]
 * One awaited `record()` per row (group-committed with whatever else is in flight) (the gateway's durability contract), on SQLite WAL with
 * synchronous=FULL and =NORMAL, each committed directly and through the gateway's ledger journal,
 * and on Postgres (sequential, and 16 in flight over a pool).
 * A measuring script, not a test: nothing asserts on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageRecord } from '../domain/usage/usage-record.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import { SqlUsageLedger } from './sql/sql-usage-ledger.ts';
import { openSqlite, sqliteHandleOf } from './sqlite/open-sqlite.ts';
import { openSqliteLedgerWriter, type SqliteLedgerWriter } from './sqlite/sqlite-ledger-writer.ts';
import { sql } from 'kysely';

const rows = Number(process.argv[2] ?? 5000);
const postgresUrl = process.argv[3];

function row(i: number): UsageRecord {
  return {
    requestId: `req_${i}`, keyId: `key_${i % 10}`, createdAt: Date.now(), modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
    inputTokens: 1200, cacheReadTokens: 3000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 350, reasoningTokens: 0,
    costUsd: 0.00975, latencyMs: 812.4, ttftMs: 240.1, status: 200, errorCode: null, cancelled: false, stream: true, choices: 1,
    upstreamRequestId: 'req_011CZ', rawUsage: [{ input_tokens: 1200, cache_read_input_tokens: 3000, output_tokens: 350 }],
  };
}

async function measure(label: string, ledger: SqlUsageLedger, concurrency: number, writer?: SqliteLedgerWriter): Promise<void> {
  for (let i = 0; i < 200; i++) await ledger.record(row(1e9 + i + Math.floor(Math.random() * 1e6) * 1000)); // warm-up
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rows) await ledger.record(row(next++));
    }),
  );
  writer?.catchUp(); // journaled: the batched applies belong to the cost
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label.padEnd(44)} ${Math.round(rows / seconds).toString().padStart(7)} rows/s  (${rows} rows, ${(seconds * 1000 / rows).toFixed(3)} ms/row)`);
}

const dir = mkdtempSync(join(tmpdir(), 'portico-measure-'));
try {
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    for (const journal of [false, true]) {
      const dataDir = mkdtempSync(join(dir, `${synchronous}-`));
      const db = await openSqlite({ path: join(dataDir, 'portico.db'), synchronous });
      const writer = openSqliteLedgerWriter(sqliteHandleOf(db)!, { dir: dataDir, journal, synchronous });
      const ledger = new SqlUsageLedger(db, undefined, writer);
      const label = `sqlite record() WAL synchronous=${synchronous}${journal ? ' + journal' : ''}`;
      await measure(label, ledger, 1, writer);
      await db.deleteFrom('usage_records').execute();
      // 50 requests settling at once share group commits.
      await measure(`${label} 50 in flight`, ledger, 50, writer);
      await ledger.close();
      await db.destroy();
    }
  }
  if (postgresUrl) {
    const schema = `portico_measure_${process.pid}`;
    const db = await openPostgres({ url: postgresUrl, schema, maxConnections: 16 });
    try {
      await measure('postgres record() sequential', new SqlUsageLedger(db), 1);
      await db.deleteFrom('usage_records').execute();
      await measure('postgres record() 16 in flight', new SqlUsageLedger(db), 16);
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
