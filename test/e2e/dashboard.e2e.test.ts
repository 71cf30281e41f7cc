/**
 * The admin dashboard in a real browser (Debian chromium driven by playwright-core): sign in,
 * create a key, see it listed, make a completion with it, see the usage chart update, revoke it.
 * Screenshots go to test-output/screenshots/ (gitignored) for review.
 *
 * Two targets:
 * - `stub`: the real dashboard routes + /admin/stats in front of a small in-test Hono stub of the
 *   admin JSON API and /v1/chat/completions. Always runs (when chromium exists); also checks XSS.
 * - `gateway`: the whole gateway (`node scripts/start.mjs`, what `npm start` runs) in a child process
 *   with a temp data dir, against the fake Anthropic upstream. Skipped, with the reason printed,
 *   until the Node entry and test/helpers/fake-anthropic.ts exist.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createDashboardRoutes } from '../../src/http/dashboard/dashboard-routes.ts';
import { loadDashboardAssets } from '../../src/http/dashboard/load-dashboard-assets.ts';
import { createStatsRoute } from '../../src/http/routes/metrics.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { UsageRecord } from '../../src/domain/usage/usage-record.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const MASTER_KEY = 'sk-portico-master-e2e-0123456789';
const XSS_NAME = '<img src=x onerror="window.__xss=1">';

const chromiumSkip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`;
if (chromiumSkip) console.log(`# dashboard e2e skipped: ${chromiumSkip}`);

const gatewayEntry = join(ROOT, 'src/runtime/node/main.ts');
const fakeUpstreamModule = join(ROOT, 'test/helpers/fake-anthropic.ts');
const gatewaySkip =
  chromiumSkip ||
  (!existsSync(gatewayEntry)
    ? 'the Node entry src/runtime/node/main.ts does not exist yet'
    : !existsSync(fakeUpstreamModule)
      ? 'test/helpers/fake-anthropic.ts does not exist yet'
      : false);
if (gatewaySkip && !chromiumSkip) console.log(`# dashboard e2e against the whole gateway skipped: ${gatewaySkip}`);

let browser: Browser | undefined;
before(async () => {
  if (chromiumSkip) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
});

interface Target {
  baseUrl: string;
  /** Makes one chat completion with the given key; resolves to the HTTP status. */
  complete(key: string): Promise<number>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The stub: the admin API's documented shapes, in memory.
// ---------------------------------------------------------------------------------------------

interface StubKey {
  id: string;
  secret: string;
  name: string;
  prefix: string;
  models: string[] | null;
  rpm: number | null;
  tpm: number | null;
  budget_usd: number | null;
  budget_period: string | null;
  expires_at: number | null;
  metadata: Record<string, unknown>;
  created_at: number;
  revoked_at: number | null;
}

