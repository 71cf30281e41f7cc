/**
 * The one runtime-agnostic HTTP app: Web-standard Request in, Response out. Routing, CORS,
 * request ids and error rendering live here; Hono's Context never leaves this folder (routes
 * call the service with plain values).
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { GatewayError, isGatewayError } from '../domain/errors.ts';
import type { ModelCatalog } from '../domain/models/model-catalog.ts';
import type { ModelList } from '../protocol/openai/chat-completion.ts';
import type { Governance, Principal } from '../service/governance.ts';
import { toReadableStream } from '../service/sse-source.ts';
import type { ChatEndpoint } from './chat-endpoint.ts';
import { errorResponse } from './error-response.ts';
import { readJsonBody } from './read-json-body.ts';

export interface AppDeps {
  /** POST /v1/chat/completions in plain values (shared with the Node direct path). */
  chatEndpoint: ChatEndpoint;
  governance: Governance;
  catalog: ModelCatalog;
  /** Admin JSON API (keys, usage, requests), mounted at /admin behind the master key. */
  adminApi: Hono;
  /** Live stats JSON, mounted at /admin/stats behind the master key. */
  statsRoute?: Hono;
  /** The dashboard page and its assets (GET /admin, /admin/assets/*): public HTML, it logs in client-side. */
  dashboard?: Hono;
  /** Prometheus metrics (GET /metrics), authorizes itself. */
  metricsRoute?: Hono;
  /** Unexpected failures only (never client mistakes). */
  onInternalError: (error: unknown, requestId: string) => void;
  health: () => Promise<Record<string, unknown>>;
  corsOrigins: string[];
  maxBodyBytes: number;
  newRequestId: () => string;
}

type Env = { Variables: { requestId: string; principal: Principal } };

const EXPOSED_HEADERS = [
  'x-request-id',
  'x-upstream-request-id',
  'x-portico-adjustments',
  'x-portico-model',
  'x-portico-cost-usd',
  'x-portico-overhead-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'retry-after',
];

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    c.set('requestId', deps.newRequestId());
    await next();
    c.res.headers.set('x-request-id', c.get('requestId'));
  });

  const anyOrigin = deps.corsOrigins.includes('*');
  const corsMiddleware = cors({
      origin: anyOrigin ? '*' : deps.corsOrigins,
      allowHeaders: ['authorization', 'content-type', 'x-portico-strict', 'openai-organization', 'openai-project', 'x-stainless-*'],
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: 600,
  });
  // CORS matters only to browsers, which always send Origin; server-side clients skip the work.
  app.use('*', (c, next) => (c.req.raw.headers.has('origin') ? corsMiddleware(c, next) : next()));

  app.get('/health', async (c) => c.json({ status: 'ok', ...(await deps.health()) }));

  const chat = async (request: Request, requestId: string): Promise<Response> => {
    const answer = await deps.chatEndpoint({
      requestId,
      authorization: request.headers.get('authorization'),
      strict: request.headers.get('x-portico-strict'),
      readBody: () => readJsonBody(request, deps.maxBodyBytes),
      signal: request.signal,
    });
    const body = answer.kind === 'stream' ? toReadableStream(answer.body) : answer.body;
    return new Response(body, { status: answer.status, headers: answer.headers });
  };
  // Some clients are configured with a base URL without /v1.
  for (const path of ['/v1/chat/completions', '/chat/completions']) {
    app.post(path, (c) => chat(c.req.raw, c.get('requestId')));
    app.all(path, () => {
      throw new GatewayError('method_not_allowed', 'Use POST for /v1/chat/completions.');
    });
  }

  // Models: any valid key may list; a key with an allowlist sees only what it may use.
  app.use('/v1/models/*', authenticated(deps.governance));
  app.use('/v1/models', authenticated(deps.governance));
  app.get('/v1/models', (c) => {
    const principal = c.get('principal');
    const data = deps.catalog
      .list()
      .filter((m) => allowed(deps.governance, principal, m.id))
      .map((m) => ({ id: m.id, object: 'model' as const, created: m.created, owned_by: m.owned_by }));
    const list: ModelList = { object: 'list', data };
    return c.json(list);
  });
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const entry = deps.catalog.get(id);
    if (!entry || !allowed(deps.governance, c.get('principal'), id)) {
      throw new GatewayError('model_not_found', `The model \`${id.slice(0, 200)}\` does not exist or you do not have access to it.`, { param: 'model' });
    }
    return c.json({ id: entry.id, object: 'model', created: entry.created, owned_by: entry.owned_by });
  });

  if (deps.metricsRoute) app.route('/metrics', deps.metricsRoute);

  // The dashboard page is public HTML (no data in it); everything else under /admin is master-only.
  if (deps.dashboard) {
    const dashboard = deps.dashboard;
    app.get('/admin', (c) => dashboard.fetch(new Request(new URL('/', c.req.url), c.req.raw)));
    app.get('/admin/', (c) => dashboard.fetch(new Request(new URL('/', c.req.url), c.req.raw)));
    app.get('/admin/assets/*', (c) => {
      const url = new URL(c.req.url);
      url.pathname = url.pathname.slice('/admin'.length);
      return dashboard.fetch(new Request(url, c.req.raw));
    });
  }
  app.use('/admin/*', authenticated(deps.governance));
  app.use('/admin/*', async (c, next) => {
    if (!deps.governance.isAdmin(c.get('principal'))) {
      throw new GatewayError('admin_only', 'The admin API needs the master key; virtual keys cannot use it.');
    }
    await next();
  });
  if (deps.statsRoute) app.route('/admin/stats', deps.statsRoute);
  app.route('/admin', deps.adminApi);

  app.notFound((c) => {
    const error = new GatewayError('not_found', `Unknown route: ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}`);
    return errorResponse(error);
  });

  app.onError((error, c) => {
    if (isGatewayError(error)) return errorResponse(error);
    deps.onInternalError(error, c.get('requestId'));
    return errorResponse(new GatewayError('internal', 'The gateway hit an unexpected error. It has been logged.'));
  });

  return app;
}

function authenticated(governance: Governance) {
  return async (c: { req: { header(name: string): string | undefined }; set(key: 'principal', value: Principal): void }, next: () => Promise<void>) => {
    c.set('principal', await governance.authenticate(c.req.header('authorization') ?? null));
    await next();
  };
}

function allowed(governance: Governance, principal: Principal, model: string): boolean {
  try {
    governance.checkModel(principal, model, model);
    return true;
  } catch {
    return false;
  }
}
