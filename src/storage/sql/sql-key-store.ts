import type { Kysely, Selectable } from 'kysely';
import type { ApiKey, ApiKeyLimits, BudgetPeriod } from '../../domain/api-keys/api-key.ts';
import type { KeyStore } from '../../domain/api-keys/key-store.ts';
import type { ApiKeysTable, PorticoDatabase } from './schema.ts';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    models: row.models === null ? null : (JSON.parse(row.models) as string[]),
    rpm: nullableNumber(row.rpm),
    tpm: nullableNumber(row.tpm),
    budgetUsd: nullableNumber(row.budget_usd),
    budgetPeriod: (row.budget_period as BudgetPeriod | null) ?? null,
    expiresAt: nullableNumber(row.expires_at),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    revokedAt: nullableNumber(row.revoked_at),
  };
}

function limitsToRow(patch: Partial<ApiKeyLimits>): Partial<ApiKeysTable> {
  const row: Partial<ApiKeysTable> = {};
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.models !== undefined) row.models = patch.models === null ? null : JSON.stringify(patch.models);
  if (patch.rpm !== undefined) row.rpm = patch.rpm;
  if (patch.tpm !== undefined) row.tpm = patch.tpm;
  if (patch.budgetUsd !== undefined) row.budget_usd = patch.budgetUsd;
  if (patch.budgetPeriod !== undefined) row.budget_period = patch.budgetPeriod;
  if (patch.expiresAt !== undefined) row.expires_at = patch.expiresAt;
  if (patch.metadata !== undefined) row.metadata = JSON.stringify(patch.metadata);
  return row;
}

/** KeyStore over Kysely: one implementation for SQLite (embedded) and Postgres. */
export class SqlKeyStore implements KeyStore {
  constructor(
    private readonly db: Kysely<PorticoDatabase>,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async create(key: ApiKey, secretHash: string): Promise<ApiKey> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        prefix: key.prefix,
        secret_hash: secretHash,
        created_at: key.createdAt,
        revoked_at: key.revokedAt,
        name: key.name,
        models: key.models === null ? null : JSON.stringify(key.models),
        rpm: key.rpm,
        tpm: key.tpm,
        budget_usd: key.budgetUsd,
        budget_period: key.budgetPeriod,
        expires_at: key.expiresAt,
        metadata: JSON.stringify(key.metadata),
      })
      .execute();
    return { ...key };
  }

  async findByHash(secretHash: string): Promise<ApiKey | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async get(id: string): Promise<ApiKey | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toApiKey);
  }

  async update(id: string, patch: Partial<ApiKeyLimits>): Promise<ApiKey | null> {
    const row = limitsToRow(patch);
    if (Object.keys(row).length > 0) await this.db.updateTable('api_keys').set(row).where('id', '=', id).execute();
    return this.get(id);
  }

  async revoke(id: string, at: number): Promise<ApiKey | null> {
    await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    return this.get(id);
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
