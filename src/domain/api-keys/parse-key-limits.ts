import { z } from 'zod';
import { invalidRequest } from '../errors.ts';
import type { ApiKeyLimits } from './api-key.ts';
import { parseTimestamp } from './parse-timestamp.ts';

/*
 * The wire shape (snake_case) of key limits, shared by `POST/PATCH /admin/keys` and the CLI.
 * Unknown fields are refused (a typo such as `budget` must not silently create an unlimited key).
 * `null` clears a limit.
 */
const positiveInt = z.number().int().positive().max(1_000_000_000);
const fields = {
  name: z.string().trim().min(1).max(200),
  models: z.array(z.string().min(1).max(200)).max(100).nullable(),
  rpm: positiveInt.nullable(),
  tpm: positiveInt.nullable(),
  budget_usd: z.number().nonnegative().max(1e9).nullable(),
  budget_period: z.enum(['daily', 'monthly']).nullable(),
  expires_at: z.union([z.number(), z.string()]).nullable(),
  metadata: z.record(z.string(), z.unknown()),
};
const createSchema = z.strictObject({ ...fields, name: fields.name }).partial({
  models: true, rpm: true, tpm: true, budget_usd: true, budget_period: true, expires_at: true, metadata: true,
});
const updateSchema = z.strictObject(fields).partial();

function firstIssueError(error: z.ZodError): never {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw invalidRequest(`Unrecognized field '${issue.keys[0]}'.`, issue.keys[0]);
  }
  const param = issue.path.map(String).join('.') || null;
  throw invalidRequest(param ? `Invalid '${param}': ${issue.message}` : `Invalid request body: ${issue.message}`, param);
}

export interface ParsedKeyLimits extends Partial<ApiKeyLimits> {}

/**
 * Validates a create/update body into domain limits (camelCase, Unix ms). `create` requires `name`
 * and refuses an `expires_at` in the past; throws 400 GatewayErrors naming `param`.
 */
export function parseKeyLimits(body: unknown, mode: 'create' | 'update', now: number): ParsedKeyLimits {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.', null);
  const parsed = (mode === 'create' ? createSchema : updateSchema).safeParse(body);
  if (!parsed.success) firstIssueError(parsed.error);
  const input = parsed.data;
  const limits: ParsedKeyLimits = {};
  if (input.name !== undefined) limits.name = input.name;
  if (input.models !== undefined) limits.models = input.models;
  if (input.rpm !== undefined) limits.rpm = input.rpm;
  if (input.tpm !== undefined) limits.tpm = input.tpm;
  if (input.budget_usd !== undefined) limits.budgetUsd = input.budget_usd;
  if (input.budget_period !== undefined) limits.budgetPeriod = input.budget_period;
  if (input.metadata !== undefined) {
    if (JSON.stringify(input.metadata).length > 16_384) throw invalidRequest("'metadata' must serialise to at most 16 KiB.", 'metadata');
    limits.metadata = input.metadata;
  }
  if (input.expires_at !== undefined) {
    limits.expiresAt = input.expires_at === null ? null : parseTimestamp(input.expires_at, 'expires_at');
    if (mode === 'create' && limits.expiresAt !== null && limits.expiresAt <= now) {
      throw invalidRequest("'expires_at' must be in the future.", 'expires_at');
    }
  }
  if (mode === 'create' && limits.budgetPeriod && (limits.budgetUsd === undefined || limits.budgetUsd === null)) {
    throw invalidRequest("'budget_period' needs 'budget_usd'.", 'budget_period');
  }
  return limits;
}
