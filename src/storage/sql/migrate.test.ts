import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { sampleRecord } from '../../../test/contract/usage-ledger.contract.ts';
import { openSqlite } from '../sqlite/open-sqlite.ts';
import { migrate } from './migrate.ts';
import { SqlUsageLedger } from './sql-usage-ledger.ts';

describe('migrations', () => {
  it('are recorded once, re-run as no-ops, and 002 backfills the daily spend rollup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-migrate-'));
    try {
      const path = join(dir, 'portico.db');
      let db = await openSqlite({ path });
      assert.deepEqual(await migrate(db, 'sqlite'), []);
      const ledger = new SqlUsageLedger(db);
      await ledger.record(sampleRecord({ keyId: 'key_b', createdAt: Date.UTC(2026, 0, 1, 5), costUsd: 2 }));
      await ledger.record(sampleRecord({ keyId: 'key_b', createdAt: Date.UTC(2026, 0, 2, 5), costUsd: 3 }));
      // Pretend the database predates 002.
      await sql`drop table usage_daily_spend`.execute(db);
      await sql`delete from portico_migrations where id = '002_daily_spend'`.execute(db);
      await db.destroy();

      db = await openSqlite({ path });
      const ids = (await db.selectFrom('portico_migrations').select('id').orderBy('id').execute()).map((r) => r.id);
      assert.deepEqual(ids, ['001_keys_and_ledger', '002_daily_spend', '003_ledger_journal_position']);
      assert.equal(await new SqlUsageLedger(db).spendSince('key_b', Date.UTC(2026, 0, 1)), 5);
      assert.equal(await new SqlUsageLedger(db).spendSince('key_b', Date.UTC(2026, 0, 2)), 3);
      await db.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
