import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { Hono } from 'hono';
import { createDashboardRoutes } from './dashboard-routes.ts';
import { escapeHtml, renderDashboardPage } from './dashboard-page.ts';
import { DASHBOARD_JS } from './dashboard-script.ts';
import { loadDashboardAssets } from './load-dashboard-assets.ts';

function mounted(deps: Parameters<typeof createDashboardRoutes>[0]) {
  const app = new Hono();
  app.route('/admin', createDashboardRoutes(deps));
  return app;
}

test('escapeHtml escapes every HTML-significant character', () => {
  assert.equal(escapeHtml(`<script>alert("x")</script>&'\``), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;');
  assert.equal(escapeHtml(42), '42');
});

test('GET /admin serves the page with a strict CSP and no inline script', async () => {
  const res = await mounted({}).request('/admin');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await res.text();
  assert.match(body, /<script src="\/admin\/assets\/dashboard\.js\?v=[a-z0-9]+" defer><\/script>/);
  assert.match(body, /<body data-base="\/admin">/);
  // Every <script> has a src: nothing inline for CSP to allow.
  assert.equal((body.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).length, 0);
  assert.match(body, /id="login-form"/);
});

test('the page escapes its title and base path (XSS)', () => {
  const page = renderDashboardPage({ basePath: '/x"><script>alert(1)</script>', title: '<img src=x onerror=alert(1)>', hasUplot: true, assetVersion: '"v' });
  assert.doesNotMatch(page, /<img src=x/);
  assert.doesNotMatch(page, /<script>alert/);
  assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(page, /data-base="\/x&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  assert.match(page, /\?v=%22v"/);
});

test('title from deps is escaped in the served page', async () => {
  const body = await (await mounted({ title: 'Acme <b>"prod"</b>' }).request('/admin')).text();
  assert.match(body, /Acme &lt;b&gt;&quot;prod&quot;&lt;\/b&gt;/);
  assert.doesNotMatch(body, /<b>"prod"/);
});

test('assets: dashboard.js/css always; uPlot when loaded, linked from the page', async () => {
  const assets = loadDashboardAssets();
  assert.ok(assets.uplotJs !== undefined && assets.uplotJs.length > 10_000, 'uPlot read from node_modules');
  assert.ok(assets.uplotCss !== undefined && assets.uplotCss.includes('.uplot'));
  const app = mounted({ assets });
  const js = await app.request('/admin/assets/dashboard.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(await js.text(), DASHBOARD_JS);
  const css = await app.request('/admin/assets/dashboard.css');
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  const uplot = await app.request('/admin/assets/uplot.min.js');
  assert.equal(uplot.status, 200);
  assert.match(await uplot.text(), /uPlot/);
  assert.equal((await app.request('/admin/assets/uplot.min.css')).status, 200);
  const page = await (await app.request('/admin')).text();
  assert.match(page, /\/admin\/assets\/uplot\.min\.js/);
  assert.match(page, /\/admin\/assets\/uplot\.min\.css/);
});

test('without uPlot (Workers) the page degrades: no uPlot tags, the asset is a 404 error body', async () => {
  const app = mounted({});
  const page = await (await app.request('/admin')).text();
  assert.doesNotMatch(page, /uplot/i);
  const res = await app.request('/admin/assets/uplot.min.js');
  assert.equal(res.status, 404);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'not_found');
  assert.equal((await app.request('/admin/assets/..%2F..%2Fpackage.json')).status, 404);
});

test('a custom base path is used for assets and the API', async () => {
  const app = new Hono();
  app.route('/ops/admin', createDashboardRoutes({ basePath: '/ops/admin/' }));
  const page = await (await app.request('/ops/admin')).text();
  assert.match(page, /data-base="\/ops\/admin"/);
  assert.match(page, /href="\/ops\/admin\/assets\/dashboard\.css/);
});

test('dashboard.js parses and renders API data only as text', () => {
  assert.doesNotThrow(() => new Script(DASHBOARD_JS));
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'localStorage']) {
    assert.equal(DASHBOARD_JS.includes(sink), false, `dashboard.js must not use ${sink}`);
  }
  assert.match(DASHBOARD_JS, /sessionStorage/);
});