function stubAdminApp(options: { uplot: boolean }): Hono {
  const metrics = createMetrics({ defaultMetrics: false });
  const keys: StubKey[] = [];
  const records: UsageRecord[] = [];
  // The real admin API's shapes: unix seconds, snake_case.
  const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));
  const view = (k: StubKey) => {
    const { secret: _secret, ...rest } = k;
    return {
      ...rest,
      object: 'api_key',
      expires_at: seconds(k.expires_at),
      created_at: seconds(k.created_at),
      revoked_at: seconds(k.revoked_at),
      status: k.revoked_at !== null ? 'revoked' : 'active',
      spend_usd: records.filter((r) => r.keyId === k.id).reduce((a, r) => a + r.costUsd, 0),
    };
  };
  // ISO 8601 or unix seconds, as the real API accepts.
  const timestamp = (v: string | undefined, fallback: number) =>
    v === undefined || v === '' ? fallback : /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  const error = (message: string, type: string, code: string) => ({ error: { message, type, param: null, code } });
  const totalsOf = (rs: UsageRecord[]) => ({
    requests: rs.length,
    prompt_tokens: rs.reduce((a, r) => a + r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens, 0),
    completion_tokens: rs.reduce((a, r) => a + r.outputTokens, 0),
    input_tokens: rs.reduce((a, r) => a + r.inputTokens, 0),
    cache_read_tokens: rs.reduce((a, r) => a + r.cacheReadTokens, 0),
    cache_write_tokens: rs.reduce((a, r) => a + r.cacheWrite5mTokens + r.cacheWrite1hTokens, 0),
    reasoning_tokens: 0,
    cost_usd: rs.reduce((a, r) => a + r.costUsd, 0),
    errors: rs.filter((r) => r.status >= 400).length,
    cancelled: 0,
  });

  const app = new Hono();
  // What the real app does: /admin/* is master-only, except the page and its assets.
  app.use('/admin/*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (c.req.method === 'GET' && (path === '/admin' || path.startsWith('/admin/assets/'))) return next();
    if (c.req.header('authorization') !== `Bearer ${MASTER_KEY}`) return c.json(error('Invalid master key.', 'invalid_request_error', 'invalid_api_key'), 401);
    return next();
  });
  app.route('/admin', createDashboardRoutes({ assets: options.uplot ? loadDashboardAssets() : {} }));
  app.route('/admin/stats', createStatsRoute({ metrics }));
  let n = 0;
  app.post('/admin/keys', async (c) => {
    const body = (await c.req.json()) as Partial<StubKey>;
    n += 1;
    const secret = `sk-portico-stub${n}secret${Math.random().toString(36).slice(2)}`;
    const key: StubKey = {
      id: `key_${n}`,
      secret,
      name: String(body.name ?? ''),
      prefix: secret.slice(0, 17),
      models: body.models ?? null,
      rpm: body.rpm ?? null,
      tpm: body.tpm ?? null,
      budget_usd: body.budget_usd ?? null,
      budget_period: body.budget_period ?? null,
      expires_at: body.expires_at === undefined || body.expires_at === null ? null : timestamp(String(body.expires_at), 0),
      metadata: {},
      created_at: Date.now(),
      revoked_at: null,
    };
    keys.push(key);
    return c.json({ ...view(key), key: secret }, 201);
  });
  app.get('/admin/keys', (c) => c.json({ data: keys.map(view) }));
  app.delete('/admin/keys/:id', (c) => {
    const key = keys.find((k) => k.id === c.req.param('id'));
    if (key === undefined) return c.json(error('No such key.', 'invalid_request_error', 'not_found'), 404);
    key.revoked_at = Date.now();
    return c.json(view(key));
  });
  app.get('/admin/usage', (c) => {
    const keyId = c.req.query('key_id');
    const since = timestamp(c.req.query('since'), 0);
    const until = timestamp(c.req.query('until'), Number.MAX_SAFE_INTEGER);
    if (Number.isNaN(since) || Number.isNaN(until)) return c.json(error('Bad since/until.', 'invalid_request_error', 'invalid_request'), 400);
    const rs = records.filter((r) => (!keyId || r.keyId === keyId) && r.createdAt >= since && r.createdAt < until);
    const groupBy = c.req.query('group_by');
    const groups = new Map<string, UsageRecord[]>();
    for (const r of rs) {
      const g = groupBy === 'day' ? new Date(r.createdAt).toISOString().slice(0, 10) : r.modelServed;
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    const data = groupBy === 'day' || groupBy === 'model' ? [...groups].map(([g, grs]) => ({ [groupBy]: g, ...totalsOf(grs) })) : undefined;
    return c.json({ ...totalsOf(rs), ...(data ? { data } : {}) });
  });
  app.get('/admin/requests', (c) => {
    const keyId = c.req.query('key_id');
    const limit = Number(c.req.query('limit') ?? 50);
    const rows = records.filter((r) => !keyId || r.keyId === keyId).slice(-limit).reverse();
    return c.json({
      object: 'list',
      data: rows.map((r) => ({
        request_id: r.requestId,
        key_id: r.keyId,
        created_at: Math.floor(r.createdAt / 1000),
        created_at_ms: r.createdAt,
        model_requested: r.modelRequested,
        model: r.modelServed,
        prompt_tokens: r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens,
        completion_tokens: r.outputTokens,
        cost_usd: r.costUsd,
        latency_ms: r.latencyMs,
        ttft_ms: r.ttftMs,
        status: r.status,
        error_code: r.errorCode,
        cancelled: r.cancelled,
        stream: r.stream,
      })),
    });
  });
  app.post('/v1/chat/completions', async (c) => {
    const token = (c.req.header('authorization') ?? '').replace(/^Bearer /, '');
    const key = keys.find((k) => k.secret === token && k.revoked_at === null);
    if (key === undefined) return c.json(error('Invalid API key.', 'invalid_request_error', 'invalid_api_key'), 401);
    metrics.requestStarted('chat_completions');
    const body = (await c.req.json()) as { model: string };
    const record: UsageRecord = {
      requestId: `req_stub_${records.length + 1}`,
      keyId: key.id,
      createdAt: Date.now(),
      modelRequested: body.model,
      modelServed: 'claude-sonnet-4-5-20250929',
      inputTokens: 12,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 7,
      reasoningTokens: 0,
      costUsd: 0.000141,
      latencyMs: 412,
      ttftMs: 230,
      status: 200,
      errorCode: null,
      cancelled: false,
      stream: false,
      choices: 1,
      upstreamRequestId: 'req_upstream_stub',
      rawUsage: null,
    };
    records.push(record);
    metrics.requestFinished(record, { route: 'chat_completions', overheadMs: 0.8, adjustments: [], retries: 0 });
    return c.json({
      id: 'chatcmpl-stub',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    });
  });
  return app;
}

