import assert from 'node:assert/strict';
import { describe, it, before, after, test } from 'node:test';
import type { ApiKey } from '../../src/domain/api-keys/api-key.ts';
import type { KeyStore } from '../../src/domain/api-keys/key-store.ts';

export interface KeyStoreHarness {
  store: KeyStore;
  cleanup(): Promise<void>;
}

let counter = 0;
function sampleKey(overrides: Partial<ApiKey> = {}): ApiKey {
  counter += 1;
  return {
    id: `key_contract_${counter}_${Math.random().toString(16).slice(2, 8)}`,
    name: `key ${counter}`,
    prefix: 'sk-portico-abc123',
    models: ['claude-sonnet-*', 'claude-haiku-4-5'],
    rpm: 60,
    tpm: 100_000,
    budgetUsd: 12.5,
    budgetPeriod: 'monthly',
    expiresAt: 1_900_000_000_000,
    metadata: { team: 'search', nested: { a: [1, 2] } },
    createdAt: 1_764_000_000_000 + counter,
    revokedAt: null,
    ...overrides,
  };
}

const hashOf = (key: ApiKey) => `hash_${key.id}`.padEnd(64, '0');

export function describeKeyStoreContract(name: string, makeImpl: () => Promise<KeyStoreHarness>, options: { skip?: string } = {}): void {
  if (options.skip) {
    // Counted as a skipped test in the runner's summary, with the reason (a skipped suite is not).
    test(`KeyStore contract: ${name}`, { skip: options.skip }, () => {});
    return;
  }
  describe(`KeyStore contract: ${name}`, () => {
    let harness: KeyStoreHarness;
    let store: KeyStore;
    before(async () => {
      harness = await makeImpl();
      store = harness.store;
    });
    after(async () => {
      await harness?.cleanup();
    });

    it('creates a key and reads it back by id and by hash, every field intact', async () => {
      const key = sampleKey();
      assert.deepEqual(await store.create(key, hashOf(key)), key);
      assert.deepEqual(await store.get(key.id), key);
      assert.deepEqual(await store.findByHash(hashOf(key)), key);
    });

    it('keeps null limits as null', async () => {
      const key = sampleKey({ models: null, rpm: null, tpm: null, budgetUsd: null, budgetPeriod: null, expiresAt: null, metadata: {} });
      await store.create(key, hashOf(key));
      assert.deepEqual(await store.get(key.id), key);
    });

    it('returns null for unknown ids and hashes', async () => {
      assert.equal(await store.get('key_does_not_exist'), null);
      assert.equal(await store.findByHash('f'.repeat(64)), null);
    });

    it('refuses a second key with the same secret hash', async () => {
      const key = sampleKey();
      await store.create(key, hashOf(key));
      await assert.rejects(store.create(sampleKey(), hashOf(key)));
    });

    it('lists keys newest first, revoked included', async () => {
      const older = sampleKey({ createdAt: 1_000 });
      const newer = sampleKey({ createdAt: 2_000_000_000_000 });
      await store.create(older, hashOf(older));
      await store.create(newer, hashOf(newer));
      await store.revoke(older.id, 5_000);
      const list = await store.list();
      const ids = list.map((k) => k.id);
      assert.equal(ids[0], newer.id);
      assert.equal(ids[ids.length - 1], older.id);
      assert.equal(list[list.length - 1].revokedAt, 5_000);
      for (const listed of list) assert.equal('secretHash' in listed, false);
    });

    it('updates only the given fields; null clears a limit', async () => {
      const key = sampleKey();
      await store.create(key, hashOf(key));
      const updated = await store.update(key.id, { rpm: 5, budgetUsd: null, budgetPeriod: null, models: ['claude-opus-*'], metadata: { x: 1 } });
      assert.deepEqual(updated, { ...key, rpm: 5, budgetUsd: null, budgetPeriod: null, models: ['claude-opus-*'], metadata: { x: 1 } });
      assert.deepEqual(await store.get(key.id), updated);
      assert.deepEqual(await store.update(key.id, {}), updated);
      assert.equal(await store.update('key_does_not_exist', { rpm: 1 }), null);
    });

    it('revokes idempotently, keeping the first revocation time', async () => {
      const key = sampleKey();
      await store.create(key, hashOf(key));
      assert.equal((await store.revoke(key.id, 10_000))?.revokedAt, 10_000);
      assert.equal((await store.revoke(key.id, 20_000))?.revokedAt, 10_000);
      assert.equal((await store.findByHash(hashOf(key)))?.revokedAt, 10_000);
      assert.equal(await store.revoke('key_does_not_exist', 1), null);
    });

    it('returns copies: mutating a result does not change the store', async () => {
      const key = sampleKey();
      await store.create(key, hashOf(key));
      const read = (await store.get(key.id)) as ApiKey;
      read.models?.push('evil-*');
      read.metadata.injected = true;
      assert.deepEqual(await store.get(key.id), key);
    });
  });
}
