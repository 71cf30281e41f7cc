/**
 * Gateway processes started through the real Node entry (what `npm start` runs):
 * - restart: keys and usage survive;
 * - crash: kill -9 under load, and every request that got a 200 has its ledger row;
 * - replicas: 3 processes on one Redis + Postgres admit exactly rpm=N of a concurrent burst.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createStorage } from '../../src/storage/create-storage.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { spawnGateway, tempDataDir, TEST_MASTER_KEY, type GatewayProcess } from '../helpers/gateway.ts';

let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
});

const ask = JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hello' }], max_tokens: 50 });

function baseEnv(dataDir: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    PORTICO_MASTER_KEY: TEST_MASTER_KEY,
    PORTICO_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
}

async function complete(url: string, key: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: ask,
  });
}

async function createKey(url: string, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string; key: string };
}

async function usage(url: string, keyId: string): Promise<{ requests: number; cost_usd: number }> {
  const response = await fetch(`${url}/admin/usage?key_id=${keyId}`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
  return (await response.json()) as { requests: number; cost_usd: number };
}

describe('one process, embedded storage', () => {
  test('restart: keys and usage intact', async () => {
    const dataDir = tempDataDir();
    let gateway = await spawnGateway(baseEnv(dataDir));
    try {
      const key = await createKey(gateway.url, { name: 'survivor' });
      assert.equal((await complete(gateway.url, key.key)).status, 200);
      assert.equal((await complete(gateway.url, key.key)).status, 200);
      const before = await usage(gateway.url, key.id);
      await gateway.stop();
      gateway = await spawnGateway(baseEnv(dataDir));
      assert.deepEqual(await usage(gateway.url, key.id), before);
      assert.equal((await complete(gateway.url, key.key)).status, 200);
      assert.equal((await usage(gateway.url, key.id)).requests, 3);
    } finally {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('crash: kill -9 under load; every 200 has its ledger row', async () => {
    const dataDir = tempDataDir();
    const gateway = await spawnGateway(baseEnv(dataDir));
    const okIds: string[] = [];
    let stop = false;
    try {
      const worker = async (): Promise<void> => {
        while (!stop) {
          try {
            const response = await complete(gateway.url, TEST_MASTER_KEY);
            await response.arrayBuffer();
            if (response.status === 200) okIds.push(response.headers.get('x-request-id')!);
          } catch {
            return; // the process died under us
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await gateway.kill();
      stop = true;
      await Promise.all(workers);
    } finally {
      await gateway.kill();
    }
    assert.ok(okIds.length > 10, `only ${okIds.length} requests completed before the kill`);
    const storage = await createStorage({ dataDir });
    try {
      const rows = await storage.ledger.recent(okIds.length + 1000);
      const recorded = new Set(rows.map((row) => row.requestId));
      const missing = okIds.filter((id) => !recorded.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${okIds.length} answered requests have no ledger row`);
    } finally {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const databaseUrl = process.env.PORTICO_TEST_DATABASE_URL;
const redisUrl = process.env.PORTICO_TEST_REDIS_URL;

async function reachable(): Promise<string | null> {
  if (!databaseUrl || !redisUrl) return 'PORTICO_TEST_DATABASE_URL and PORTICO_TEST_REDIS_URL are not both set';
  try {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  } catch (error) {
    return `Postgres at ${databaseUrl} is unreachable: ${(error as Error).message}`;
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis at ${redisUrl} is unreachable: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
  return null;
}

describe('three replicas on Redis + Postgres', () => {
  test('a concurrent burst on one key with rpm=N admits exactly N in total', async (t) => {
    const skip = await reachable();
    if (skip) {
      console.log(`# skipped multi-replica test: ${skip}`);
      t.skip(skip);
      return;
    }
    // A private Postgres schema per run so parallel CI runs don't share keys.
    const schema = `portico_replicas_${process.pid}_${Date.now()}`;
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const replicas: GatewayProcess[] = [];
    const dataDir = tempDataDir();
    try {
      const env = { ...baseEnv(dataDir), DATABASE_URL: url.toString(), REDIS_URL: redisUrl! };
      // Start one first so migrations run once, then the others (which must cope anyway).
      replicas.push(await spawnGateway(env));
      replicas.push(...(await Promise.all([spawnGateway(env), spawnGateway(env)])));
      const rpm = 7;
      const key = await createKey(replicas[0]!.url, { name: 'shared', rpm });
      const burst = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const response = await complete(replicas[i % 3]!.url, key.key);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.equal(burst.filter((status) => status === 200).length, rpm, `statuses: ${burst.join(',')}`);
      assert.equal(burst.filter((status) => status === 429).length, 30 - rpm);
      // The ledger is shared too: every replica reports the same totals.
      const totals = await Promise.all(replicas.map((replica) => usage(replica.url, key.id)));
      for (const total of totals) assert.equal(total.requests, 30);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
