/**
 * The admin page's browser script, served as /admin/assets/dashboard.js (an external file, so the
 * page can run under `script-src 'self'`). Plain ES2020, no build step.
 *
 * Security rules this script keeps:
 * - The master key lives only in sessionStorage (this tab) and is sent as `Authorization: Bearer`.
 * - Everything from the API is rendered through textContent / createTextNode (`h()` below), never
 *   innerHTML, and no API value is ever placed in an href or event attribute. That is the XSS
 *   guarantee; dashboard.test.ts checks the script never uses innerHTML.
 *
 * Kept as a String.raw template: the script itself must not contain backticks or "${".
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var BASE = document.body.getAttribute('data-base') || '/admin';
  var STORE = 'portico.masterKey';
  var DAY = 86400000;
  var state = { key: null, keys: [], keysById: {}, usageKey: '', rangeDays: 30, timers: [], charts: [], confirming: null };

  // ---------- DOM helpers (text nodes only; no HTML parsing of API data) ----------
  function $(id) { return document.getElementById(id); }
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = String(v);
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  // ---------- formatting ----------
  function num(v) { var n = Number(v); return isFinite(n) ? n : 0; }
  function fmtInt(v) { return Math.round(num(v)).toLocaleString('en-US'); }
  function fmtUsd(v) {
    var n = num(v);
    if (n === 0) return '$0.00';
    if (Math.abs(n) < 0.01) return '$' + n.toFixed(4);
    return '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function fmtMs(v) { if (v === null || v === undefined) return '–'; var n = num(v); return n >= 10000 ? (n / 1000).toFixed(1) + ' s' : Math.round(n) + ' ms'; }
  function toMs(v) {
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
    var s = String(v);
    if (/^\d+$/.test(s)) return toMs(Number(s));
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(s + 'T00:00:00Z');
    var t = Date.parse(s);
    return isNaN(t) ? null : t;
  }
  function fmtDate(v) { var t = toMs(v); return t === null ? '–' : new Date(t).toISOString().slice(0, 10); }
  function fmtTime(v) {
    var t = toMs(v); if (t === null) return '–';
    var d = new Date(t);
    return d.toLocaleDateString('en-CA') + ' ' + d.toLocaleTimeString('en-GB', { hour12: false });
  }
  function fmtUptime(s) {
    s = Math.floor(num(s));
    var d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60);
    if (d > 0) return d + 'd ' + hh + 'h';
    if (hh > 0) return hh + 'h ' + mm + 'm';
    return mm + 'm ' + (s % 60) + 's';
  }
  function shortNum(v) {
    var n = num(v), a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(1) + 'B';
    if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (a >= 1e3) return (n / 1e3).toFixed(1) + 'k';
    if (a > 0 && a < 1) return String(Number(n.toPrecision(2)));
    return String(Math.round(n * 100) / 100);
  }

  // ---------- API ----------
  function ApiError(message, status, body) { this.message = message; this.status = status; this.body = body; }
  ApiError.prototype = Object.create(Error.prototype);
  function api(method, path, body, key) {
    var headers = { authorization: 'Bearer ' + (key || state.key) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(BASE + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          if (!res.ok) {
            var msg = json && json.error && json.error.message ? json.error.message : 'HTTP ' + res.status;
            if ((res.status === 401 || res.status === 403) && !key) signOut('Signed out: ' + msg);
            throw new ApiError(msg, res.status, json);
          }
          return json;
        });
      });
  }
  function listOf(json) { return Array.isArray(json) ? json : json && Array.isArray(json.data) ? json.data : []; }
  function qs(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== null && v !== undefined && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  var flashTimer = null;
  function flash(message) {
    var el = $('flash');
    el.textContent = message;
    el.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { el.hidden = true; }, 6000);
  }
  function report(err) { if (!(err instanceof ApiError && (err.status === 401 || err.status === 403))) flash(err && err.message ? err.message : String(err)); }

  // ---------- session ----------
  function signIn(key) {
    return api('GET', '/keys', undefined, key).then(function () {
      sessionStorage.setItem(STORE, key);
      state.key = key;
      showApp();
    });
  }
  function signOut(message) {
    sessionStorage.removeItem(STORE);
    state.key = null;
    state.timers.forEach(clearInterval);
    state.timers = [];
    $('app-view').hidden = true;
    $('signout').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
    $('login-key').value = '';
    $('login-key').focus();
  }
  function showApp() {
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('signout').hidden = false;
    refreshAll();
    state.timers.push(setInterval(function () { if (!document.hidden) loadStats(); }, 5000));
    state.timers.push(setInterval(function () { if (!document.hidden) loadRequests(); }, 15000));
    state.timers.push(setInterval(function () { if (!document.hidden) { loadKeys(); loadUsage(); } }, 60000));
  }
  function refreshAll() {
    return Promise.all([loadStats(), loadKeys().then(function () { return Promise.all([loadUsage(), loadRequests()]); })]);
  }
  function touch() { $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB', { hour12: false }); }

  // ---------- live health ----------
  function stat(label, value, detail, bad) {
    return h('div', { class: 'stat' + (bad ? ' bad' : '') }, h('div', { class: 'label', text: label }), h('div', { class: 'value', text: value }), detail ? h('div', { class: 'detail', text: detail }) : null);
  }
  function loadStats() {
    return api('GET', '/stats').then(function (s) {
      var upstream = s.upstream_errors || {};
      var names = Object.keys(upstream);
      var upstreamTotal = names.reduce(function (a, k) { return a + num(upstream[k]); }, 0);
      var detail = names.map(function (k) { return k + ' ' + upstream[k]; }).join(' · ');
      var grid = clear($('stats'));
      append(grid, [
        stat('Uptime', fmtUptime(s.uptime_seconds)),
        stat('In flight', fmtInt(s.in_flight_requests), fmtInt(s.open_streams) + ' open streams'),
        stat('Requests', fmtInt(s.requests), 'since start'),
        stat('Errors', fmtInt(s.errors), s.requests ? (100 * num(s.errors) / num(s.requests)).toFixed(1) + '% of requests' : null, num(s.errors) > 0),
        stat('Upstream errors', fmtInt(upstreamTotal), detail || 'none', upstreamTotal > 0),
        stat('Spend today (UTC)', fmtUsd(s.cost_usd_today), s.cost_source === 'ledger' ? 'from the ledger' : 'this process'),
      ]);
      $('stats').setAttribute('data-in-flight', String(num(s.in_flight_requests)));
      touch();
    }).catch(function (err) {
      if (err instanceof ApiError && err.status === 404) { clear($('stats')).appendChild(h('p', { class: 'muted', text: 'Live stats are not available on this deployment.' })); return; }
      report(err);
    });
  }

  // ---------- keys ----------
  function keyStatus(k) {
    var exp = toMs(k.expires_at);
    var status = k.status || (k.revoked_at ? 'revoked' : exp !== null && exp <= Date.now() ? 'expired' : 'active');
    return h('span', { class: 'badge ' + (status === 'active' ? 'ok' : status === 'expired' ? 'warn' : 'muted'), text: status });
  }
  function limitsText(k) {
    var parts = [];
    parts.push(k.rpm === null || k.rpm === undefined ? 'rpm ∞' : 'rpm ' + fmtInt(k.rpm));
    parts.push(k.tpm === null || k.tpm === undefined ? 'tpm ∞' : 'tpm ' + fmtInt(k.tpm));
    return parts.join(' · ');
  }
  function budgetText(k) {
    if (k.budget_usd === null || k.budget_usd === undefined) return 'none';
    return fmtUsd(k.budget_usd) + ' / ' + (k.budget_period || 'lifetime');
  }
  function loadKeys() {
    return api('GET', '/keys').then(function (json) {
      state.keys = listOf(json);
      state.keysById = {};
      state.keys.forEach(function (k) { state.keysById[k.id] = k; });
      renderKeys();
      renderKeyFilter();
    }).catch(report);
  }
  function renderKeys() {
    var body = clear($('keys-body'));
    if (!state.keys.length) {
      body.appendChild(h('tr', null, h('td', { colspan: 9, class: 'empty', text: 'No keys yet. Create one above; clients use it as their OpenAI API key.' })));
      return;
    }
    state.keys.forEach(function (k) {
      var revoked = !!k.revoked_at;
      var spend = num(k.spend_usd);
      var spendCell = h('td', { class: 'num' }, fmtUsd(spend));
      if (k.budget_usd !== null && k.budget_usd !== undefined && num(k.budget_usd) > 0) {
        spendCell.appendChild(h('div', { class: 'small muted', text: Math.round((100 * spend) / num(k.budget_usd)) + '% of budget' }));
      }
      var action = revoked ? h('span', { class: 'muted small', text: fmtDate(k.revoked_at) }) : revokeButton(k);
      body.appendChild(h('tr', { class: revoked ? 'revoked' : '', 'data-key-id': k.id },
        h('td', { class: 'wrap' }, h('div', { text: k.name || '(unnamed)' }), h('div', { class: 'small muted mono', text: k.id })),
        h('td', null, h('code', { text: k.prefix ? k.prefix + '…' : '' })),
        h('td', { class: 'wrap', text: k.models && k.models.length ? k.models.join(', ') : 'all models' }),
        h('td', { text: limitsText(k) }),
        h('td', { text: budgetText(k) }),
        spendCell,
        h('td', { text: k.expires_at ? fmtDate(k.expires_at) : 'never' }),
        h('td', null, keyStatus(k)),
        h('td', { class: 'num' }, action)));
    });
  }
  function revokeButton(k) {
    var btn = h('button', { class: 'danger', type: 'button', 'data-action': 'revoke', text: 'Revoke' });
    btn.addEventListener('click', function () {
      if (state.confirming !== btn) {
        if (state.confirming) { state.confirming.classList.remove('confirm'); state.confirming.textContent = 'Revoke'; }
        state.confirming = btn;
        btn.classList.add('confirm');
        btn.textContent = 'Confirm revoke';
        return;
      }
      state.confirming = null;
      btn.disabled = true;
      api('DELETE', '/keys/' + encodeURIComponent(k.id)).then(function () { return Promise.all([loadKeys(), loadUsage()]); }).catch(function (err) { btn.disabled = false; report(err); });
    });
    return btn;
  }
  function renderKeyFilter() {
    var sel = $('usage-key');
    var current = state.usageKey;
    clear(sel);
    sel.appendChild(h('option', { value: '', text: 'All keys' }));
    state.keys.forEach(function (k) {
      sel.appendChild(h('option', { value: k.id, text: (k.name || k.id) + (k.revoked_at ? ' (revoked)' : '') }));
    });
    sel.value = state.keysById[current] ? current : '';
    state.usageKey = sel.value;
  }
  function optionalInt(value) { if (value === '') return null; var n = Number(value); return Number.isFinite(n) ? Math.floor(n) : null; }
  function onCreateKey(ev) {
    ev.preventDefault();
    var form = ev.target;
    var f = form.elements;
    var body = { name: f.namedItem('name').value.trim() };
    var models = f.namedItem('models').value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    if (models.length) body.models = models;
    var rpm = optionalInt(f.namedItem('rpm').value); if (rpm !== null) body.rpm = rpm;
    var tpm = optionalInt(f.namedItem('tpm').value); if (tpm !== null) body.tpm = tpm;
    var budget = f.namedItem('budget_usd').value;
    if (budget !== '') { body.budget_usd = Number(budget); body.budget_period = f.namedItem('budget_period').value || null; }
    var expires = f.namedItem('expires_at').value;
    if (expires) body.expires_at = expires + 'T23:59:59Z';
    var submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    api('POST', '/keys', body).then(function (created) {
      form.reset();
      showNewKey(created);
      return loadKeys();
    }).catch(report).then(function () { submit.disabled = false; });
  }
  function showNewKey(created) {
    var box = clear($('new-key'));
    var secret = h('code', { id: 'new-key-secret', text: created && created.key ? created.key : '' });
    var copy = h('button', { type: 'button', text: 'Copy' });
    copy.addEventListener('click', function () {
      var done = function () { copy.textContent = 'Copied'; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(secret.textContent).then(done, function () { selectText(secret); });
      else selectText(secret);
    });
    var dismiss = h('button', { type: 'button', text: 'Done' });
    dismiss.addEventListener('click', function () { clear(box); box.hidden = true; });
    append(box, [
      h('strong', { text: 'Key "' + (created.name || created.id) + '" created.' }),
      h('span', { text: ' Copy it now: it is shown only once and Portico stores only its hash.' }),
      h('div', { class: 'secret-row' }, secret, copy, dismiss),
    ]);
    box.hidden = false;
  }
  function selectText(el) { var r = document.createRange(); r.selectNodeContents(el); var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }

  // ---------- usage ----------
  function rangeBounds() {
    var today = Math.floor(Date.now() / DAY) * DAY;
    return { since: today - (state.rangeDays - 1) * DAY, until: today + DAY };
  }
  // ISO 8601 bounds: unambiguous (a bare number could be read as seconds or milliseconds).
  function getUsage(groupBy) {
    var b = rangeBounds();
    return api('GET', '/usage' + qs({ key_id: state.usageKey, since: new Date(b.since).toISOString(), until: new Date(b.until).toISOString(), group_by: groupBy }));
  }
  function loadUsage() {
    return Promise.all([getUsage('day'), getUsage('model')]).then(function (r) {
      renderTotals(r[0] || {});
      renderDaily(listOf(r[0]));
      renderModels(listOf(r[1]));
      touch();
    }).catch(report);
  }
  function renderTotals(t) {
    var el = clear($('usage-totals'));
    var items = [
      ['Requests', fmtInt(t.requests)],
      ['Prompt tokens', fmtInt(t.prompt_tokens)],
      ['Completion tokens', fmtInt(t.completion_tokens)],
      ['Cache read', fmtInt(t.cache_read_tokens)],
      ['Cache write', fmtInt(t.cache_write_tokens)],
      ['Cost', fmtUsd(t.cost_usd)],
    ];
    items.forEach(function (it) { el.appendChild(h('div', null, h('b', { text: it[1] }), h('span', { text: it[0] }))); });
    el.setAttribute('data-requests', String(num(t.requests)));
  }
  function dayOf(row) {
    var v = row.day !== undefined ? row.day : row.group !== undefined ? row.group : row.date;
    var t = toMs(v);
    return t === null ? null : Math.floor(t / DAY) * DAY;
  }
  function renderDaily(rows) {
    var b = rangeBounds();
    var byDay = {};
    rows.forEach(function (r) { var d = dayOf(r); if (d !== null) byDay[d] = r; });
    var xs = [], req = [], input = [], cacheRead = [], cacheWrite = [], output = [], cost = [];
    for (var d = b.since; d < b.until; d += DAY) {
      var r = byDay[d] || {};
      xs.push(d / 1000);
      req.push(num(r.requests));
      var cr = num(r.cache_read_tokens), cw = num(r.cache_write_tokens);
      input.push(r.input_tokens !== undefined ? num(r.input_tokens) : Math.max(0, num(r.prompt_tokens) - cr - cw));
      cacheRead.push(cr);
      cacheWrite.push(cw);
      output.push(num(r.completion_tokens));
      cost.push(num(r.cost_usd));
    }
    chart('chart-requests', 'Requests per day', xs, [{ label: 'Requests', values: req, color: '#2453d4', bars: true, fmt: fmtInt }]);
    chart('chart-tokens', 'Tokens per day', xs, [
      { label: 'Input', values: input, color: '#2453d4', fmt: fmtInt },
      { label: 'Cache read', values: cacheRead, color: '#16a34a', fmt: fmtInt },
      { label: 'Cache write', values: cacheWrite, color: '#d97706', fmt: fmtInt },
      { label: 'Output', values: output, color: '#9333ea', fmt: fmtInt },
    ]);
    chart('chart-cost', 'Cost per day (USD)', xs, [{ label: 'Cost', values: cost, color: '#0f766e', bars: true, fmt: fmtUsd }]);
  }
  function chart(id, title, xs, series) {
    var box = $(id);
    state.charts = state.charts.filter(function (c) { if (c.id === id) c.u.destroy(); return c.id !== id; });
    var plot = clear(box.querySelector('.plot'));
    box.setAttribute('data-total', String(series[0].values.reduce(function (a, v) { return a + v; }, 0)));
    var width = Math.max(240, plot.clientWidth || box.clientWidth - 16);
    if (window.uPlot) {
      var U = window.uPlot;
      var bars = U.paths && U.paths.bars ? U.paths.bars({ size: [0.7, 28] }) : null;
      var opts = {
        width: width, height: 200,
        legend: { show: true },
        cursor: { points: { size: 6 } },
        scales: {
          x: { time: true, range: function (u, min, max) { return [min - 43200, max + 43200]; } },
          y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } },
        },
        axes: [
          { stroke: '#667085', grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { var d = new Date(v * 1000); return (d.getUTCMonth() + 1) + '/' + d.getUTCDate(); }); } },
          { stroke: '#667085', size: series[0].fmt === fmtUsd ? 72 : 56, grid: { stroke: '#eef0f3' }, values: function (u, vals) { return vals.map(series[0].fmt === fmtUsd ? function (v) { return '$' + shortNum(v); } : shortNum); } },
        ],
        series: [{ label: 'Day', value: function (u, v) { return v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 10); } }].concat(series.map(function (s) {
          return {
            label: s.label, stroke: s.color, width: s.bars ? 1 : 2,
            fill: s.bars ? s.color + 'cc' : s.color + '14',
            paths: s.bars && bars ? bars : undefined,
            points: { show: !s.bars && xs.length <= 14 },
            value: function (u, v) { return v === null ? '–' : s.fmt(v); },
          };
        })),
      };
      var u = new U(opts, [xs].concat(series.map(function (s) { return s.values; })), plot);
      state.charts.push({ id: id, u: u, plot: plot });
    } else {
      svgBars(plot, xs, series[0], width);
    }
  }
  // Fallback when uPlot is not served (e.g. on Workers without assets): plain SVG bars of the first series.
  function svgBars(plot, xs, s, width) {
    var NS = 'http://www.w3.org/2000/svg', H = 200, left = 8, top = 18, bottom = 22;
    function el(tag, attrs, text) {
      var node = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
      if (text !== undefined) node.textContent = text;
      return node;
    }
    var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + H, role: 'img', 'aria-label': s.label + ' per day' });
    var max = Math.max.apply(null, s.values.concat([0])) || 1;
    var plotH = H - top - bottom;
    var bw = (width - left * 2) / Math.max(1, xs.length);
    svg.appendChild(el('line', { x1: left, x2: width - left, y1: top, y2: top, stroke: '#eef0f3' }));
    s.values.forEach(function (v, i) {
      var bh = (plotH * v) / max;
      var rect = el('rect', { x: left + i * bw + bw * 0.15, y: top + plotH - bh, width: Math.max(1, bw * 0.7), height: bh, fill: s.color });
      rect.appendChild(el('title', {}, new Date(xs[i] * 1000).toISOString().slice(0, 10) + ': ' + s.fmt(v)));
      svg.appendChild(rect);
    });
    svg.appendChild(el('line', { x1: left, x2: width - left, y1: top + plotH, y2: top + plotH, stroke: '#c9ced6' }));
    svg.appendChild(el('text', { x: left, y: 12 }, 'max ' + s.fmt(max)));
    var day = function (i) { var d = new Date(xs[i] * 1000); return (d.getUTCMonth() + 1) + '/' + d.getUTCDate(); };
    if (xs.length) {
      svg.appendChild(el('text', { x: left, y: H - 6 }, day(0)));
      svg.appendChild(el('text', { x: width / 2, y: H - 6, 'text-anchor': 'middle' }, day(Math.floor(xs.length / 2))));
      svg.appendChild(el('text', { x: width - left, y: H - 6, 'text-anchor': 'end' }, day(xs.length - 1)));
    }
    plot.appendChild(svg);
  }
  function renderModels(rows) {
    var body = clear($('models-body'));
    if (!rows.length) { body.appendChild(h('tr', null, h('td', { colspan: 6, class: 'empty', text: 'No usage in this range.' }))); return; }
    rows = rows.slice().sort(function (a, b) { return num(b.cost_usd) - num(a.cost_usd) || num(b.requests) - num(a.requests); });
    var byCost = rows.some(function (r) { return num(r.cost_usd) > 0; });
    var max = Math.max.apply(null, rows.map(function (r) { return byCost ? num(r.cost_usd) : num(r.requests); })) || 1;
    rows.forEach(function (r) {
      var bar = h('div', { class: 'bar' });
      bar.style.width = ((100 * (byCost ? num(r.cost_usd) : num(r.requests))) / max).toFixed(1) + '%';
      body.appendChild(h('tr', null,
        h('td', { class: 'wrap mono', text: r.model !== undefined ? r.model : r.group }),
        h('td', { class: 'num', text: fmtInt(r.requests) }),
        h('td', { class: 'num', text: fmtInt(r.prompt_tokens) }),
        h('td', { class: 'num', text: fmtInt(r.completion_tokens) }),
        h('td', { class: 'num', text: fmtUsd(r.cost_usd) }),
        h('td', { class: 'bar-cell' }, bar)));
    });
  }

  // ---------- recent requests ----------
  function statusBadge(r) {
    var s = num(r.status);
    var cls = s >= 500 || (s < 400 && r.errorCode) ? 'bad' : s >= 400 ? 'warn' : 'ok';
    return h('span', { class: 'badge ' + cls, title: r.errorCode || null, text: String(s) + (r.errorCode ? ' ' + r.errorCode : '') });
  }
  function keyName(id) {
    if (id === null || id === undefined) return 'master';
    var k = state.keysById[id];
    return k ? k.name || id : id;
  }
  // The admin API's request objects are snake_case; UsageRecord-shaped (camelCase) rows are accepted too.
  function pick(r, snake, camel) { return r[snake] !== undefined ? r[snake] : r[camel]; }
  function normRequest(r) {
    var promptTokens = pick(r, 'prompt_tokens', 'promptTokens');
    if (promptTokens === undefined) promptTokens = num(r.inputTokens) + num(r.cacheReadTokens) + num(r.cacheWrite5mTokens) + num(r.cacheWrite1hTokens);
    return {
      requestId: pick(r, 'request_id', 'requestId'),
      keyId: pick(r, 'key_id', 'keyId'),
      createdAt: r.created_at_ms !== undefined ? r.created_at_ms : pick(r, 'created_at', 'createdAt'),
      modelRequested: pick(r, 'model_requested', 'modelRequested'),
      modelServed: r.model !== undefined ? r.model : r.modelServed,
      status: r.status,
      errorCode: pick(r, 'error_code', 'errorCode'),
      latencyMs: pick(r, 'latency_ms', 'latencyMs'),
      ttftMs: pick(r, 'ttft_ms', 'ttftMs'),
      promptTokens: promptTokens,
      outputTokens: pick(r, 'completion_tokens', 'outputTokens'),
      costUsd: pick(r, 'cost_usd', 'costUsd'),
      cancelled: !!r.cancelled,
      stream: !!r.stream,
    };
  }
  function loadRequests() {
    return api('GET', '/requests' + qs({ limit: 50, key_id: state.usageKey })).then(function (json) {
      var rows = listOf(json).map(normRequest);
      var body = clear($('requests-body'));
      $('requests-table').setAttribute('data-count', String(rows.length));
      if (!rows.length) { body.appendChild(h('tr', null, h('td', { colspan: 10, class: 'empty', text: 'No requests yet.' }))); return; }
      rows.forEach(function (r) {
        var served = r.modelServed && r.modelServed !== r.modelRequested ? ' → ' + r.modelServed : '';
        var flags = [];
        if (r.stream) flags.push(h('span', { class: 'badge muted', text: 'stream' }));
        if (r.cancelled) flags.push(h('span', { class: 'badge warn', text: 'cancelled' }));
        body.appendChild(h('tr', { 'data-request-id': r.requestId },
          h('td', { text: fmtTime(r.createdAt) }),
          h('td', { class: 'mono small', text: r.requestId }),
          h('td', { class: 'wrap', text: keyName(r.keyId) }),
          h('td', { class: 'wrap mono', text: (r.modelRequested || '') + served }),
          h('td', null, statusBadge(r)),
          h('td', { class: 'num', text: fmtMs(r.latencyMs) }),
          h('td', { class: 'num', text: fmtMs(r.ttftMs) }),
          h('td', { class: 'num', text: fmtInt(r.promptTokens) + ' / ' + fmtInt(r.outputTokens) }),
          h('td', { class: 'num', text: fmtUsd(r.costUsd) }),
          h('td', null, flags)));
      });
      touch();
    }).catch(report);
  }

  // ---------- wiring ----------
  function init() {
    $('login-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var key = $('login-key').value.trim();
      if (!key) return;
      $('login-error').textContent = '';
      var btn = $('login-form').querySelector('button');
      btn.disabled = true;
      signIn(key).catch(function (err) {
        $('login-error').textContent = err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? 'That is not the master key.' : 'Could not reach the admin API: ' + (err && err.message ? err.message : String(err));
      }).then(function () { btn.disabled = false; });
    });
    $('signout').addEventListener('click', function () { signOut(''); });
    $('create-key-form').addEventListener('submit', onCreateKey);
    $('usage-key').addEventListener('change', function (ev) { state.usageKey = ev.target.value; loadUsage(); loadRequests(); });
    $('usage-range').addEventListener('change', function (ev) { state.rangeDays = Number(ev.target.value) || 30; loadUsage(); });
    $('refresh').addEventListener('click', function () { refreshAll(); });
    $('requests-refresh').addEventListener('click', function () { loadRequests(); });
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        state.charts.forEach(function (c) { c.u.setSize({ width: Math.max(240, c.plot.clientWidth), height: 200 }); });
      }, 150);
    });
    var saved = sessionStorage.getItem(STORE);
    if (saved) { state.key = saved; showApp(); } else { $('login-view').hidden = false; $('login-key').focus(); }
  }
  init();
})();
`;
