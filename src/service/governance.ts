/**
 * Governance of the chat path: who is calling (master key or a virtual key), which models it may
 * use, whether its limits admit the request now (rpm, tpm, budget) and, afterwards, the ledger
 * record and the token true-up. No HTTP here: headers travel as plain records.
 *
 * Limit semantics (docs/keys-and-usage.md):
 * - rpm: one HTTP request = 1 unit, whatever `n` is (n multiplies tokens, not requests).
 * - tpm: tokens as the OpenAI client counts them (prompt incl. cache reads/writes + completion).
 *   `admit` reserves `estimatedTokens` (the caller's estimate for the whole request, all n calls:
 *   input + a bounded output); `settle` charges the difference to the real usage (refund or debt).
 * - budget: spend of the current period (UTC day/month, or lifetime) summed from the shared ledger;
 *   a request is refused once spend >= budget_usd. Requests in flight may overshoot by their cost.
 * - The master key has no limits.
 */
import type { ApiKey } from '../domain/api-keys/api-key.ts';
import { isExpired, timingSafeEqualBytes, toHex, webCryptoSha256, type Sha256 } from '../domain/api-keys/api-key.ts';
import { budgetPeriodEnd } from '../domain/api-keys/budget-period.ts';
import type { KeyStore } from '../domain/api-keys/key-store.ts';
import { isModelAllowed } from '../domain/api-keys/model-glob.ts';
import { GatewayError } from '../domain/errors.ts';
import { rateLimitHeaders, retryAfterSeconds } from '../domain/rate-limit/rate-limit-headers.ts';
import type { RateLimiter, RateLimitRequest } from '../domain/rate-limit/rate-limiter.ts';
import type { BucketView } from '../domain/rate-limit/token-bucket.ts';
import { currentSpend } from '../domain/usage/current-spend.ts';
import type { UsageLedger } from '../domain/usage/usage-ledger.ts';
import { promptTokensOf, type UsageRecord } from '../domain/usage/usage-record.ts';

export type Principal = { kind: 'master' } | { kind: 'key'; key: ApiKey };

export interface Admission {
  /** x-ratelimit-* headers to put on the response (empty for unlimited keys and the master key). */
  headers: Record<string, string>;
  /** Tokens reserved in the tpm bucket (0 when the key has no tpm). */
  reservedTokens: number;
}

export interface AdmitRequest {
  /** Reservation for the whole request (all `upstreamCalls`): estimated input + bounded output. */
  estimatedTokens: number;
  /** n: upstream calls this request makes; informational (rpm counts the request once). */
  upstreamCalls: number;
}

export interface Governance {
  authenticate(authorization: string | null): Promise<Principal>;
  checkModel(principal: Principal, requestedModel: string, servedModel: string): void;
  admit(principal: Principal, request: AdmitRequest): Promise<Admission>;
  settle(principal: Principal, admission: Admission | null, record: UsageRecord): Promise<void>;
  isAdmin(principal: Principal): boolean;
  /** The key's current x-ratelimit-* headers without charging anything (for responses that were not admitted). */
  limitHeaders(principal: Principal): Promise<Record<string, string>>;
}

export interface GovernanceDeps {
  keyStore: KeyStore;
  rateLimiter: RateLimiter;
  ledger: UsageLedger;
  masterKey: string;
  clock?: () => number;
  /** Failures after the ledger write (tpm true-up) are reported here, not thrown. Default: ignore. */
  onBackgroundError?: (error: unknown) => void;
  /** SHA-256 for presented secrets; default WebCrypto (async). Node passes node:crypto's (sync, cheaper). */
  sha256?: Sha256;
}

const MINUTE_MS = 60_000;

function rpmBucket(key: ApiKey): Omit<RateLimitRequest, 'cost'> | null {
  return key.rpm === null ? null : { key: `${key.id}:rpm`, capacity: key.rpm, windowMs: MINUTE_MS };
}

function tpmBucket(key: ApiKey): Omit<RateLimitRequest, 'cost'> | null {
  return key.tpm === null ? null : { key: `${key.id}:tpm`, capacity: key.tpm, windowMs: MINUTE_MS };
}

/** `Authorization: Bearer <secret>` → secret; null when absent or empty. */
export function bearerSecret(authorization: string | null): string | null {
  if (authorization === null) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match) return match[1];
  const bare = authorization.trim();
  return bare === '' || /^bearer$/i.test(bare) ? null : bare;
}

