// Node load generator for the benchmark, run as its own process (pinned to the load core by the harness).
// Measures per-request / per-stream timing with undici: time to first body byte, time to first token,
// full time, and the largest gap between token-bearing chunks (token batching artefacts).
// Tokens are counted as `~` bytes (see mock-upstream.ts), so it works on Anthropic and OpenAI framing alike.
//
// Usage: node --import tsx bench/load-client.ts '<json LoadSpec>'  → prints one JSON LoadResult line.
import { Pool } from 'undici';
import { Samples, round } from './lib/stats.ts';

export interface LoadSpec {
  url: string; // origin + path
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  concurrency: number;
  /** fixed: exactly `total` requests; duration: as many as fit in `durationS`; hold: `concurrency` streams opened once (ramped). */
  mode: 'fixed' | 'duration' | 'hold';
  total?: number;
  durationS?: number;
  /** hold mode: streams opened per 10 ms step while ramping up. */
  rampPerStep?: number;
  expectTokens?: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  errorSamples: string[];
  elapsedS: number;
  perSecond: number;
  tokensTotal: number;
  ttfbMs: { p50: number; p99: number; max: number; mean: number };
  ttftMs: { p50: number; p99: number; max: number; mean: number };
  fullMs: { p50: number; p99: number; max: number; mean: number };
  /** Per stream: the largest gap between two token-bearing chunks; summarised across streams. */
  maxGapMs: { p50: number; p99: number; max: number; mean: number };
  /** Streams whose token count differed from expectTokens. */
  shortStreams: number;
  /** hold mode: epoch ms when every stream had its first token, and when the first one finished. */
  allOpenAt?: number;
  firstCloseAt?: number;
  /** hold mode: every 100 ms, [epoch ms, streams that had their first token and had not ended]. */
  openTimeline?: [number, number][];
}

const TILDE = 0x7e;
function countTokens(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(TILDE);
  while (i !== -1) {
    n++;
    i = buf.indexOf(TILDE, i + 1);
  }
  return n;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const u = new URL(spec.url);
  const pool = new Pool(u.origin, {
    connections: spec.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
    connectTimeout: 30_000,
  });
  const path = u.pathname + u.search;
  const headers = { 'content-type': 'application/json', ...spec.headers };

  const ttfb = new Samples();
  const ttft = new Samples();
  const full = new Samples();
  const gaps = new Samples();
  let ok = 0;
  let errors = 0;
  let shortStreams = 0;
  let tokensTotal = 0;
  const errorSamples: string[] = [];
  let opened = 0;
  let firstTokenCount = 0;
  let allOpenAt: number | undefined;
  let firstCloseAt: number | undefined;
  let streaming = 0;
  const openTimeline: [number, number][] = [];

  const one = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path, headers, body: spec.body });
      let first = -1;
      let firstTok = -1;
      let lastTok = -1;
      let maxGap = 0;
      let tokens = 0;
      let head = '';
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const now = performance.now();
        if (first < 0) first = now;
        if (res.statusCode !== 200 && head.length < 300) head += chunk.toString('utf8');
        const n = countTokens(chunk);
        if (n > 0) {
          if (firstTok < 0) {
            firstTok = now;
            streaming++;
            if (spec.mode === 'hold') {
              firstTokenCount++;
              if (firstTokenCount === spec.concurrency) allOpenAt = Date.now();
            }
          } else if (now - lastTok > maxGap) maxGap = now - lastTok;
          lastTok = now;
          tokens += n;
        }
      }
      const end = performance.now();
      if (firstTok >= 0) streaming--;
      if (spec.mode === 'hold' && firstCloseAt === undefined) firstCloseAt = Date.now();
      if (res.statusCode !== 200) {
        errors++;
        if (errorSamples.length < 3) errorSamples.push(`HTTP ${res.statusCode}: ${head.slice(0, 200)}`);
        return;
      }
      ok++;
      tokensTotal += tokens;
      ttfb.add((first < 0 ? end : first) - t0);
      full.add(end - t0);
      if (spec.stream) {
        if (firstTok >= 0) ttft.add(firstTok - t0);
        gaps.add(maxGap);
        if (spec.expectTokens !== undefined && tokens !== spec.expectTokens) shortStreams++;
      }
    } catch (err) {
      errors++;
      if (errorSamples.length < 3) errorSamples.push(String((err as Error)?.message ?? err));
    }
  };

  const start = performance.now();
  if (spec.mode === 'hold') {
    const tl = setInterval(() => openTimeline.push([Date.now(), streaming]), 100);
    const all: Promise<void>[] = [];
    const step = spec.rampPerStep ?? 50;
    while (opened < spec.concurrency) {
      for (let i = 0; i < step && opened < spec.concurrency; i++, opened++) all.push(one());
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(all);
    clearInterval(tl);
  } else {
    // fixed mode: `total` requests, but never longer than `durationS` when given.
    const deadline = spec.durationS !== undefined ? start + spec.durationS * 1000 : Infinity;
    let remaining = spec.mode === 'fixed' ? (spec.total ?? 100) : Infinity;
    const worker = async (): Promise<void> => {
      while (remaining > 0 && performance.now() < deadline) {
        remaining--;
        await one();
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  }
  const elapsedS = (performance.now() - start) / 1000;
  await pool.close();

  const r3 = (s: ReturnType<Samples['summary']>): LoadResult['ttfbMs'] => ({
    p50: round(s.p50),
    p99: round(s.p99),
    max: round(s.max),
    mean: round(s.mean),
  });
  const result: LoadResult = {
    ok,
    errors,
    errorSamples,
    elapsedS: round(elapsedS),
    perSecond: round(ok / elapsedS, 1),
    tokensTotal,
    ttfbMs: r3(ttfb.summary()),
    ttftMs: r3(ttft.summary()),
    fullMs: r3(full.summary()),
    maxGapMs: r3(gaps.summary()),
    shortStreams,
    ...(allOpenAt !== undefined ? { allOpenAt } : {}),
    ...(firstCloseAt !== undefined ? { firstCloseAt } : {}),
    ...(spec.mode === 'hold' ? { openTimeline } : {}),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error)?.stack ?? err) + '\n');
  process.exit(1);
});
