// The benchmark scenarios, run against one started target. Each returns flat metrics (key → number)
// so that repetitions can be reduced to medians generically (see report.ts for the metric catalogue).
import { spawn } from 'node:child_process';
import type { LoadResult, LoadSpec } from '../load-client.ts';
import type { BenchConfig } from './config.ts';
import { launcher, readCpuMs, readRssKb, sleep } from './proc.ts';
import type { RunningTarget } from './targets.ts';
import { runWrk } from './wrk.ts';

export type Metrics = Record<string, number>;

export interface ScenarioEnv {
  cfg: BenchConfig;
  repoRoot: string;
  upstreamPort: number;
  target: RunningTarget;
  note: (msg: string) => void;
}

/** Set the token count / delay on the upstream mock (and on the mock target, which is its own upstream). */
export async function configureMock(env: ScenarioEnv, tokens: number, delayMs: number): Promise<void> {
  const ports = [env.upstreamPort, ...(env.target.mockConfigPort !== undefined ? [env.target.mockConfigPort] : [])];
  for (const port of ports) {
    const res = await fetch(`http://127.0.0.1:${port}/__bench/config`, {
      method: 'POST',
      body: JSON.stringify({ tokens, delayMs }),
    });
    if (!res.ok) throw new Error(`mock config on ${port}: HTTP ${res.status}`);
    await res.arrayBuffer();
  }
}

