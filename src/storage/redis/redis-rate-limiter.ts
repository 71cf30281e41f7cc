import { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimiter, RateLimitRequest } from '../../domain/rate-limit/rate-limiter.ts';
import { retryAfterMsOf, viewOf, type BucketState, type BucketView } from '../../domain/rate-limit/token-bucket.ts';

/*
 * The token bucket of domain/rate-limit/token-bucket.ts, in Lua, so read-refill-check-charge is one
 * atomic step on the Redis server: N gateway replicas sharing a Redis admit exactly the capacity in
 * total. Bucket = hash {t: tokens (float), u: last update ms}; it expires once it would be full
 * again. Time: ARGV[1] when the caller passes a clock (tests), else the Redis server's TIME, so
 * replica clock skew cannot mint tokens.
 */
const NOW = `
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function load(key, cap, win)
  local s = redis.call('HMGET', key, 't', 'u')
  local tok = tonumber(s[1])
  local upd = tonumber(s[2])
  if tok == nil or upd == nil then return cap, now end
  local elapsed = now - upd
  if elapsed < 0 then elapsed = 0 else upd = now end
  return math.min(cap, tok + elapsed * cap / win), upd
end
local function save(key, tok, upd, cap, win)
  redis.call('HSET', key, 't', tostring(tok), 'u', tostring(upd))
  redis.call('PEXPIRE', key, math.ceil((cap - tok) * win / cap) + 1000)
end
`;

/** KEYS: buckets; ARGV: now|'' then (capacity, windowMs, cost) per key. All-or-nothing. */
const ACQUIRE = `${NOW}
local n = #KEYS
local caps, wins, costs, toks, upds = {}, {}, {}, {}, {}
local allowed = 1
for i = 1, n do
  local base = 2 + (i - 1) * 3
  caps[i] = tonumber(ARGV[base]); wins[i] = tonumber(ARGV[base + 1]); costs[i] = tonumber(ARGV[base + 2])
  toks[i], upds[i] = load(KEYS[i], caps[i], wins[i])
  if toks[i] + 1e-9 < math.min(costs[i], caps[i]) then allowed = 0 end
end
local out = { allowed }
for i = 1, n do
  if allowed == 1 then toks[i] = toks[i] - costs[i] end
  save(KEYS[i], toks[i], upds[i], caps[i], wins[i])
  out[#out + 1] = tostring(toks[i])
  out[#out + 1] = tostring(upds[i])
end
return out
`;

/** KEYS[1]; ARGV: now|'', capacity, windowMs, delta (negative refunds, capped at capacity). */
const ADJUST = `${NOW}
local cap = tonumber(ARGV[2]); local win = tonumber(ARGV[3]); local delta = tonumber(ARGV[4])
local tok, upd = load(KEYS[1], cap, win)
tok = math.min(cap, tok - delta)
save(KEYS[1], tok, upd, cap, win)
return { tostring(tok), tostring(upd) }
`;

/** KEYS[1]; ARGV: now|'', capacity, windowMs. Read-only. */
const PEEK = `${NOW}
local tok, upd = load(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return { tostring(tok), tostring(upd) }
`;

interface PorticoCommands {
  porticoAcquire(numberOfKeys: number, ...args: Array<string | number>): Promise<string[] | Array<string | number>>;
  porticoAdjust(key: string, ...args: Array<string | number>): Promise<string[]>;
  porticoPeek(key: string, ...args: Array<string | number>): Promise<string[]>;
}

export interface RedisRateLimiterOptions {
  /** A URL (the limiter owns and closes the connection) or an existing client (caller closes it). */
  redis: string | Redis;
  /** Key prefix; give each test run its own. Default `portico:rl:`. */
  prefix?: string;
  /** Test hook: use this clock instead of the Redis server's TIME. */
  clock?: () => number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & PorticoCommands;
  private readonly ownsConnection: boolean;
  private readonly prefix: string;
  private readonly clock: (() => number) | undefined;

  constructor(options: RedisRateLimiterOptions) {
    const client = typeof options.redis === 'string' ? new Redis(options.redis, { maxRetriesPerRequest: 2 }) : options.redis;
    this.ownsConnection = typeof options.redis === 'string';
    this.prefix = options.prefix ?? 'portico:rl:';
    this.clock = options.clock;
    client.defineCommand('porticoAcquire', { lua: ACQUIRE });
    client.defineCommand('porticoAdjust', { lua: ADJUST, numberOfKeys: 1 });
    client.defineCommand('porticoPeek', { lua: PEEK, numberOfKeys: 1 });
    this.redis = client as Redis & PorticoCommands;
  }

  private now(): string {
    return this.clock === undefined ? '' : String(this.clock());
  }

  async acquire(requests: RateLimitRequest[]): Promise<RateLimitDecision> {
    if (requests.length === 0) return { allowed: true, buckets: [], retryAfterMs: 0 };
    const args: Array<string | number> = [this.now()];
    for (const r of requests) args.push(r.capacity, r.windowMs, r.cost);
    const reply = await this.redis.porticoAcquire(requests.length, ...requests.map((r) => this.prefix + r.key), ...args);
    const allowed = Number(reply[0]) === 1;
    const states: BucketState[] = requests.map((_, i) => ({ tokens: Number(reply[1 + i * 2]), updatedAt: Number(reply[2 + i * 2]) }));
    const retryAfterMs = allowed ? 0 : Math.max(...requests.map((r, i) => retryAfterMsOf(states[i], r, r.cost)));
    return { allowed, buckets: states.map((state, i) => viewOf(state, requests[i])), retryAfterMs };
  }

  async adjust(request: RateLimitRequest): Promise<BucketView> {
    const [tokens, updatedAt] = await this.redis.porticoAdjust(this.prefix + request.key, this.now(), request.capacity, request.windowMs, request.cost);
    return viewOf({ tokens: Number(tokens), updatedAt: Number(updatedAt) }, request);
  }

  async peek(request: Omit<RateLimitRequest, 'cost'>): Promise<BucketView> {
    const [tokens, updatedAt] = await this.redis.porticoPeek(this.prefix + request.key, this.now(), request.capacity, request.windowMs);
    return viewOf({ tokens: Number(tokens), updatedAt: Number(updatedAt) }, request);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }
}
