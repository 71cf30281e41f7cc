// Small statistics helpers for the benchmark (no dependencies).

/** Percentile by nearest rank on a copy; `p` in [0, 100]. NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return Number.NaN;
  const sorted = [...v].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** (max − min) / median over finite values; 0 for fewer than two values. */
export function spread(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2) return 0;
  const m = median(v);
  if (m === 0) return 0;
  return (Math.max(...v) - Math.min(...v)) / Math.abs(m);
}

/** Streaming-friendly reservoir: keeps every sample (bench sizes are small enough). */
export class Samples {
  readonly values: number[] = [];
  add(v: number): void {
    this.values.push(v);
  }
  get count(): number {
    return this.values.length;
  }
  summary(): { p50: number; p99: number; max: number; mean: number } {
    const v = this.values;
    if (v.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
    let sum = 0;
    let max = -Infinity;
    for (const x of v) {
      sum += x;
      if (x > max) max = x;
    }
    return { p50: percentile(v, 50), p99: percentile(v, 99), max, mean: sum / v.length };
  }
}

export function round(v: number, digits = 3): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
