/**
 * The `portico` CLI: `node --import tsx src/cli/main.ts <command>` (bin/portico.mjs, `npm run portico`).
 * An entry point like runtime/: the only CLI file that touches process globals.
 */
import { resolve } from 'node:path';
import { createStorage } from '../storage/create-storage.ts';
import type { CliCommand } from './command.ts';
import { keysCommand } from './commands/keys.ts';
import { statusCommand } from './commands/status.ts';
import { usageCommand } from './commands/usage.ts';
import { runCli } from './run-cli.ts';

/** The command table: one line per command. */
const COMMANDS: CliCommand[] = [
  keysCommand,
  usageCommand,
  statusCommand,
];

const env = process.env;
const exitCode = await runCli(process.argv.slice(2), COMMANDS, {
  env,
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  stdout: process.stdout,
  stderr: process.stderr,
  openStorage: () =>
    createStorage({
      dataDir: resolve(env.PORTICO_DATA_DIR || './.portico'),
      databaseUrl: env.DATABASE_URL || undefined,
      // Limits are not needed to manage keys: no Redis connection from the CLI.
    }),
  now: Date.now,
});
process.exitCode = exitCode;
