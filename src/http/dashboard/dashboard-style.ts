/** The admin page's stylesheet, served as /admin/assets/dashboard.css. Plain CSS, no framework. */
export const DASHBOARD_CSS = String.raw`
:root {
  --bg: #f5f6f8; --card: #fff; --ink: #1c2330; --muted: #667085; --line: #e4e7ec;
  --brand: #2453d4; --brand-ink: #fff; --ok: #16794a; --ok-bg: #e5f5ec; --warn: #a15c07; --warn-bg: #fdf1dc;
  --bad: #b42318; --bad-bg: #fde8e7; --radius: 10px;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
[hidden] { display: none !important; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
h1, h2, h3 { margin: 0; font-weight: 600; }
h1 { font-size: 20px; }
h2 { font-size: 15px; }
h3 { font-size: 13px; color: var(--muted); font-weight: 500; }
.muted { color: var(--muted); }
.small { font-size: 12px; }

.top { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 16px; padding: 10px 24px;
  background: #141a26; color: #e8ecf3; }
.brand { font-weight: 700; font-size: 16px; letter-spacing: .2px; }
.brand span { font-weight: 400; color: #9aa4b5; margin-left: 4px; }
.top .spacer { flex: 1; }
.top .updated { font-size: 12px; color: #9aa4b5; }

main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px; margin-bottom: 18px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04); }
.card-head { display: flex; align-items: center; gap: 12px; margin-bottom: 12px; flex-wrap: wrap; }
.card-head .spacer { flex: 1; }

button, .button { font: inherit; border: 1px solid var(--line); background: #fff; color: var(--ink); border-radius: 7px;
  padding: 6px 12px; cursor: pointer; }
button:hover { background: #f0f2f5; }
button.primary { background: var(--brand); border-color: var(--brand); color: var(--brand-ink); }
button.primary:hover { background: #1d45b3; }
button.danger { color: var(--bad); border-color: #f3c1bd; }
button.danger.confirm { background: var(--bad); color: #fff; border-color: var(--bad); }
button.ghost { background: transparent; color: inherit; border-color: rgba(255, 255, 255, .25); }
button.ghost:hover { background: rgba(255, 255, 255, .08); }
button:disabled { opacity: .55; cursor: default; }
input, select { font: inherit; color: inherit; border: 1px solid #cfd4dc; border-radius: 7px; padding: 6px 9px; background: #fff; min-width: 0; }
input:focus, select:focus, button:focus-visible { outline: 2px solid #9db4f5; outline-offset: 1px; }
label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }

.login { max-width: 420px; margin: 12vh auto; }
.login form { display: flex; flex-direction: column; gap: 12px; }
.login p { margin: 0; color: var(--muted); }
.error { color: var(--bad); min-height: 1.2em; margin: 0; }
.flash { position: fixed; right: 18px; bottom: 18px; max-width: 420px; padding: 10px 14px; border-radius: 8px; background: var(--bad);
  color: #fff; box-shadow: 0 6px 20px rgba(0, 0, 0, .18); z-index: 10; }

.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: #fbfcfd; }
.stat .label { font-size: 12px; color: var(--muted); }
.stat .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 2px; }
.stat .detail { font-size: 11.5px; color: var(--muted); margin-top: 2px; overflow-wrap: anywhere; }
.stat.bad .value { color: var(--bad); }

.create-key { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 14px; }
.create-key label { flex: 1 1 90px; }
.create-key label.wide { flex: 2 1 170px; }
.create-key button { height: 33px; white-space: nowrap; flex: 0 0 auto; }
.new-key { border: 1px solid #b7d7c4; background: var(--ok-bg); border-radius: 8px; padding: 12px 14px; margin-bottom: 14px; }
.new-key .secret-row { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
.new-key code { background: #fff; border: 1px solid #b7d7c4; border-radius: 6px; padding: 6px 8px; user-select: all; overflow-wrap: anywhere; }

.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { font-size: 12px; font-weight: 500; color: var(--muted); background: #fafbfc; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; overflow-wrap: anywhere; max-width: 260px; }
tbody tr:hover { background: #fafbff; }
tr.revoked td { color: var(--muted); }
.empty { color: var(--muted); padding: 14px 10px; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 500; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.muted { background: #eef0f3; color: var(--muted); }

.totals { display: flex; gap: 22px; flex-wrap: wrap; margin-bottom: 12px; }
.totals div { display: flex; flex-direction: column; }
.totals b { font-size: 17px; font-variant-numeric: tabular-nums; }
.totals span { font-size: 12px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; }
@media (max-width: 1000px) { .charts { grid-template-columns: 1fr; } }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 8px 8px 2px; min-height: 250px; }
.chart h3 { margin: 0 0 4px 4px; }
.chart .plot { width: 100%; }
.chart svg { display: block; width: 100%; height: 200px; }
.chart svg text { font-size: 10px; fill: var(--muted); }
.by-model { margin-top: 14px; }
.bar { height: 8px; border-radius: 4px; background: #9db4f5; min-width: 2px; }
.bar-cell { width: 30%; min-width: 120px; vertical-align: middle; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
`;
