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

export async function runCli(argv: string[], commands: CliCommand[], context: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    context.out(target ? target.help : mainHelp(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    context.err(`portico: unknown command '${name}'\n\n${mainHelp(commands)}`);
    return 2;
  }
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
