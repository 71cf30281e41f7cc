// Process helpers for the benchmark: spawn pinned services, wait for readiness, read /proc counters.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';

/** Clock ticks per second for /proc/<pid>/stat utime/stime (getconf CLK_TCK; 100 on Linux x86-64). */
export const CLK_TCK = 100;

export function readRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** utime + stime of all threads of the process, in milliseconds (resolution 10 ms). */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces; split after the closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

const live = new Set<ChildProcess>();

/** Kill every service still running (used on SIGINT/SIGTERM of the harness). */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

export interface Service {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
  logPath: string;
  exited: () => boolean;
  /** "exit code N signal S" once the process has exited. */
  exitInfo: () => string;
  stop: () => Promise<void>;
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Command prefix, e.g. ['nice', '-n', '-10', 'taskset', '-c', '0'] (see launcher()); [] = none. */
  prefix?: string[];
  logPath: string;
  /** Known port, or undefined to parse `LISTENING <port>` from stdout. */
  port?: number;
  readyTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startService(spec: SpawnSpec): Promise<Service> {
  const full = [...(spec.prefix ?? []), spec.command, ...spec.args];
  const cmd = full[0]!;
  const argv = full.slice(1);
  const log: WriteStream = createWriteStream(spec.logPath, { flags: 'a' });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...spec.env })) if (v !== undefined) env[k] = v;
  // nice and taskset exec the command, so the child's pid is the service's pid.
  const child = spawn(cmd, argv, { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let exitedFlag = false;
  let exitInfo = '';
  child.on('exit', (code, signal) => {
    live.delete(child);
    exitedFlag = true;
    exitInfo = `exit code ${code} signal ${signal}`;
  });
  let stdoutBuf = '';
  let announced: number | undefined;
  child.stdout!.on('data', (d: Buffer) => {
    log.write(d);
    if (announced === undefined && stdoutBuf.length < 65536) {
      stdoutBuf += d.toString();
      const m = /LISTENING (\d+)/.exec(stdoutBuf);
      if (m !== null) announced = Number(m[1]);
    }
  });
  child.stderr!.on('data', (d: Buffer) => log.write(d));
  const stop = async (): Promise<void> => {
    if (exitedFlag) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exitedFlag) child.kill('SIGKILL');
    }, 3000);
    await gone;
    clearTimeout(timer);
    await new Promise<void>((r) => log.end(() => r()));
  };
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitedFlag) {
      await new Promise<void>((r) => log.end(() => r()));
      throw new Error(`${spec.name} exited during start-up (${exitInfo}); see ${spec.logPath}`);
    }
    const port = spec.port ?? announced;
    if (port !== undefined && (await canConnect(port))) {
      if (child.pid === undefined) throw new Error(`${spec.name}: no pid`);
      return { name: spec.name, pid: child.pid, port, child, logPath: spec.logPath, exited: () => exitedFlag, exitInfo: () => exitInfo, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.name} did not listen within ${spec.readyTimeoutMs ?? 30_000} ms; see ${spec.logPath}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Prefix that pins a process to `cpu` (taskset) and raises its priority (nice −10), so that other work on a
 * shared machine disturbs every target alike and less. Both exec, keeping the pid.
 */
export function launcher(opts: { pin: boolean; nice: boolean }, cpu: string): string[] {
  return [...(opts.nice ? ['nice', '-n', '-10'] : []), ...(opts.pin ? ['taskset', '-c', cpu] : [])];
}

/** Fraction of all CPU time that was busy (not idle/iowait) over `ms`, from /proc/stat. */
export async function machineBusy(ms: number): Promise<number> {
  const read = (): { busy: number; total: number } => {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return b.total === a.total ? 0 : (b.busy - a.busy) / (b.total - a.total);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Run a command to completion, collecting output. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
