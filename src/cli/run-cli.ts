import { isGatewayError } from '../domain/errors.ts';
import { CliUsageError, type CliCommand, type CliContext } from './command.ts';

function mainHelp(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: portico <command> [options]',
    '',
    'Manage Portico keys and read usage from the same store the gateway uses',
    '(PORTICO_DATA_DIR, default ./.portico; or DATABASE_URL=postgres://…).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'portico <command> --help' for a command's options.",
  ].join('\n');
}

/** `--flag-name` for a wire param (`budget_usd` → `--budget-usd`). */
export function flagOf(param: string): string {
  return `--${param.split('.')[0].replace(/_/g, '-')}`;
}

/** Follows `subcommands` as far as the arguments name them: `usage export …` → the export command. */
function resolve(command: CliCommand, args: string[]): { command: CliCommand; path: string; rest: string[] } {
  let path = command.name;
  let rest = args;
  for (;;) {
    const sub = command.subcommands?.find((s) => s.name === rest[0]);
    if (sub === undefined) return { command, path, rest };
    command = sub;
    path = `${path} ${sub.name}`;
    rest = rest.slice(1);
  }
}

export async function runCli(argv: string[], commands: CliCommand[], context: CliContext): Promise<number> {
  const [first, ...args] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const top = first === 'help' ? commands.find((c) => c.name === args[0]) : undefined;
    context.out(top ? resolve(top, args.slice(1)).command.help : mainHelp(commands));
    return first === undefined ? 2 : 0;
  }
  const top = commands.find((c) => c.name === first);
  if (!top) {
    context.err(`portico: unknown command '${first}'\n\n${mainHelp(commands)}`);
    return 2;
  }
  const { command, path: name, rest } = resolve(top, args);
  if (rest.includes('--help') || rest.includes('-h')) {
    context.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof CliUsageError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      context.err(`portico ${name}: ${error.message}\nRun 'portico ${name} --help' for usage.`);
      return 2;
    }
    if (isGatewayError(error)) {
      const flag = error.param ? ` (${flagOf(error.param)})` : '';
      context.err(`portico ${name}: ${error.message}${flag}`);
      return error.status >= 500 ? 1 : 2;
    }
    context.err(`portico ${name}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
