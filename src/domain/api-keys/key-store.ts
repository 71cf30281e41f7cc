import type { ApiKey, ApiKeyLimits } from './api-key.ts';

/**
 * Persistence of virtual keys. Secrets never reach the store: only `secretHash` (hex SHA-256).
 * Implementations: MemoryKeyStore, SqlKeyStore (SQLite + Postgres through Kysely).
 */
export interface KeyStore {
  /** Inserts a new key; rejects when the id or hash already exists. */
  create(key: ApiKey, secretHash: string): Promise<ApiKey>;
  /** Looks a key up by the hash of its secret, revoked/expired included (the caller decides). */
  findByHash(secretHash: string): Promise<ApiKey | null>;
  get(id: string): Promise<ApiKey | null>;
  /** Every key, newest first, revoked ones included. */
  list(): Promise<ApiKey[]>;
  /** Changes limits; returns null for an unknown id. */
  update(id: string, patch: Partial<ApiKeyLimits>): Promise<ApiKey | null>;
  /** Sets revokedAt (idempotent: an already revoked key keeps its first revokedAt); null if unknown. */
  revoke(id: string, at: number): Promise<ApiKey | null>;
  close(): Promise<void>;
}