export function createGovernance(deps: GovernanceDeps): Governance {
  const clock = deps.clock ?? Date.now;
  const sha256 = deps.sha256 ?? webCryptoSha256;
  const masterDigest = deps.masterKey === '' ? null : Promise.resolve(sha256(deps.masterKey));
  const onBackgroundError = deps.onBackgroundError ?? (() => {});

  async function headersFor(key: ApiKey, views: { rpm?: BucketView; tpm?: BucketView }): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    const rpm = rpmBucket(key);
    const tpm = tpmBucket(key);
    if (rpm) Object.assign(headers, rateLimitHeaders('requests', views.rpm ?? (await deps.rateLimiter.peek(rpm))));
    if (tpm) Object.assign(headers, rateLimitHeaders('tokens', views.tpm ?? (await deps.rateLimiter.peek(tpm))));
    return headers;
  }

  return {
    async authenticate(authorization) {
      const secret = bearerSecret(authorization);
      // Messages never contain the presented secret (not even a prefix of it).
      if (secret === null) {
        throw new GatewayError('missing_api_key', "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
      }
      // One digest per request: compared with the master key's in constant time, then looked up.
      const digest = await sha256(secret);
      if (masterDigest !== null && timingSafeEqualBytes(digest, await masterDigest)) return { kind: 'master' };
      const key = await deps.keyStore.findByHash(toHex(digest));
      if (key === null) throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
      if (key.revokedAt !== null) throw new GatewayError('invalid_api_key', 'This API key has been revoked.');
      if (isExpired(key, clock())) throw new GatewayError('invalid_api_key', 'This API key has expired.');
      return { kind: 'key', key };
    },

    async limitHeaders(principal) {
      if (principal.kind === 'master' || (principal.key.rpm === null && principal.key.tpm === null)) return {};
      return headersFor(principal.key, {});
    },

    checkModel(principal, requestedModel, servedModel) {
      if (principal.kind === 'master') return;
      if (isModelAllowed(principal.key.models, requestedModel, servedModel)) return;
      throw new GatewayError('model_not_allowed', `This API key is not allowed to use the model '${requestedModel}'.`, { param: 'model' });
    },

    async admit(principal, request) {
      if (principal.kind === 'master') return { headers: {}, reservedTokens: 0 };
      const key = principal.key;
      const now = clock();

      if (key.budgetUsd !== null) {
        const spend = await currentSpend(deps.ledger, key, now);
        if (spend >= key.budgetUsd) {
          const resetsAt = budgetPeriodEnd(key.budgetPeriod, now);
          const when = resetsAt === null ? 'It does not reset.' : `It resets at ${new Date(resetsAt).toISOString()}.`;
          throw new GatewayError(
            'insufficient_quota',
            `This API key has used its budget of $${key.budgetUsd} (spent $${spend.toFixed(4)}). ${when}`,
            { headers: await headersFor(key, {}) },
          );
        }
      }

      const rpm = rpmBucket(key);
      const tpm = tpmBucket(key);
      const reservedTokens = tpm ? Math.max(0, Math.ceil(request.estimatedTokens)) : 0;
      const charges: RateLimitRequest[] = [];
      if (rpm) charges.push({ ...rpm, cost: 1 });
      if (tpm) charges.push({ ...tpm, cost: reservedTokens });
      if (charges.length === 0) return { headers: {}, reservedTokens: 0 };

      const decision = await deps.rateLimiter.acquire(charges);
      const views = { rpm: rpm ? decision.buckets[0] : undefined, tpm: tpm ? decision.buckets[rpm ? 1 : 0] : undefined };
      const headers = await headersFor(key, views);
      if (decision.allowed) return { headers, reservedTokens };

      const retryAfter = retryAfterSeconds(decision.retryAfterMs);
      headers['retry-after'] = String(retryAfter);
      // Which dimension refused: the refreshed view shows fewer whole tokens than needed.
      // (The chat path tells the two apart by the word "token" in the message.)
      const requestsExhausted = views.rpm !== undefined && views.rpm.remaining < 1;
      const message = requestsExhausted
        ? `Rate limit reached for requests per minute (limit ${key.rpm}). Please retry after ${retryAfter}s.`
        : `Rate limit reached for tokens per minute (limit ${key.tpm}, this request reserves ${reservedTokens}). Please retry after ${retryAfter}s.`;
      throw new GatewayError('rate_limit_exceeded', message, { retryAfterSeconds: retryAfter, headers });
    },

    async settle(principal, admission, record) {
      // The ledger first: when this resolves the record is durable; a limiter hiccup must not lose it.
      await deps.ledger.record(record);
      if (principal.kind === 'master') return;
      const tpm = tpmBucket(principal.key);
      if (tpm === null) return;
      const used = promptTokensOf(record) + record.outputTokens;
      const delta = used - (admission?.reservedTokens ?? 0);
      if (delta === 0) return;
      try {
        await deps.rateLimiter.adjust({ ...tpm, cost: delta });
      } catch (error) {
        onBackgroundError(error);
      }
    },

    isAdmin(principal) {
      return principal.kind === 'master';
    },
  };
}

/** Authenticates and requires the master key (admin API); throws admin_only for virtual keys. */
export async function authenticateAdmin(governance: Governance, authorization: string | null): Promise<Principal> {
  const principal = await governance.authenticate(authorization);
  if (!governance.isAdmin(principal)) {
    throw new GatewayError('admin_only', 'The admin API needs the master key; virtual keys cannot use it.');
  }
  return principal;
}