export async function runLoad(env: ScenarioEnv, spec: LoadSpec): Promise<LoadResult> {
  const args = ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify(spec)];
  const full = [...launcher(env.cfg, env.cfg.loadCpu), process.execPath, ...args];
  const cmd = full[0]!;
  const argv = full.slice(1);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: env.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`load client exited ${code}: ${err.trim().slice(0, 500)}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

function checkErrors(env: ScenarioEnv, what: string, ok: number, errors: number, samples: string[] = []): void {
  if (errors > 0) env.note(`${env.target.id} ${what}: ${errors} errors of ${ok + errors}${samples.length ? ` (${samples[0]})` : ''}`);
}

/** Functional probe: a target that cannot answer one request and one stream is reported, not measured. */
export async function probe(env: ScenarioEnv): Promise<void> {
  await configureMock(env, 5, 0);
  for (const stream of [false, true]) {
    const r = env.target.request(stream);
    const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`probe (${stream ? 'stream' : 'json'}) got HTTP ${res.status}: ${text.slice(0, 300)}`);
    const tokens = text.split('~').length - 1;
    if (tokens !== 5) throw new Error(`probe (${stream ? 'stream' : 'json'}) expected 5 tokens, saw ${tokens}: ${text.slice(0, 300)}`);
  }
}

/** Light warm-up (a few hundred requests and streams): before the slow-streams scenario. */
export async function warmup(env: ScenarioEnv): Promise<void> {
  const { cfg } = env;
  await configureMock(env, cfg.nonStreamTokens, 0);
  const r = env.target.request(false);
  await runLoad(env, { ...r, stream: false, concurrency: 10, mode: 'fixed', total: cfg.warmupRequests, durationS: 10 });
  await configureMock(env, 20, 0);
  const s = env.target.request(true);
  await runLoad(env, { ...s, stream: true, concurrency: 10, mode: 'fixed', total: Math.ceil(cfg.warmupRequests / 5), durationS: 10 });
}

/** Steady-state warm-up (time-based, see BenchConfig.warmupS): before the throughput and CPU scenarios. */
export async function steadyWarmup(env: ScenarioEnv): Promise<void> {
  const { cfg } = env;
  await configureMock(env, cfg.nonStreamTokens, 0);
  await runLoad(env, { ...env.target.request(false), stream: false, concurrency: 10, mode: 'duration', durationS: cfg.warmupS / 2 });
  await configureMock(env, 20, 0);
  await runLoad(env, { ...env.target.request(true), stream: true, concurrency: 10, mode: 'duration', durationS: cfg.warmupS / 2 });
}

/** (c) N slow streams held open: RSS of the target, idle vs during. */
export async function slowStreams(env: ScenarioEnv, prefix: 'slow' | 'paced' = 'slow'): Promise<Metrics> {
  const { cfg, target } = env;
  const pid = target.service.pid;
  await sleep(1000);
  const idleKb = readRssKb(pid);
  await configureMock(env, cfg.slowTokens, cfg.slowDelayMs);
  const samples: { t: number; kb: number }[] = [];
  const timer = setInterval(() => {
    try {
      samples.push({ t: Date.now(), kb: readRssKb(pid) });
    } catch {
      /* process gone: reported by the load result */
    }
  }, 100);
  const cpu0 = readCpuMs(pid);
  let r: LoadResult;
  try {
    r = await runLoad(env, {
      ...target.request(true),
      stream: true,
      concurrency: cfg.slowStreams,
      mode: 'hold',
      rampPerStep: 50,
      expectTokens: cfg.slowTokens,
    });
  } finally {
    clearInterval(timer);
  }
  const cpuMs = readCpuMs(pid) - cpu0;
  checkErrors(env, 'slow streams', r.ok, r.errors, r.errorSamples);
  // RSS at the moment most streams were open at once (all of them, unless the target accepts streams
  // more slowly than the first ones finish): for each RSS sample, the open count the client saw then.
  const tl = r.openTimeline ?? [];
  const openAt = (t: number): number => {
    let open = 0;
    for (const [ts, n] of tl) {
      if (ts > t) break;
      open = n;
    }
    return open;
  };
  let best = { kb: idleKb, open: 0 };
  for (const smp of samples) {
    const open = openAt(smp.t);
    if (open > best.open || (open === best.open && smp.kb > best.kb)) best = { kb: smp.kb, open };
  }
  if (best.open < cfg.slowStreams) {
    env.note(`${target.id} slow streams: at most ${best.open} of ${cfg.slowStreams} were open at once (the first finished before the last started); RSS per stream uses ${best.open}`);
  }
  const duringKb = best.kb;
  if (prefix === 'paced') {
    // The warm re-run: only CPU and timing (the heap is no longer near-fresh, RSS would mislead).
    return {
      'paced.ok': r.ok,
      'paced.ttftP99Ms': r.ttftMs.p99,
      'paced.cpuPerTokenUs': r.tokensTotal > 0 ? (cpuMs * 1000) / r.tokensTotal : Number.NaN,
    };
  }
  return {
    'slow.ok': r.ok,
    'slow.errors': r.errors,
    'slow.idleRssMb': idleKb / 1024,
    'slow.duringRssMb': duringKb / 1024,
    'slow.perStreamKb': best.open > 0 ? (duringKb - idleKb) / best.open : Number.NaN,
    'slow.peakOpen': best.open,
    'slow.ttftP50Ms': r.ttftMs.p50,
    'slow.ttftP99Ms': r.ttftMs.p99,
    'slow.maxGapP50Ms': r.maxGapMs.p50,
    'slow.maxGapP99Ms': r.maxGapMs.p99,
    'slow.cpuPerTokenUs': r.tokensTotal > 0 ? (cpuMs * 1000) / r.tokensTotal : Number.NaN,
  };
}

/** (c') the same 1,000 slow streams again, at the end of the run (warm): CPU per paced token in steady state. */
export function pacedStreams(env: ScenarioEnv): Promise<Metrics> {
  return slowStreams(env, 'paced');
}

/** (a) non-streaming throughput and latency with wrk at each concurrency. */
export async function nonStream(env: ScenarioEnv): Promise<Metrics> {
  const { cfg, target } = env;
  await configureMock(env, cfg.nonStreamTokens, 0);
  const r = target.request(false);
  const m: Metrics = {};
  for (const c of cfg.nonStreamConcurrency) {
    const cpu0 = readCpuMs(target.service.pid);
    const w = await runWrk({
      url: r.url,
      headers: r.headers,
      body: r.body,
      connections: c,
      durationS: cfg.nonStreamDurationS,
      prefix: launcher(cfg, cfg.loadCpu),
    });
    const cpuMs = readCpuMs(target.service.pid) - cpu0;
    const errs = w.errors.connect + w.errors.read + w.errors.write + w.errors.status + w.errors.timeout;
    checkErrors(env, `non-stream c=${c}`, w.requests - errs, errs, [JSON.stringify(w.errors)]);
    m[`ns.c${c}.rps`] = (w.requests - w.errors.status) / w.durationS;
    m[`ns.c${c}.p50Ms`] = w.p50Ms;
    m[`ns.c${c}.p99Ms`] = w.p99Ms;
    m[`ns.c${c}.errors`] = errs;
    m[`ns.c${c}.cpuUtil`] = cpuMs / 1000 / w.durationS;
  }
  return m;
}

/** (b) streaming throughput: N-token streams with no delay. */
export async function stream(env: ScenarioEnv): Promise<Metrics> {
  const { cfg, target } = env;
  await configureMock(env, cfg.streamTokens, 0);
  const r = await runLoad(env, {
    ...target.request(true),
    stream: true,
    concurrency: cfg.streamConcurrency,
    mode: 'duration',
    durationS: cfg.streamDurationS,
    expectTokens: cfg.streamTokens,
  });
  checkErrors(env, 'stream', r.ok, r.errors, r.errorSamples);
  if (r.shortStreams > 0) env.note(`${target.id} stream: ${r.shortStreams} streams did not carry ${cfg.streamTokens} tokens`);
  return {
    'st.perSecond': r.perSecond,
    'st.ttfbP50Ms': r.ttfbMs.p50,
    'st.ttfbP99Ms': r.ttfbMs.p99,
    'st.ttftP50Ms': r.ttftMs.p50,
    'st.fullP50Ms': r.fullMs.p50,
    'st.fullP99Ms': r.fullMs.p99,
    'st.errors': r.errors,
  };
}

/** (d) CPU time of the target per request and per streamed token (utime+stime of all its threads). */
export async function cpu(env: ScenarioEnv): Promise<Metrics> {
  const { cfg, target } = env;
  const pid = target.service.pid;
  await configureMock(env, cfg.nonStreamTokens, 0);
  let c0 = readCpuMs(pid);
  const a = await runLoad(env, {
    ...target.request(false),
    stream: false,
    concurrency: cfg.cpuConcurrency,
    mode: 'fixed',
    total: cfg.cpuRequests,
    durationS: cfg.cpuMaxS,
  });
  const reqCpuMs = readCpuMs(pid) - c0;
  checkErrors(env, 'cpu/request', a.ok, a.errors, a.errorSamples);
  await configureMock(env, cfg.streamTokens, 0);
  c0 = readCpuMs(pid);
  const b = await runLoad(env, {
    ...target.request(true),
    stream: true,
    concurrency: cfg.cpuConcurrency,
    mode: 'fixed',
    total: cfg.cpuStreams,
    durationS: cfg.cpuMaxS,
    expectTokens: cfg.streamTokens,
  });
  const streamCpuMs = readCpuMs(pid) - c0;
  checkErrors(env, 'cpu/stream', b.ok, b.errors, b.errorSamples);
  return {
    'cpu.perRequestUs': a.ok > 0 ? (reqCpuMs * 1000) / a.ok : Number.NaN,
    'cpu.perStreamUs': b.ok > 0 ? (streamCpuMs * 1000) / b.ok : Number.NaN,
    'cpu.perTokenUs': b.tokensTotal > 0 ? (streamCpuMs * 1000) / b.tokensTotal : Number.NaN,
    'cpu.requests': a.ok,
    'cpu.streams': b.ok,
  };
}

/** (e) paced streams (one token every gapDelayMs): the largest gap between token-bearing chunks per stream. */
export async function gap(env: ScenarioEnv): Promise<Metrics> {
  const { cfg, target } = env;
  await configureMock(env, cfg.gapTokens, cfg.gapDelayMs);
  const r = await runLoad(env, {
    ...target.request(true),
    stream: true,
    concurrency: cfg.gapConcurrency,
    mode: 'fixed',
    total: cfg.gapStreams,
    durationS: 60,
    expectTokens: cfg.gapTokens,
  });
  checkErrors(env, 'gap', r.ok, r.errors, r.errorSamples);
  return {
    'gap.maxGapP50Ms': r.maxGapMs.p50,
    'gap.maxGapP99Ms': r.maxGapMs.p99,
    'gap.maxGapMaxMs': r.maxGapMs.max,
    'gap.ttftP50Ms': r.ttftMs.p50,
  };
}
