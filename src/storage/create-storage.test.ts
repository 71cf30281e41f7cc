import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { issueApiKey } from '../domain/api-keys/issue-api-key.ts';
import { hashKeySecret } from '../domain/api-keys/api-key.ts';
import { dropSchema, deleteRedisPrefix, postgresAvailability, redisAvailability, runId } from '../../test/contract/backends.ts';
import { createStorage } from './create-storage.ts';
import { sampleRecord } from '../../test/contract/usage-ledger.contract.ts';

const postgres = await postgresAvailability();
const redis = await redisAvailability();

describe('createStorage (embedded)', () => {
  it('creates <dataDir>/portico.db on first start and keeps keys and ledger across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-storage-'));
    const dataDir = join(dir, 'nested', 'data');
    try {
      const first = await createStorage({ dataDir });
      assert.equal(first.describe, `sqlite:${join(dataDir, 'portico.db')} + memory limits`);
      assert.ok(existsSync(join(dataDir, 'portico.db')));
      const { key, secret } = await issueApiKey(first.keyStore, { name: 'persist', rpm: 5 }, Date.now());
      await first.ledger.record(sampleRecord({ keyId: key.id, costUsd: 0.5 }));
      const decision = await first.rateLimiter.acquire([{ key: 'k', capacity: 1, windowMs: 60_000, cost: 1 }]);
      assert.equal(decision.allowed, true);
      await first.close();
      await first.close(); // idempotent

      const second = await createStorage({ dataDir });
      assert.deepEqual(await second.keyStore.findByHash(await hashKeySecret(secret)), key);
      assert.equal(await second.ledger.spendSince(key.id, 0), 0.5);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createStorage (Postgres + Redis)', { skip: 'skip' in postgres ? postgres.skip : 'skip' in redis ? redis.skip : undefined }, () => {
  it('migrates idempotently with several replicas starting at once, shares keys, ledger and limits', async () => {
    const databaseUrl = (postgres as { url: string }).url;
    const redisUrl = (redis as { url: string }).url;
    const schema = `portico_test_storage_${runId()}`;
    const redisPrefix = `portico_test:${runId()}:`;
    const dataDir = mkdtempSync(join(tmpdir(), 'portico-storage-'));
    try {
      const replicas = await Promise.all(
        Array.from({ length: 4 }, () => createStorage({ dataDir, databaseUrl, redisUrl, databaseSchema: schema, redisPrefix })),
      );
      assert.match(replicas[0].describe, /^postgres:postgres:\/\/127\.0\.0\.1:5432\/test \+ redis:redis:\/\/127\.0\.0\.1:6379 limits$/);
      assert.equal(existsSync(join(dataDir, 'portico.db')), false);
      const { key, secret } = await issueApiKey(replicas[0].keyStore, { name: 'shared' }, Date.now());
      assert.equal((await replicas[3].keyStore.findByHash(await hashKeySecret(secret)))?.id, key.id);
      await replicas[1].ledger.record(sampleRecord({ keyId: key.id, costUsd: 1.5 }));
      assert.equal(await replicas[2].ledger.spendSince(key.id, 0), 1.5);
      const bucket = { key: `${key.id}:rpm`, capacity: 10, windowMs: 60_000, cost: 1 };
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => replicas[i % 4].rateLimiter.acquire([bucket])));
      assert.equal(decisions.filter((d) => d.allowed).length, 10);
      await Promise.all(replicas.map((r) => r.close()));
      // A restart finds everything in place and migrates nothing twice.
      const again = await createStorage({ dataDir, databaseUrl, databaseSchema: schema });
      assert.equal((await again.keyStore.get(key.id))?.name, 'shared');
      await again.close();
    } finally {
      await dropSchema(databaseUrl, schema);
      await deleteRedisPrefix(redisUrl, redisPrefix);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
