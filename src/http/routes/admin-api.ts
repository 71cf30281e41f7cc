/**
 * Admin JSON API (keys, usage, recent requests). Routes are relative to the mount point (the app
 * mounts it at `/admin` behind the master key; `requireMasterKey` below is that check for
 * standalone use). Errors are GatewayErrors; a local onError renders them the same way the app does.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { issueApiKey } from '../../domain/api-keys/issue-api-key.ts';
import type { KeyStore } from '../../domain/api-keys/key-store.ts';
import { toApiKeyObject } from '../../domain/api-keys/key-view.ts';
import { parseKeyLimits } from '../../domain/api-keys/parse-key-limits.ts';
import { parseTimestamp } from '../../domain/api-keys/parse-timestamp.ts';
import type { ApiKey } from '../../domain/api-keys/api-key.ts';
import { GatewayError, invalidRequest, isGatewayError } from '../../domain/errors.ts';
import { currentSpend } from '../../domain/usage/current-spend.ts';
import type { UsageLedger, UsageQuery, UsageTotals } from '../../domain/usage/usage-ledger.ts';
import { authenticateAdmin, type Governance } from '../../service/governance.ts';

export interface AdminApiDeps {
  keyStore: KeyStore;
  ledger: UsageLedger;
  clock?: () => number;
}

const GROUP_FIELD = { model: 'model', day: 'day', key: 'key_id' } as const;
type GroupBy = keyof typeof GROUP_FIELD;

function renderError(error: unknown): Response {
  const failure = isGatewayError(error) ? error : new GatewayError('internal', 'The admin API failed to process the request.', { cause: error });
  const headers = new Headers(failure.headers);
  headers.set('content-type', 'application/json');
  if (failure.retryAfterSeconds !== undefined) headers.set('retry-after', String(Math.ceil(failure.retryAfterSeconds)));
  headers.set('x-should-retry', failure.retryable ? 'true' : 'false');
  return new Response(JSON.stringify(failure.toBody()), { status: failure.status, headers });
}

async function readJsonObject(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError('invalid_json', 'The request body is not valid JSON.');
  }
}

import { toRequestObject } from '../../domain/usage/usage-view.ts';

export { toRequestObject };

export function createAdminApi(deps: AdminApiDeps): Hono {
  const clock = deps.clock ?? Date.now;
  const app = new Hono();
  app.onError((error) => renderError(error));
  app.notFound(() => renderError(new GatewayError('not_found', 'Unknown admin route.')));

  async function keyOr404(id: string): Promise<ApiKey> {
    const key = await deps.keyStore.get(id);
    if (key === null) throw new GatewayError('not_found', `No API key with id '${id}'.`, { param: 'id' });
    return key;
  }

  async function view(key: ApiKey) {
    const now = clock();
    return toApiKeyObject(key, await currentSpend(deps.ledger, key, now), now);
  }

  app.post('/keys', async (c) => {
    const now = clock();
    const limits = parseKeyLimits(await readJsonObject(c), 'create', now);
    const { key, secret } = await issueApiKey(deps.keyStore, { ...limits, name: limits.name as string }, now);
    // The only response that ever carries the secret.
    return c.json({ ...(await view(key)), key: secret }, 201);
  });

  app.get('/keys', async (c) => {
    const keys = await deps.keyStore.list();
    return c.json({ object: 'list', data: await Promise.all(keys.map(view)) });
  });

  app.get('/keys/:id', async (c) => c.json(await view(await keyOr404(c.req.param('id')))));

  app.patch('/keys/:id', async (c) => {
    const id = c.req.param('id');
    await keyOr404(id);
    const limits = parseKeyLimits(await readJsonObject(c), 'update', clock());
    const updated = await deps.keyStore.update(id, limits);
    return c.json(await view(updated ?? (await keyOr404(id))));
  });

  app.delete('/keys/:id', async (c) => {
    const id = c.req.param('id');
    await keyOr404(id);
    const revoked = await deps.keyStore.revoke(id, clock());
    return c.json({ ...(await view(revoked ?? (await keyOr404(id)))), deleted: true });
  });

  app.get('/usage', async (c) => {
    const query: UsageQuery = {};
    const keyId = c.req.query('key_id');
    if (keyId !== undefined && keyId !== '') {
      if ((await deps.keyStore.get(keyId)) === null) throw new GatewayError('not_found', `No API key with id '${keyId}'.`, { param: 'key_id' });
      query.keyId = keyId;
    }
    const since = c.req.query('since');
    const until = c.req.query('until');
    if (since !== undefined && since !== '') query.since = parseTimestamp(since, 'since');
    if (until !== undefined && until !== '') query.until = parseTimestamp(until, 'until');
    if (query.since !== undefined && query.until !== undefined && query.until < query.since) {
      throw invalidRequest("'until' must not be before 'since'.", 'until');
    }
    const groupBy = c.req.query('group_by');
    const head = {
      object: 'usage',
      key_id: query.keyId ?? null,
      since: query.since === undefined ? null : Math.floor(query.since / 1000),
      until: query.until === undefined ? null : Math.floor(query.until / 1000),
    };
    const totals: UsageTotals = await deps.ledger.totals(query);
    if (groupBy === undefined || groupBy === '') return c.json({ ...head, ...totals });
    if (!(groupBy in GROUP_FIELD)) throw invalidRequest("'group_by' must be one of: model, day, key.", 'group_by');
    const field = GROUP_FIELD[groupBy as GroupBy];
    const groups = await deps.ledger.totalsBy(query, groupBy as GroupBy);
    return c.json({
      ...head,
      ...totals,
      group_by: groupBy,
      data: groups.map(({ group, ...rest }) => ({ [field]: group, ...rest })),
    });
  });

  app.get('/requests', async (c) => {
    const limitText = c.req.query('limit');
    let limit = 50;
    if (limitText !== undefined && limitText !== '') {
      if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000) {
        throw invalidRequest("'limit' must be an integer between 1 and 1000.", 'limit');
      }
      limit = Number(limitText);
    }
    const keyId = c.req.query('key_id');
    const records = await deps.ledger.recent(limit, keyId === undefined || keyId === '' ? undefined : keyId);
    return c.json({ object: 'list', data: records.map(toRequestObject) });
  });

  return app;
}

/** Middleware for mounting the admin API standalone: master key only (401 / 403 admin_only). */
export function requireMasterKey(governance: Governance): MiddlewareHandler {
  return async (c, next) => {
    await authenticateAdmin(governance, c.req.header('authorization') ?? null);
    await next();
  };
}
