// Reduce repeated runs to medians, compute ratios and the PASS/FAIL targets, and render Markdown.
import type { Metrics } from './scenarios.ts';
import { median, spread } from './stats.ts';
import { TARGET_LABEL, type TargetId } from './targets.ts';

export const NOISE_THRESHOLD = 0.2;

export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  digits: number;
}

export function metricCatalogue(concurrency: number[]): MetricDef[] {
  const m: MetricDef[] = [];
  for (const c of concurrency) {
    m.push({ key: `ns.c${c}.rps`, label: `(a) non-stream c=${c} throughput`, unit: 'req/s', better: 'higher', digits: 0 });
    m.push({ key: `ns.c${c}.p50Ms`, label: `(a) non-stream c=${c} latency p50`, unit: 'ms', better: 'lower', digits: 3 });
    m.push({ key: `ns.c${c}.p99Ms`, label: `(a) non-stream c=${c} latency p99`, unit: 'ms', better: 'lower', digits: 3 });
    m.push({ key: `ns.c${c}.cpuUtil`, label: `(a) non-stream c=${c} target CPU (1.0 = its core saturated)`, unit: 'cores', better: 'none', digits: 2 });
  }
  m.push(
    { key: 'st.perSecond', label: '(b) stream 200 tok: throughput', unit: 'streams/s', better: 'higher', digits: 0 },
    { key: 'st.ttfbP50Ms', label: '(b) stream: time to first byte p50', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'st.ttfbP99Ms', label: '(b) stream: time to first byte p99', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'st.ttftP50Ms', label: '(b) stream: time to first token p50', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'st.fullP50Ms', label: '(b) stream: full time p50', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'st.fullP99Ms', label: '(b) stream: full time p99', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'slow.idleRssMb', label: '(c) RSS idle', unit: 'MB', better: 'lower', digits: 1 },
    { key: 'slow.duringRssMb', label: '(c) RSS with the slow streams open', unit: 'MB', better: 'lower', digits: 1 },
    { key: 'slow.perStreamKb', label: '(c) RSS per open slow stream', unit: 'KB', better: 'lower', digits: 1 },
    { key: 'slow.ok', label: '(c) slow streams completed', unit: 'streams', better: 'higher', digits: 0 },
    { key: 'slow.peakOpen', label: '(c) slow streams open at once (peak)', unit: 'streams', better: 'higher', digits: 0 },
    { key: 'slow.ttftP99Ms', label: '(c) slow streams: first token p99', unit: 'ms', better: 'lower', digits: 1 },
    { key: 'slow.maxGapP99Ms', label: '(c) slow streams: max gap p99', unit: 'ms', better: 'lower', digits: 1 },
    { key: 'slow.cpuPerTokenUs', label: '(c) slow streams: CPU per token (first scenario, light warm-up)', unit: 'µs', better: 'lower', digits: 1 },
    { key: 'paced.cpuPerTokenUs', label: "(c') slow streams again, warm: CPU per token", unit: 'µs', better: 'lower', digits: 1 },
    { key: 'paced.ttftP99Ms', label: "(c') slow streams again, warm: first token p99", unit: 'ms', better: 'lower', digits: 1 },
    { key: 'cpu.perRequestUs', label: '(d) CPU per non-stream request', unit: 'µs', better: 'lower', digits: 0 },
    { key: 'cpu.perStreamUs', label: '(d) CPU per 200-token stream', unit: 'µs', better: 'lower', digits: 0 },
    { key: 'cpu.perTokenUs', label: '(d) CPU per streamed token', unit: 'µs', better: 'lower', digits: 2 },
    { key: 'gap.maxGapP50Ms', label: '(e) paced stream: max inter-token gap p50', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'gap.maxGapP99Ms', label: '(e) paced stream: max inter-token gap p99', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'gap.ttftP50Ms', label: '(e) paced stream: time to first token p50', unit: 'ms', better: 'lower', digits: 2 },
    { key: 'env.busyBeforePct', label: 'machine busy before the run (others)', unit: '%', better: 'none', digits: 0 },
  );
  return m;
}

export interface TargetRun {
  run: number;
  target: TargetId;
  ok: boolean;
  error?: string;
  /** Portico only: the code that ran (the tree is shared, so it can change between runs). */
  code?: { commit: string; dirtySrcFiles: number };
  metrics: Metrics;
}

export interface Aggregate {
  median: number;
  min: number;
  max: number;
  spread: number;
  noisy: boolean;
  n: number;
}

export type Aggregates = Partial<Record<TargetId, Record<string, Aggregate>>>;

