// Benchmark configuration: defaults for full and quick modes, overridable by flags.
import { ALL_TARGETS, type TargetId } from './targets.ts';

export const ALL_SCENARIOS = ['slow', 'nonstream', 'stream', 'cpu', 'gap', 'paced'] as const;
export type ScenarioId = (typeof ALL_SCENARIOS)[number];

export interface BenchConfig {
  mode: 'full' | 'quick';
  runs: number;
  targets: TargetId[];
  scenarios: ScenarioId[];
  pin: boolean;
  /** Run bench processes at nice −10 (fewer disturbances from other work on a shared machine). */
  nice: boolean;
  /** Before each target run, wait up to this long for the machine to be quiet (others' CPU < quietBusy). */
  quietWaitS: number;
  quietBusy: number;
  targetCpu: string;
  loadCpu: string;
  /** Light warm-up before the first scenario (slow streams: RSS is measured above a near-fresh baseline). */
  warmupRequests: number;
  /**
   * Seconds of steady-state warm-up (non-streaming, then streaming, at c=10) after the slow-streams
   * scenario and before the others: they measure steady state, after V8 optimised the hot path (it
   * needs thousands of calls; 500 requests left Portico's CPU per request ~4× its warm value).
   * Not before the slow streams: the heap it leaves behind would hide the RSS per stream.
   */
  warmupS: number;
  /** (a) non-streaming: wrk per concurrency level. */
  nonStreamConcurrency: number[];
  nonStreamDurationS: number;
  nonStreamTokens: number;
  /** (b) streaming, no delay. */
  streamTokens: number;
  streamConcurrency: number;
  streamDurationS: number;
  /** (c) slow streams held open. */
  slowStreams: number;
  slowTokens: number;
  slowDelayMs: number;
  /** (d) CPU per request / per token: a fixed number of requests, capped in time. */
  cpuRequests: number;
  cpuStreams: number;
  cpuConcurrency: number;
  cpuMaxS: number;
  /** (e) inter-token gaps: paced streams. */
  gapStreams: number;
  gapConcurrency: number;
  gapTokens: number;
  gapDelayMs: number;
  outDir: string;
}

const FULL: Omit<BenchConfig, 'targets' | 'scenarios' | 'outDir'> = {
  mode: 'full',
  runs: 3,
  pin: true,
  nice: true,
  quietWaitS: 5,
  quietBusy: 0.15,
  targetCpu: '0',
  loadCpu: '1',
  warmupRequests: 500,
  warmupS: 6,
  nonStreamConcurrency: [1, 10, 50, 200],
  nonStreamDurationS: 5,
  nonStreamTokens: 16,
  streamTokens: 200,
  streamConcurrency: 10,
  streamDurationS: 6,
  slowStreams: 1000,
  slowTokens: 80,
  slowDelayMs: 100,
  cpuRequests: 20000,
  cpuStreams: 3000,
  cpuConcurrency: 10,
  cpuMaxS: 4,
  gapStreams: 100,
  gapConcurrency: 20,
  gapTokens: 50,
  gapDelayMs: 10,
};

const QUICK: Partial<BenchConfig> = {
  mode: 'quick',
  runs: 2,
  quietWaitS: 0,
  warmupRequests: 200,
  warmupS: 3,
  nonStreamDurationS: 1,
  streamDurationS: 1,
  slowTokens: 30,
  cpuMaxS: 1,
  gapStreams: 40,
  gapTokens: 30,
};

export const USAGE = `npm run bench -- [options]
  --quick                 2 runs of short durations (about 3 minutes; full mode: 3 runs, about 14)
  --targets a,b           subset of ${ALL_TARGETS.join(',')} (default: all)
  --scenarios a,b         subset of ${ALL_SCENARIOS.join(',')} (default: all)
  --runs N                repetitions (medians are reported; default 3)
  --duration S            seconds per non-streaming wrk run
  --stream-duration S     seconds of the streaming throughput run
  --slow-streams N        concurrent slow streams (default 1000)
  --slow-tokens N         tokens per slow stream (one per 100 ms)
  --concurrency 1,10,...  non-streaming concurrency levels
  --no-pin                do not pin with taskset
  --no-nice               do not raise the bench processes' priority (nice -10)
  --quiet-wait S          wait up to S s for the machine to be quiet before each target run (0 = never)
  --out DIR               results directory (default bench/results)
  --render FILE.json      only re-render FILE.md from a saved report
  --help`;

export function parseArgs(argv: string[], defaultOut: string): BenchConfig | 'help' {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (['quick', 'no-pin', 'no-nice', 'help'].includes(a.slice(2))) flags.set(a.slice(2), 'true');
    else flags.set(a.slice(2), argv[++i] ?? '');
  }
  if (flags.has('help')) return 'help';
  const base = { ...FULL, ...(flags.has('quick') ? QUICK : {}) };
  const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const num = (k: string, d: number): number => {
    const v = flags.get(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} needs a positive number`);
    return n;
  };
  const targets = flags.has('targets') ? list(flags.get('targets')!) : [...ALL_TARGETS];
  for (const t of targets) if (!(ALL_TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target ${t}`);
  const scenarios = flags.has('scenarios') ? list(flags.get('scenarios')!) : [...ALL_SCENARIOS];
  for (const s of scenarios) if (!(ALL_SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}`);
  const known = new Set(['quick', 'no-pin', 'no-nice', 'quiet-wait', 'help', 'targets', 'scenarios', 'runs', 'duration', 'stream-duration', 'slow-streams', 'slow-tokens', 'concurrency', 'out']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  return {
    ...base,
    runs: Math.round(num('runs', base.runs)),
    pin: !flags.has('no-pin'),
    nice: !flags.has('no-nice'),
    quietWaitS: flags.get('quiet-wait') === '0' ? 0 : num('quiet-wait', base.quietWaitS),
    nonStreamDurationS: num('duration', base.nonStreamDurationS),
    streamDurationS: num('stream-duration', base.streamDurationS),
    slowStreams: Math.round(num('slow-streams', base.slowStreams)),
    slowTokens: Math.round(num('slow-tokens', base.slowTokens)),
    nonStreamConcurrency: flags.has('concurrency') ? list(flags.get('concurrency')!).map(Number) : base.nonStreamConcurrency,
    targets: targets as TargetId[],
    scenarios: scenarios as ScenarioId[],
    outDir: flags.get('out') ?? defaultOut,
  };
}
