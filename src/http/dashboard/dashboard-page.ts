/**
 * The admin page's HTML shell (GET /admin). Server-rendered with plain template strings; every
 * interpolated value goes through `escapeHtml`. The page holds no data: dashboard.js fills it from
 * the admin JSON API after login, using text nodes only.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch]);
}

export interface DashboardPageOptions {
  /** Where the dashboard and the admin API are mounted; default `/admin`. */
  basePath: string;
  /** Shown in the title bar (e.g. a deployment name). */
  title: string;
  /** Whether uPlot is served; without it charts fall back to plain SVG bars. */
  hasUplot: boolean;
  /** Cache-busting token appended to asset URLs. */
  assetVersion: string;
}

export function renderDashboardPage(options: DashboardPageOptions): string {
  const base = escapeHtml(options.basePath);
  const v = escapeHtml(encodeURIComponent(options.assetVersion));
  const title = escapeHtml(options.title);
  const uplot = options.hasUplot
    ? `<link rel="stylesheet" href="${base}/assets/uplot.min.css?v=${v}">\n<script src="${base}/assets/uplot.min.js?v=${v}" defer></script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · admin</title>
<link rel="stylesheet" href="${base}/assets/dashboard.css?v=${v}">
${uplot}
<script src="${base}/assets/dashboard.js?v=${v}" defer></script>
</head>
<body data-base="${base}">
<header class="top">
  <div class="brand">${title}<span>admin</span></div>
  <div class="spacer"></div>
  <span class="updated" id="updated"></span>
  <button type="button" class="ghost" id="signout" hidden>Sign out</button>
</header>
<main>
<noscript><p class="card">This page needs JavaScript: it calls the admin API from your browser.</p></noscript>

<section class="card login" id="login-view" hidden>
  <form id="login-form" autocomplete="off">
    <h1>Sign in</h1>
    <p>Enter the master key (<code>PORTICO_MASTER_KEY</code>). It is kept only in this browser tab (sessionStorage) and sent to the admin API as a bearer token.</p>
    <input type="password" id="login-key" name="key" placeholder="Master key" aria-label="Master key" required>
    <button type="submit" class="primary">Sign in</button>
    <p class="error" id="login-error" role="alert"></p>
  </form>
</section>

<div id="app-view" hidden>
  <section class="card" id="health-card">
    <div class="card-head"><h2>Live health</h2><span class="muted small">refreshes every 5 s</span><div class="spacer"></div><button type="button" id="refresh">Refresh all</button></div>
    <div class="stats" id="stats"></div>
  </section>

  <section class="card" id="keys-card">
    <div class="card-head"><h2>API keys</h2></div>
    <form class="create-key" id="create-key-form" autocomplete="off">
      <label class="wide">Name<input name="name" required maxlength="200" placeholder="e.g. team-search"></label>
      <label class="wide">Models (comma-separated globs)<input name="models" placeholder="all models"></label>
      <label>RPM<input name="rpm" type="number" min="1" step="1" placeholder="∞"></label>
      <label>TPM<input name="tpm" type="number" min="1" step="1" placeholder="∞"></label>
      <label>Budget USD<input name="budget_usd" type="number" min="0" step="0.01" placeholder="none"></label>
      <label>Budget period<select name="budget_period"><option value="">lifetime</option><option value="daily">daily</option><option value="monthly">monthly</option></select></label>
      <label>Expires<input name="expires_at" type="date"></label>
      <button type="submit" class="primary">Create key</button>
    </form>
    <div class="new-key" id="new-key" role="status" hidden></div>
    <div class="table-wrap">
      <table id="keys-table">
        <thead><tr><th>Name</th><th>Prefix</th><th>Models</th><th>Limits</th><th>Budget</th><th class="num">Spend</th><th>Expires</th><th>Status</th><th></th></tr></thead>
        <tbody id="keys-body"></tbody>
      </table>
    </div>
  </section>

  <section class="card" id="usage-card">
    <div class="card-head">
      <h2>Usage</h2>
      <div class="spacer"></div>
      <select id="usage-key" aria-label="Key"><option value="">All keys</option></select>
      <select id="usage-range" aria-label="Range"><option value="7">Last 7 days</option><option value="30" selected>Last 30 days</option><option value="90">Last 90 days</option></select>
    </div>
    <div class="totals" id="usage-totals"></div>
    <div class="charts">
      <div class="chart" id="chart-requests"><h3>Requests per day</h3><div class="plot"></div></div>
      <div class="chart" id="chart-tokens"><h3>Tokens per day</h3><div class="plot"></div></div>
      <div class="chart" id="chart-cost"><h3>Cost per day</h3><div class="plot"></div></div>
    </div>
    <div class="table-wrap by-model">
      <table id="models-table">
        <thead><tr><th>Model</th><th class="num">Requests</th><th class="num">Prompt tokens</th><th class="num">Completion tokens</th><th class="num">Cost</th><th></th></tr></thead>
        <tbody id="models-body"></tbody>
      </table>
    </div>
  </section>

  <section class="card" id="requests-card">
    <div class="card-head"><h2>Recent requests</h2><div class="spacer"></div><button type="button" id="requests-refresh">Refresh</button></div>
    <div class="table-wrap">
      <table id="requests-table">
        <thead><tr><th>Time</th><th>Request id</th><th>Key</th><th>Model</th><th>Status</th><th class="num">Latency</th><th class="num">TTFT</th><th class="num">Tokens in / out</th><th class="num">Cost</th><th></th></tr></thead>
        <tbody id="requests-body"></tbody>
      </table>
    </div>
  </section>
</div>
</main>
<div class="flash" id="flash" role="alert" hidden></div>
</body>
</html>
`;
}