export function aggregate(runs: TargetRun[]): Aggregates {
  const out: Aggregates = {};
  const byTarget = new Map<TargetId, TargetRun[]>();
  for (const r of runs) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  for (const [t, rs] of byTarget) {
    const keys = new Set(rs.flatMap((r) => Object.keys(r.metrics)));
    const agg: Record<string, Aggregate> = {};
    for (const k of keys) {
      const v = rs.map((r) => r.metrics[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      if (v.length === 0) continue;
      const s = spread(v);
      agg[k] = { median: median(v), min: Math.min(...v), max: Math.max(...v), spread: s, noisy: s > NOISE_THRESHOLD, n: v.length };
    }
    out[t] = agg;
  }
  return out;
}

export interface Check {
  name: string;
  status: 'PASS' | 'FAIL' | 'N/A';
  detail: string;
}

export function checks(agg: Aggregates, concurrency: number[]): Check[] {
  const used: Aggregate[] = [];
  const get = (t: TargetId, k: string): number | undefined => {
    const a = agg[t]?.[k];
    if (a !== undefined) used.push(a);
    return a?.median;
  };
  const res: Check[] = [];
  const push = (name: string, ok: boolean | undefined, detail: string): void => {
    // A verdict resting on a noisy median (or on a single run) says so.
    const noisy = used.some((a) => a.noisy);
    const single = used.some((a) => a.n < 2);
    const flags = [noisy ? '⚠ noisy input' : '', single ? 'from 1 run only' : ''].filter(Boolean).join(', ');
    used.length = 0;
    res.push({ name, status: ok === undefined ? 'N/A' : ok ? 'PASS' : 'FAIL', detail: flags ? `${detail} (${flags})` : detail });
  };
  const f = (v: number | undefined, d = 2): string => (v === undefined ? '–' : v.toFixed(d));
  const c50 = concurrency.includes(50) ? 50 : concurrency[concurrency.length - 1]!;
  const c1 = concurrency.includes(1) ? 1 : concurrency[0]!;
  {
    const p = get('portico', `ns.c${c50}.rps`);
    const fl = get('floor', `ns.c${c50}.rps`);
    const pk = get('portkey', `ns.c${c50}.rps`);
    push(
      `non-stream throughput c=${c50} ≥ 80% of floor`,
      p !== undefined && fl !== undefined ? p >= 0.8 * fl : undefined,
      `Portico ${f(p, 0)} req/s vs floor ${f(fl, 0)} (${p !== undefined && fl !== undefined ? ((100 * p) / fl).toFixed(0) : '–'}%)`,
    );
    push(
      `non-stream throughput c=${c50} ≥ 10× Portkey`,
      p !== undefined && pk !== undefined ? p >= 10 * pk : undefined,
      `Portico ${f(p, 0)} req/s vs Portkey ${f(pk, 0)} (${p !== undefined && pk !== undefined ? (p / pk).toFixed(1) : '–'}×)`,
    );
  }
  for (const [q, limit] of [
    ['p50', 0.3],
    ['p99', 1],
  ] as const) {
    const p = get('portico', `ns.c${c1}.${q}Ms`);
    const fl = get('floor', `ns.c${c1}.${q}Ms`);
    const d = p !== undefined && fl !== undefined ? p - fl : undefined;
    push(`added latency c=${c1} ${q} ≤ ${limit} ms`, d !== undefined ? d <= limit : undefined, `Portico − floor = ${f(d, 3)} ms`);
  }
  for (const [key, what] of [
    ['paced.cpuPerTokenUs', 'paced: 1,000 streams, one token per 100 ms, warm'],
    ['cpu.perTokenUs', 'burst: 200 tokens without delay'],
  ] as const) {
    const p = get('portico', key);
    const fl = get('floor', key);
    push(
      `streaming CPU per token ≤ 1.5× floor (${what})`,
      p !== undefined && fl !== undefined ? p <= 1.5 * fl : undefined,
      `Portico ${f(p)} µs vs floor ${f(fl)} µs (${p !== undefined && fl !== undefined ? (p / fl).toFixed(2) : '–'}×)`,
    );
  }
  {
    const p = get('portico', 'gap.maxGapP50Ms');
    const fl = get('floor', 'gap.maxGapP50Ms');
    const d = p !== undefined && fl !== undefined ? p - fl : undefined;
    push('max inter-token gap within 1 ms of floor', d !== undefined ? d <= 1 : undefined, `Portico ${f(p)} ms vs floor ${f(fl)} ms (Δ ${f(d, 3)} ms)`);
  }
  {
    const p = get('portico', 'slow.perStreamKb');
    push('slow streams ≤ 60 KB RSS per stream above idle', p !== undefined ? p <= 60 : undefined, `Portico ${f(p, 1)} KB per stream`);
  }
  return res;
}

export interface Machine {
  /** Commit of the repo (Portico) that was measured. */
  porticoCommit: string;
  cpuModel: string;
  cores: number;
  node: string;
  kernel: string;
  wrk: string;
  date: string;
  loadAvgAtStart: number[];
}

export interface Report {
  machine: Machine;
  config: unknown;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  targets: TargetId[];
  failures: { target: TargetId; run: number; error: string }[];
  notes: string[];
  runs: TargetRun[];
  medians: Aggregates;
  ratios: Record<string, { porticoOverFloor?: number; porticoOverPortkey?: number }>;
  checks: Check[];
  porticoMeasured: boolean;
  noisy: string[];
}

export function ratios(agg: Aggregates, defs: MetricDef[]): Report['ratios'] {
  const out: Report['ratios'] = {};
  for (const d of defs) {
    const p = agg.portico?.[d.key]?.median;
    if (p === undefined) continue;
    const fl = agg.floor?.[d.key]?.median;
    const pk = agg.portkey?.[d.key]?.median;
    out[d.key] = {
      ...(fl !== undefined && fl !== 0 ? { porticoOverFloor: p / fl } : {}),
      ...(pk !== undefined && pk !== 0 ? { porticoOverPortkey: p / pk } : {}),
    };
  }
  return out;
}

function fmt(v: number | undefined, digits: number): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function renderMarkdown(r: Report, defs: MetricDef[]): string {
  const L: string[] = [];
  const m = r.machine;
  L.push(`# Portico benchmark results`, '');
  L.push(`- Date: ${r.startedAt} (took ${Math.round(r.durationS)} s, mode \`${(r.config as { mode: string }).mode}\`, ${(r.config as { runs: number }).runs} runs, medians shown)`);
  L.push(`- Machine: ${m.cpuModel}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, ${m.wrk}; load average at start ${m.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}`);
  L.push(`- Pinning: target on core ${(r.config as { targetCpu: string }).targetCpu}; load generator and upstream mock on core ${(r.config as { loadCpu: string }).loadCpu}${(r.config as { pin: boolean }).pin ? '' : ' (DISABLED: --no-pin)'}`);
  const codes = [...new Set(r.runs.filter((x) => x.target === 'portico' && x.code).map((x) => `${x.code!.commit}${x.code!.dirtySrcFiles > 0 ? ` + ${x.code!.dirtySrcFiles} uncommitted files in src/` : ''}`))];
  const code = codes.length > 0 ? codes.join('; ') : `commit ${m.porticoCommit}`;
  L.push(`- Portico measured: **${r.porticoMeasured ? `yes (${code})` : 'no'}**${codes.length > 1 ? ' — **the code changed between runs**' : ''}`);
  if (r.noisy.length > 0) L.push(`- **Noisy run:** ${r.noisy.length} medians have a min–max spread above ${NOISE_THRESHOLD * 100}% (marked ⚠ below).`);
  L.push('');
  const cols = r.targets.filter((t) => r.medians[t] !== undefined);
  const hasPortico = cols.includes('portico');
  L.push('## PASS/FAIL targets', '');
  L.push('| target | result | detail |', '|---|---|---|');
  for (const c of r.checks) L.push(`| ${c.name} | ${c.status === 'PASS' ? '✅ PASS' : c.status === 'FAIL' ? '❌ FAIL' : 'N/A'} | ${c.detail} |`);
  L.push('');
  L.push('## Results (median of runs; ⚠ = min–max spread > 20%)', '');
  const head = ['metric', 'unit', ...cols.map((t) => TARGET_LABEL[t])];
  if (hasPortico && cols.includes('floor')) head.push('Portico/floor');
  if (hasPortico && cols.includes('portkey')) head.push('Portico/Portkey');
  L.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
  for (const d of defs) {
    const cells = cols.map((t) => {
      const a = r.medians[t]?.[d.key];
      return a === undefined ? '–' : `${fmt(a.median, d.digits)}${a.noisy && d.better !== 'none' ? ' ⚠' : ''}`;
    });
    if (cells.every((c) => c === '–')) continue;
    const row = [d.label, d.unit, ...cells];
    if (hasPortico && cols.includes('floor')) row.push(fmt(r.ratios[d.key]?.porticoOverFloor, 2));
    if (hasPortico && cols.includes('portkey')) row.push(fmt(r.ratios[d.key]?.porticoOverPortkey, 2));
    L.push(`| ${row.join(' | ')} |`);
  }
  L.push('');
  if (r.failures.length > 0 || r.notes.length > 0) {
    L.push('## Failures and notes', '');
    for (const f of r.failures) L.push(`- **${TARGET_LABEL[f.target]} run ${f.run} failed:** ${f.error.replace(/\n/g, ' ')}`);
    for (const n of r.notes) L.push(`- ${n}`);
    L.push('');
  }
  if (r.noisy.length > 0) {
    L.push('## Spread of noisy medians', '');
    L.push('| target | metric | min | median | max | spread |', '|---|---|---:|---:|---:|---:|');
    for (const k of r.noisy) {
      const [t, key] = k.split(':') as [TargetId, string];
      const a = r.medians[t]?.[key];
      const d = defs.find((x) => x.key === key);
      if (a === undefined || d === undefined) continue;
      L.push(`| ${TARGET_LABEL[t]} | ${d.label} | ${fmt(a.min, d.digits)} | ${fmt(a.median, d.digits)} | ${fmt(a.max, d.digits)} | ${(a.spread * 100).toFixed(0)}% |`);
    }
    L.push('');
  }
  return L.join('\n');
}
