/**
 * Gateway-issued virtual keys. The secret (`sk-portico-` + 32 random bytes, base64url) is shown once
 * at creation; only its SHA-256 is stored (a fast hash is fine for a 256-bit random secret: there is
 * nothing to brute-force). A short prefix is kept for display. Uses WebCrypto only (runs on Node and
 * Workers alike).
 */
export const KEY_SECRET_PREFIX = 'sk-portico-';

export type BudgetPeriod = 'daily' | 'monthly';

export interface ApiKey {
  id: string;
  name: string;
  /** Display prefix, e.g. `sk-portico-Ab3x9Q`; never enough to authenticate. */
  prefix: string;
  /** Glob patterns (`claude-sonnet-*`); null = every model. */
  models: string[] | null;
  /** Requests per minute; null = unlimited. */
  rpm: number | null;
  /** Tokens per minute (prompt + completion); null = unlimited. */
  tpm: number | null;
  budgetUsd: number | null;
  /** null = the budget is a lifetime budget (never resets). */
  budgetPeriod: BudgetPeriod | null;
  /** Unix ms; null = never expires. */
  expiresAt: number | null;
  metadata: Record<string, unknown>;
  /** Unix ms. */
  createdAt: number;
  revokedAt: number | null;
}

/** Fields an admin may set on creation or change later. */
export type ApiKeyLimits = Pick<ApiKey, 'name' | 'models' | 'rpm' | 'tpm' | 'budgetUsd' | 'budgetPeriod' | 'expiresAt' | 'metadata'>;

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return bytes;
}

export function generateKeySecret(): string {
  return KEY_SECRET_PREFIX + base64url(randomBytes(32));
}

export function generateKeyId(): string {
  return 'key_' + Array.from(randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What is kept for display: the fixed prefix plus 6 characters of the random part. */
export function displayPrefixOf(secret: string): string {
  return secret.slice(0, KEY_SECRET_PREFIX.length + 6);
}

/** SHA-256 of UTF-8 text. WebCrypto by default (every runtime); Node injects a synchronous one. */
export type Sha256 = (text: string) => Uint8Array | Promise<Uint8Array>;

export const webCryptoSha256: Sha256 = async (text) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += (byte < 16 ? '0' : '') + byte.toString(16);
  return out;
}

/** Hex SHA-256 of the secret; the only form in which a key is stored. */
export async function hashKeySecret(secret: string, sha256: Sha256 = webCryptoSha256): Promise<string> {
  return toHex(await sha256(secret));
}

/** Constant-time comparison of two byte arrays (the length is not secret: digests are fixed-size). */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Compares two secrets in constant time by comparing their SHA-256 digests. */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return timingSafeEqualBytes(new Uint8Array(da), new Uint8Array(db));
}

export function isExpired(key: ApiKey, now: number): boolean {
  return key.expiresAt !== null && key.expiresAt <= now;
}

export function isActive(key: ApiKey, now: number): boolean {
  return key.revokedAt === null && !isExpired(key, now);
}
