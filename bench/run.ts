// `npm run bench`: the Portico benchmark harness (docs/benchmark.md).
// Starts the mock Anthropic upstream, then each target in turn on its own port, pinned to the target core,
// drives it from separate load-generator processes on the other core, repeats, and writes medians,
// ratios and PASS/FAIL targets to bench/results/ (latest.json, latest.md and a timestamped copy).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, type BenchConfig, type ScenarioId } from './lib/config.ts';
import { killAll, launcher, machineBusy, run, sleep, type Service } from './lib/proc.ts';
import { aggregate, checks, metricCatalogue, ratios, renderMarkdown, type Machine, type Report, type TargetRun } from './lib/report.ts';
import * as sc from './lib/scenarios.ts';
import { startTarget, startUpstreamMock, TARGET_LABEL, type RunningTarget, type TargetId } from './lib/targets.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function machine(): Machine {
  let wrk = 'wrk (unknown version)';
  try {
    wrk = execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch (err) {
    // `wrk -v` exits 1 after printing its version.
    const out = String((err as { stdout?: string }).stdout ?? '');
    if (out.length > 0) wrk = out.split('\n')[0]!.trim().replace(/ Copyright.*$/, '');
  }
  let porticoCommit = 'unknown';
  try {
    porticoCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    porticoCommit,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    kernel: os.release(),
    wrk,
    date: new Date().toISOString(),
    loadAvgAtStart: os.loadavg(),
  };
}

/** The commit and the uncommitted files under src/ at the moment Portico is started. */
function codeVersion(): { commit: string; dirtySrcFiles: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
    return { commit, dirtySrcFiles: dirty.split('\n').filter((l) => l.trim().length > 0).length };
  } catch {
    return { commit: 'unknown', dirtySrcFiles: 0 };
  }
}

async function ensurePeers(): Promise<void> {
  const peers = join(benchDir, 'peers');
  if (existsSync(join(peers, 'node_modules', '@portkey-ai', 'gateway'))) return;
  log('installing peers: npm ci --prefix bench/peers');
  const r = await run('npm', ['ci', '--prefix', peers, '--no-audit', '--no-fund'], { cwd: repoRoot });
  if (r.code !== 0) throw new Error(`npm ci --prefix bench/peers failed (${r.code}): ${r.stderr.slice(-800)}`);
}

const SCENARIOS: Record<ScenarioId, (env: sc.ScenarioEnv) => Promise<sc.Metrics>> = {
  slow: sc.slowStreams,
  nonstream: sc.nonStream,
  stream: sc.stream,
  cpu: sc.cpu,
  gap: sc.gap,
  paced: sc.pacedStreams,
};

