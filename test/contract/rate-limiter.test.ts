import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../src/storage/memory/memory-rate-limiter.ts';
import { RedisRateLimiter } from '../../src/storage/redis/redis-rate-limiter.ts';
import { deleteRedisPrefix, redisAvailability, runId } from './backends.ts';
import { describeRateLimiterContract } from './rate-limiter.contract.ts';
import type { RateLimiter } from '../../src/domain/rate-limit/rate-limiter.ts';

describeRateLimiterContract('memory', async () => {
  // One process = one store: both "replicas" are the same instance per clock.
  const instances = new Map<unknown, RateLimiter>();
  return {
    create(clock) {
      const existing = instances.get(clock);
      if (existing) return existing;
      const limiter = new MemoryRateLimiter(clock);
      instances.set(clock, limiter);
      return limiter;
    },
    cleanup: async () => {},
  };
});

const redis = await redisAvailability();
describeRateLimiterContract(
  'redis (two connections = two replicas)',
  async () => {
    const { url } = redis as { url: string };
    const prefix = `portico_test:${runId()}:`;
    const clients: Redis[] = [];
    return {
      create(clock) {
        // Each instance gets its own connection, like a separate gateway process.
        const client = new Redis(url);
        clients.push(client);
        return new RedisRateLimiter({ redis: client, prefix, clock });
      },
      cleanup: async () => {
        await deleteRedisPrefix(url, prefix);
        await Promise.all(clients.map((client) => client.quit()));
      },
    };
  },
  { skip: 'skip' in redis ? redis.skip : undefined },
);
