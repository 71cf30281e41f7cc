import type { Storage } from '../storage/create-storage.ts';

/** What a command may use: no process globals, so commands run the same in tests. */
export interface CliContext {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
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
  /** Returns the exit code (0 ok, 1 failure, 2 usage error). */
  run(args: string[], context: CliContext): Promise<number>;
}

/** A usage mistake: printed with a hint to --help, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