async function startStub(options: { uplot: boolean }): Promise<Target> {
  const app = stubAdminApp(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    complete: (key) => chatCompletion(baseUrl, key, 'claude-sonnet-4-5'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function chatCompletion(baseUrl: string, key: string, model: string): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 32, messages: [{ role: 'user', content: 'Say hello' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

// ---------------------------------------------------------------------------------------------
// The whole gateway in a child process.
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startGateway(): Promise<Target> {
  const mod = (await import(pathToFileURL(fakeUpstreamModule).href)) as Record<string, unknown>;
  const startFake = mod.startFakeAnthropic;
  if (typeof startFake !== 'function') throw new Error('test/helpers/fake-anthropic.ts does not export startFakeAnthropic()');
  const fake = (await (startFake as () => Promise<{ url: string; close(): Promise<void> | void }>)());
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-dashboard-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      PORTICO_MASTER_KEY: MASTER_KEY,
      PORTICO_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Readiness by polling (not a timed assertion): the page answers once the server listens.
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${baseUrl}/admin`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) {
      await close();
      throw new Error(`gateway did not answer GET /admin:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl, complete: (key) => chatCompletion(baseUrl, key, 'claude-3-5-sonnet-20241022'), close };
}

// ---------------------------------------------------------------------------------------------
// The browser flow, the same for both targets.
// ---------------------------------------------------------------------------------------------

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function dashboardFlow(target: Target, label: string, options: { xss: boolean; expectUplot: boolean }): Promise<void> {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    await page.goto(`${target.baseUrl}/admin`);
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await shot(page, `${label}-01-login`);

    // A wrong key is refused and nothing is stored.
    await page.fill('#login-key', 'not-the-master-key');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error', { hasText: 'not the master key' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('portico.masterKey')), null);

    await page.fill('#login-key', MASTER_KEY);
    await page.click('#login-form button[type=submit]');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    await page.locator('#stats .stat').first().waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('portico.masterKey')), MASTER_KEY);
    assert.equal(await page.evaluate(() => localStorage.length), 0);

    // Create a key; its secret is shown once.
    const name = options.xss ? XSS_NAME : 'e2e-key';
    await page.fill('#create-key-form input[name=name]', name);
    await page.fill('#create-key-form input[name=rpm]', '60');
    await page.fill('#create-key-form input[name=budget_usd]', '5');
    await page.selectOption('#create-key-form select[name=budget_period]', 'monthly');
    await page.click('#create-key-form button[type=submit]');
    await page.locator('#new-key-secret').waitFor();
    const secret = (await page.locator('#new-key-secret').textContent()) ?? '';
    assert.match(secret, /^sk-portico-/);
    const row = page.locator('#keys-body tr', { hasText: name });
    await row.waitFor();
    await shot(page, `${label}-02-key-created`);
    if (options.xss) {
      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      assert.equal(await page.locator('#keys-body img').count(), 0);
      assert.equal(await row.locator('td').first().locator('div').first().textContent(), XSS_NAME);
    }

    // A completion with the new key shows up in the usage chart and the recent requests.
    assert.equal(await target.complete(secret), 200);
    await page.click('#refresh');
    await page.locator('#usage-totals[data-requests="1"]').waitFor();
    await page.locator('#chart-requests[data-total="1"]').waitFor();
    await page.locator('#requests-table[data-count="1"]').waitFor();
    await page.locator('#requests-body tr', { hasText: options.xss ? 'req_' : name }).first().waitFor();
    // uPlot when the app serves it (Node with loadDashboardAssets()), else the SVG fallback bars.
    if (await page.evaluate(() => 'uPlot' in window)) await page.locator('#chart-requests .uplot canvas').first().waitFor();
    else await page.locator('#chart-requests svg rect').first().waitFor({ state: 'attached' });
    if (options.expectUplot) assert.equal(await page.evaluate(() => 'uPlot' in window), true, 'uPlot served');
    await shot(page, `${label}-03-usage`);

    // Revoke (two clicks: inline confirmation), then the key is listed as revoked and stops working.
    const keyRow = page.locator('#keys-body tr', { hasText: name });
    await keyRow.locator('button[data-action=revoke]').click();
    await keyRow.locator('button', { hasText: 'Confirm revoke' }).click();
    await page.locator('#keys-body tr.revoked', { hasText: name }).waitFor();
    assert.equal(await target.complete(secret), 401);
    await shot(page, `${label}-04-revoked`);

    // Signing out forgets the key.
    await page.click('#signout');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('portico.masterKey')), null);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
}

describe('admin dashboard in chromium', () => {
  test('against the in-test admin API stub: login, create, use, chart, revoke; names are escaped', { skip: chromiumSkip }, async () => {
    const target = await startStub({ uplot: true });
    try {
      await dashboardFlow(target, 'stub', { xss: true, expectUplot: true });
    } finally {
      await target.close();
    }
  });

  test('without uPlot assets (as on Workers) the charts fall back to SVG bars', { skip: chromiumSkip }, async () => {
    const target = await startStub({ uplot: false });
    try {
      await dashboardFlow(target, 'stub-no-uplot', { xss: false, expectUplot: false });
    } finally {
      await target.close();
    }
  });

  test('against the whole gateway (Node entry + fake Anthropic)', { skip: gatewaySkip }, async () => {
    const target = await startGateway();
    try {
      await dashboardFlow(target, 'gateway', { xss: false, expectUplot: false });
    } finally {
      await target.close();
    }
  });
});
