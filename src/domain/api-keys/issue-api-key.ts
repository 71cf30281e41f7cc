import { displayPrefixOf, generateKeyId, generateKeySecret, hashKeySecret, type ApiKey, type ApiKeyLimits } from './api-key.ts';
import type { KeyStore } from './key-store.ts';

/**
 * Creates a key: generates the secret, stores only its hash, returns the secret once.
 * Shared by the admin API and the CLI.
 */
export async function issueApiKey(
  keyStore: KeyStore,
  limits: Partial<ApiKeyLimits> & { name: string },
  now: number,
): Promise<{ key: ApiKey; secret: string }> {
  const secret = generateKeySecret();
  const key: ApiKey = {
    id: generateKeyId(),
    name: limits.name,
    prefix: displayPrefixOf(secret),
    models: limits.models ?? null,
    rpm: limits.rpm ?? null,
    tpm: limits.tpm ?? null,
    budgetUsd: limits.budgetUsd ?? null,
    budgetPeriod: limits.budgetPeriod ?? null,
    expiresAt: limits.expiresAt ?? null,
    metadata: limits.metadata ?? {},
    createdAt: now,
    revokedAt: null,
  };
  const stored = await keyStore.create(key, await hashKeySecret(secret));
  return { key: stored, secret };
}
