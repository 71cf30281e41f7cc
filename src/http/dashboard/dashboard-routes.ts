/**
 * GET /admin (the page) and GET /admin/assets/* (uPlot, dashboard.js, dashboard.css).
 *
 * Both must be reachable WITHOUT the master key: the page is the login form, and the key is typed
 * into it. The app's master-only guard on /admin/* therefore skips exactly `GET /admin` and
 * `GET /admin/assets/*`; everything else under /admin (the JSON API, /admin/stats) stays guarded.
 * The page holds no data, so serving it publicly leaks nothing.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GatewayError } from '../../domain/errors.ts';
import { renderDashboardPage } from './dashboard-page.ts';
import { DASHBOARD_JS } from './dashboard-script.ts';
import { DASHBOARD_CSS } from './dashboard-style.ts';

/** Static files read once at startup (see load-dashboard-assets.ts on Node); absent on Workers. */
export interface DashboardAssets {
  uplotJs?: string;
  uplotCss?: string;
}

export interface DashboardRoutesDeps {
  assets?: DashboardAssets;
  /** Mount point of the dashboard and the admin API; default `/admin`. */
  basePath?: string;
  /** Title bar text; default `Portico`. */
  title?: string;
}

/**
 * The page may only load its own scripts and styles and talk to its own origin. uPlot sizes
 * elements through element.style (CSSOM), which `style-src 'self'` allows.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** FNV-1a: a short content hash for cache-busting asset URLs (no crypto needed). */
function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export function createDashboardRoutes(deps: DashboardRoutesDeps = {}): Hono {
  const basePath = (deps.basePath ?? '/admin').replace(/\/+$/, '');
  const files = new Map<string, { body: string; type: string }>();
  files.set('dashboard.js', { body: DASHBOARD_JS, type: 'text/javascript; charset=utf-8' });
  files.set('dashboard.css', { body: DASHBOARD_CSS, type: 'text/css; charset=utf-8' });
  if (deps.assets?.uplotJs !== undefined) files.set('uplot.min.js', { body: deps.assets.uplotJs, type: 'text/javascript; charset=utf-8' });
  if (deps.assets?.uplotCss !== undefined) files.set('uplot.min.css', { body: deps.assets.uplotCss, type: 'text/css; charset=utf-8' });
  const hasUplot = files.has('uplot.min.js');

  const page = renderDashboardPage({
    basePath,
    title: deps.title ?? 'Portico',
    hasUplot,
    assetVersion: contentHash([...files.values()].map((f) => f.body).join('\u0000')),
  });

  const app = new Hono();
  app.get('/', () => new Response(page, { status: 200, headers: PAGE_HEADERS }));
  app.get('/assets/:name', (c) => {
    const file = files.get(c.req.param('name'));
    if (file === undefined) {
      const error = new GatewayError('not_found', `No dashboard asset named ${c.req.param('name')}.`);
      return c.json(error.toBody(), error.status as ContentfulStatusCode);
    }
    return new Response(file.body, {
      status: 200,
      headers: { 'content-type': file.type, 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' },
    });
  });
  return app;
}
