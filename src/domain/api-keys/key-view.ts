import type { ApiKey } from './api-key.ts';

/** The wire form of a key (admin API, CLI --json). Never contains the secret or its hash. */
export interface ApiKeyObject {
  id: string;
  object: 'api_key';
  name: string;
  prefix: string;
  models: string[] | null;
  rpm: number | null;
  tpm: number | null;
  budget_usd: number | null;
  budget_period: 'daily' | 'monthly' | null;
  /** Unix seconds, like OpenAI's `created`. */
  expires_at: number | null;
  metadata: Record<string, unknown>;
  created_at: number;
  revoked_at: number | null;
  /** USD spent in the current budget period (lifetime when there is no period). */
  spend_usd: number;
  status: 'active' | 'revoked' | 'expired';
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

export function toApiKeyObject(key: ApiKey, spendUsd: number, now: number): ApiKeyObject {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    prefix: key.prefix,
    models: key.models,
    rpm: key.rpm,
    tpm: key.tpm,
    budget_usd: key.budgetUsd,
    budget_period: key.budgetPeriod,
    expires_at: seconds(key.expiresAt),
    metadata: key.metadata,
    created_at: seconds(key.createdAt) as number,
    revoked_at: seconds(key.revokedAt),
    spend_usd: spendUsd,
    status: key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active',
  };
}
