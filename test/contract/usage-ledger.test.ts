import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryUsageLedger } from '../../src/storage/memory/memory-usage-ledger.ts';
import { openPostgres } from '../../src/storage/postgres/open-postgres.ts';
import { SqlUsageLedger } from '../../src/storage/sql/sql-usage-ledger.ts';
import { openSqlite, sqliteHandleOf } from '../../src/storage/sqlite/open-sqlite.ts';
import { openSqliteLedgerWriter } from '../../src/storage/sqlite/sqlite-ledger-writer.ts';
import { dropSchema, postgresAvailability, runId } from './backends.ts';
import { describeUsageLedgerContract } from './usage-ledger.contract.ts';

describeUsageLedgerContract('memory', async () => ({ ledger: new MemoryUsageLedger(), cleanup: async () => {} }));

for (const synchronous of ['FULL', 'NORMAL'] as const) {
  for (const writer of ['query builder', 'prepared statements', 'journal'] as const) {
    describeUsageLedgerContract(`sqlite (temp file, synchronous=${synchronous}, ${writer})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'portico-ledger-'));
      const db = await openSqlite({ path: join(dir, 'portico.db'), synchronous });
      const sqlite =
        writer === 'query builder' ? undefined : openSqliteLedgerWriter(sqliteHandleOf(db)!, { dir, journal: writer === 'journal', synchronous });
      const ledger = new SqlUsageLedger(db, undefined, sqlite);
      return {
        ledger,
        cleanup: async () => {
          await ledger.close();
          await db.destroy();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  }
}

const postgres = await postgresAvailability();
describeUsageLedgerContract(
  'postgres',
  async () => {
    const { url } = postgres as { url: string };
    const schema = `portico_test_ledger_${runId()}`;
    const db = await openPostgres({ url, schema });
    return {
      ledger: new SqlUsageLedger(db),
      cleanup: async () => {
        await db.destroy();
        await dropSchema(url, schema);
      },
    };
  },
  { skip: 'skip' in postgres ? postgres.skip : undefined },
);
