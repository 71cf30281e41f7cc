import type { Storage } from '../storage/create-storage.ts';

/**
 * A raw output stream (process.stdout / process.stderr, a file stream, or a test double). `write`
 * returns false when the stream's buffer is full: wait for 'drain' (see write-sink.ts).
 */
export interface CliStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean | void;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** What a command may use: no process globals, so commands run the same in tests. */
export interface CliContext {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** Raw stdout, for output too large for one `out` call (exports); no newline added. */
  stdout: CliStream;
  /** Raw stderr, for progress (drawn only when `isTTY`). */
  stderr: CliStream;
  /** Opens the configured store (PORTICO_DATA_DIR / DATABASE_URL); the command closes it. */
  openStorage(): Promise<Storage>;
  now(): number;
}

export interface CliCommand {
  name: string;
  /** One line for `portico --help`. */
  summary: string;
  /** Full `portico <name> --help` text. */
  help: string;
  /** `portico <name> <sub> …` routes to these (their own help and options). */
  subcommands?: CliCommand[];
  /** Returns the exit code (0 ok, 1 failure, 2 usage error). */
  run(args: string[], context: CliContext): Promise<number>;
}

/** A usage mistake: printed with a hint to --help, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
