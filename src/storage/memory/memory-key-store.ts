import type { ApiKey, ApiKeyLimits } from '../../domain/api-keys/api-key.ts';
import type { KeyStore } from '../../domain/api-keys/key-store.ts';

/** In-process KeyStore (tests, ephemeral setups). Returns copies so callers cannot mutate state. */
export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, { key: ApiKey; secretHash: string }>();

  async create(key: ApiKey, secretHash: string): Promise<ApiKey> {
    if (this.keys.has(key.id)) throw new Error(`duplicate key id ${key.id}`);
    for (const entry of this.keys.values()) if (entry.secretHash === secretHash) throw new Error('duplicate key hash');
    this.keys.set(key.id, { key: structuredClone(key), secretHash });
    return structuredClone(key);
  }

  async findByHash(secretHash: string): Promise<ApiKey | null> {
    for (const entry of this.keys.values()) if (entry.secretHash === secretHash) return structuredClone(entry.key);
    return null;
  }

  async get(id: string): Promise<ApiKey | null> {
    const entry = this.keys.get(id);
    return entry ? structuredClone(entry.key) : null;
  }

  async list(): Promise<ApiKey[]> {
    return [...this.keys.values()]
      .map((entry) => structuredClone(entry.key))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  async update(id: string, patch: Partial<ApiKeyLimits>): Promise<ApiKey | null> {
    const entry = this.keys.get(id);
    if (!entry) return null;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    entry.key = { ...entry.key, ...structuredClone(defined) };
    return structuredClone(entry.key);
  }

  async revoke(id: string, at: number): Promise<ApiKey | null> {
    const entry = this.keys.get(id);
    if (!entry) return null;
    if (entry.key.revokedAt === null) entry.key = { ...entry.key, revokedAt: at };
    return structuredClone(entry.key);
  }

  async close(): Promise<void> {}
}
