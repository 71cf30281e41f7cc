// Run wrk (Debian's /usr/bin/wrk) with a generated Lua script for POST bodies, and read its results
// from a Lua `done` hook that prints one JSON line (latency in µs from wrk's HdrHistogram-like stats).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationS: number;
  threads?: number;
  /** Command prefix (nice/taskset), see proc.ts launcher(). */
  prefix?: string[];
  timeoutS?: number;
}

export interface WrkResult {
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function wrkScript(spec: WrkSpec): string {
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(spec.body)}`];
  lines.push(`wrk.headers["Content-Type"] = "application/json"`);
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRKJSON {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f,' +
      '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),',
    '    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  );
  return lines.join('\n') + '\n';
}

export async function runWrk(spec: WrkSpec): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(spec));
  const threads = Math.max(1, Math.min(spec.threads ?? 1, spec.connections));
  const args = [
    `-t${threads}`,
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    `--timeout`,
    `${spec.timeoutS ?? 10}s`,
    '-s',
    script,
    spec.url,
  ];
  const full = [...(spec.prefix ?? []), 'wrk', ...args];
  const cmd = full[0]!;
  const argv = full.slice(1);
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(stdout);
        else reject(new Error(`wrk exited ${code}: ${stderr.trim() || stdout.trim()}`));
      });
    });
    const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
    if (line === undefined) throw new Error(`wrk printed no result: ${out.slice(0, 500)}`);
    const j = JSON.parse(line.slice('WRKJSON '.length)) as Record<string, number>;
    const durationS = j['duration_us']! / 1e6;
    return {
      requests: j['requests']!,
      durationS,
      rps: j['requests']! / durationS,
      p50Ms: j['p50']! / 1000,
      p90Ms: j['p90']! / 1000,
      p99Ms: j['p99']! / 1000,
      maxMs: j['max']! / 1000,
      meanMs: j['mean']! / 1000,
      errors: {
        connect: j['connect']!,
        read: j['read']!,
        write: j['write']!,
        status: j['status']!,
        timeout: j['timeout']!,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
