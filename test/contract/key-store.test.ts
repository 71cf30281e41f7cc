import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyStore } from '../../src/storage/memory/memory-key-store.ts';
import { openPostgres } from '../../src/storage/postgres/open-postgres.ts';
import { SqlKeyStore } from '../../src/storage/sql/sql-key-store.ts';
import { openSqlite } from '../../src/storage/sqlite/open-sqlite.ts';
import { dropSchema, postgresAvailability, runId } from './backends.ts';
import { describeKeyStoreContract } from './key-store.contract.ts';

describeKeyStoreContract('memory', async () => ({ store: new MemoryKeyStore(), cleanup: async () => {} }));

describeKeyStoreContract('sqlite (temp file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-keys-'));
  const db = await openSqlite({ path: join(dir, 'portico.db') });
  return {
    store: new SqlKeyStore(db),
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const postgres = await postgresAvailability();
describeKeyStoreContract(
  'postgres',
  async () => {
    const { url } = postgres as { url: string };
    const schema = `portico_test_keys_${runId()}`;
    const db = await openPostgres({ url, schema });
    return {
      store: new SqlKeyStore(db),
      cleanup: async () => {
        await db.destroy();
        await dropSchema(url, schema);
      },
    };
  },
  { skip: 'skip' in postgres ? postgres.skip : undefined },
);
