/**
 * Which real servers the contract suites can use. Postgres/Redis suites run when
 * PORTICO_TEST_DATABASE_URL / PORTICO_TEST_REDIS_URL are set and the server answers; otherwise they
 * are skipped with the printed reason (never silently).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/** A per-run unique suffix, so parallel runs use separate schemas / key prefixes. */
export function runId(): string {
  return `${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function postgresAvailability(): Promise<{ url: string } | { skip: string }> {
  const url = process.env.PORTICO_TEST_DATABASE_URL;
  if (!url) return report({ skip: 'PORTICO_TEST_DATABASE_URL is not set' });
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { url };
  } catch (error) {
    return report({ skip: `Postgres at PORTICO_TEST_DATABASE_URL unreachable: ${(error as Error).message}` });
  } finally {
    await client.end().catch(() => {});
  }
}

export async function redisAvailability(): Promise<{ url: string } | { skip: string }> {
  const url = process.env.PORTICO_TEST_REDIS_URL;
  if (!url) return report({ skip: 'PORTICO_TEST_REDIS_URL is not set' });
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return { url };
  } catch (error) {
    return report({ skip: `Redis at PORTICO_TEST_REDIS_URL unreachable: ${(error as Error).message}` });
  } finally {
    client.disconnect();
  }
}

function report<T extends { skip: string }>(result: T): T {
  console.log(`# skipping: ${result.skip}`);
  return result;
}

/** Drops a test schema (best effort). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under a prefix (best effort). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    await client.quit();
  }
}