async function measureTarget(
  cfg: BenchConfig,
  id: TargetId,
  runNo: number,
  upstream: Service,
  logDir: string,
  notes: string[],
): Promise<TargetRun> {
  const result: TargetRun = { run: runNo, target: id, ok: false, metrics: {} };
  let target: RunningTarget | undefined;
  // Shared machines: give other work a chance to finish, and record how busy the machine was.
  let busy = await machineBusy(500);
  const waitUntil = Date.now() + cfg.quietWaitS * 1000;
  while (busy > cfg.quietBusy && Date.now() < waitUntil) {
    await sleep(1000);
    busy = await machineBusy(500);
  }
  result.metrics['env.busyBeforePct'] = busy * 100;
  if (busy > cfg.quietBusy) {
    const msg = `machine busy before ${id}: ${(busy * 100).toFixed(0)}% of all CPU used by other processes`;
    notes.push(`run ${runNo}: ${msg}`);
    log(`  note: ${msg}`);
  }
  try {
    log(`run ${runNo}: starting ${TARGET_LABEL[id]}`);
    if (id === 'portico') result.code = codeVersion();
    target = await startTarget(id, { repoRoot, upstreamPort: upstream.port, logDir, prefix: launcher(cfg, cfg.targetCpu) }, `run${runNo}`);
    const env: sc.ScenarioEnv = {
      cfg,
      repoRoot,
      upstreamPort: upstream.port,
      target,
      note: (m) => {
        notes.push(`run ${runNo}: ${m}`);
        log(`  note: ${m}`);
      },
    };
    await sc.probe(env);
    await sc.warmup(env);
    let steady = false;
    for (const s of cfg.scenarios) {
      if (s !== 'slow' && !steady) {
        await sc.steadyWarmup(env);
        steady = true;
      }
      if (target.service.exited()) throw new Error(`${id} exited during the run (${target.service.exitInfo()}, before scenario ${s}); see ${relative(repoRoot, target.service.logPath)}`);
      const t0 = Date.now();
      try {
        Object.assign(result.metrics, await SCENARIOS[s](env));
        log(`  ${s} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (err) {
        env.note(`${id} scenario ${s} failed: ${(err as Error).message}`);
      }
    }
    if (target.service.exited()) throw new Error(`${id} exited during the run (${target.service.exitInfo()}); see ${relative(repoRoot, target.service.logPath)}`);
    result.ok = true;
  } catch (err) {
    result.error = (err as Error).message;
    log(`  FAILED: ${result.error}`);
  } finally {
    await target?.service.stop();
    target?.cleanup?.();
  }
  return result;
}

/** `--render FILE.json`: re-render FILE.md from a saved report (after changes to the Markdown layout). */
function rerender(file: string): void {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const cfg = report.config as BenchConfig;
  const defs = metricCatalogue(cfg.nonStreamConcurrency);
  report.medians = aggregate(report.runs);
  report.ratios = ratios(report.medians, defs);
  report.checks = checks(report.medians, cfg.nonStreamConcurrency);
  report.noisy = [];
  for (const [t, agg] of Object.entries(report.medians)) {
    for (const d of defs) if (d.better !== 'none' && agg?.[d.key]?.noisy) report.noisy.push(`${t}:${d.key}`);
  }
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(report, defs) + '\n');
  log(`re-rendered ${file.replace(/\.json$/, '.md')}`);
}

async function main(): Promise<void> {
  const ri = process.argv.indexOf('--render');
  if (ri > 0) {
    rerender(resolve(process.argv[ri + 1] ?? join(benchDir, 'results', 'latest.json')));
    return;
  }
  const parsed = parseArgs(process.argv.slice(2), join(benchDir, 'results'));
  if (parsed === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const cfg = parsed;
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const logDir = join(cfg.outDir, 'raw', stamp);
  mkdirSync(logDir, { recursive: true });
  if (cfg.pin) {
    try {
      // The orchestrator itself stays off the target core.
      execFileSync('taskset', ['-a', '-cp', cfg.loadCpu, String(process.pid)], { stdio: 'ignore' });
    } catch {
      log('taskset failed: running unpinned');
      cfg.pin = false;
    }
  }
  if (cfg.nice) {
    try {
      os.setPriority(-10);
    } catch {
      log('cannot raise priority (not root?): running at normal priority');
      cfg.nice = false;
    }
  }
  if (os.cpus().length < 2 && cfg.pin) {
    log('fewer than 2 cores: running unpinned');
    cfg.pin = false;
  }
  const m = machine();
  log(`${m.cpuModel}, ${m.cores} cores, Node ${m.node}; mode ${cfg.mode}, ${cfg.runs} runs, targets ${cfg.targets.join(',')}`);

  const failures: Report['failures'] = [];
  const notes: string[] = [];
  if (cfg.targets.includes('portkey')) {
    try {
      await ensurePeers();
    } catch (err) {
      failures.push({ target: 'portkey', run: 0, error: (err as Error).message });
      cfg.targets = cfg.targets.filter((t) => t !== 'portkey');
    }
  }

  const upstream = await startUpstreamMock({ repoRoot, prefix: launcher(cfg, cfg.loadCpu), logPath: join(logDir, 'upstream-mock.log') });
  log(`upstream mock on 127.0.0.1:${upstream.port} (pid ${upstream.pid})`);

  const runs: TargetRun[] = [];
  const skip = new Set<TargetId>();
  const stopAll = async (): Promise<void> => {
    await upstream.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  try {
    for (let runNo = 1; runNo <= cfg.runs; runNo++) {
      // Rotate the order between runs so slow drift on the machine does not favour one target.
      const order = cfg.targets.map((_, i) => cfg.targets[(i + runNo - 1) % cfg.targets.length]!);
      for (const id of order) {
        if (skip.has(id)) continue;
        const r = await measureTarget(cfg, id, runNo, upstream, logDir, notes);
        if (r.ok) runs.push(r);
        else {
          const code = r.code ? ` [code: ${r.code.commit}${r.code.dirtySrcFiles > 0 ? ` + ${r.code.dirtySrcFiles} uncommitted files in src/` : ''}]` : '';
          failures.push({ target: id, run: runNo, error: (r.error ?? 'unknown error') + code });
          // Nothing measured (failed to start or to answer the probe): don't retry it in later runs.
          if (Object.keys(r.metrics).every((k) => k.startsWith('env.'))) {
            skip.add(id);
            notes.push(`${TARGET_LABEL[id]} skipped for the remaining runs after failing in run ${runNo}`);
          }
        }
      }
    }
  } finally {
    await stopAll();
  }

  const finished = new Date();
  const defs = metricCatalogue(cfg.nonStreamConcurrency);
  const medians = aggregate(runs);
  const noisy: string[] = [];
  for (const [t, agg] of Object.entries(medians)) {
    for (const d of defs) if (d.better !== 'none' && agg?.[d.key]?.noisy) noisy.push(`${t}:${d.key}`);
  }
  const report: Report = {
    machine: m,
    config: { ...cfg, outDir: relative(repoRoot, cfg.outDir) || '.' },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationS: (finished.getTime() - started.getTime()) / 1000,
    targets: cfg.targets,
    failures,
    notes,
    runs,
    medians,
    ratios: ratios(medians, defs),
    checks: checks(medians, cfg.nonStreamConcurrency),
    porticoMeasured: medians.portico !== undefined,
    noisy,
  };
  const md = renderMarkdown(report, defs);
  mkdirSync(cfg.outDir, { recursive: true });
  const json = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(join(cfg.outDir, 'latest.json'), json);
  writeFileSync(join(cfg.outDir, 'latest.md'), md + '\n');
  writeFileSync(join(cfg.outDir, `${stamp}.json`), json);
  writeFileSync(join(cfg.outDir, `${stamp}.md`), md + '\n');
  process.stdout.write('\n' + md + '\n');
  log(`wrote ${join(cfg.outDir, 'latest.md')}, latest.json and ${stamp}.{json,md}; target logs in ${logDir}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});

