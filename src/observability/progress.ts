/**
 * Progress for long CLI operations (`portico usage export`): one self-rewriting line on stderr,
 * only when stderr is a terminal. Piped or redirected stderr gets nothing, so logs and CI output
 * stay clean and the exported data on stdout is never interleaved with progress.
 */

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** Items done so far (and the total, once known). Throttled: cheap to call per row. */
  update(done: number, total?: number): void;
  /** Ends the line; prints the final count (and `message` if given). */
  finish(message?: string): void;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** e.g. `exporting usage`. */
  label: string;
  /** What is counted, e.g. `rows`. */
  unit?: string;
  total?: number;
  /** Unix ms; default Date.now. */
  clock?: () => number;
  /** Minimum time between redraws; default 100 ms. */
  intervalMs?: number;
}

const NOOP: Progress = { update() {}, finish() {} };

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.stream.isTTY !== true) return NOOP;
  const clock = options.clock ?? Date.now;
  const interval = options.intervalMs ?? 100;
  const unit = options.unit ?? 'rows';
  const started = clock();
  let total = options.total;
  let done = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const line = (): string => {
    const seconds = Math.max(0.001, (clock() - started) / 1000);
    const rate = `${fmt(done / seconds)} ${unit}/s`;
    const count = total !== undefined && total > 0 ? `${fmt(done)}/${fmt(total)} ${unit} (${Math.min(100, Math.floor((100 * done) / total))}%)` : `${fmt(done)} ${unit}`;
    const text = `${options.label}: ${count}, ${rate}`;
    const width = options.stream.columns;
    return width !== undefined && width > 10 && text.length >= width ? text.slice(0, width - 1) : text;
  };
  const draw = (): void => {
    // \r + clear-to-end-of-line: redraw in place.
    options.stream.write(`\r${line()}\u001b[K`);
  };

  return {
    update(n, newTotal) {
      if (finished) return;
      done = n;
      if (newTotal !== undefined) total = newTotal;
      const now = clock();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      draw();
    },
    finish(message) {
      if (finished) return;
      finished = true;
      draw();
      options.stream.write(message === undefined ? '\n' : ` ${message}\n`);
    },
  };
}
