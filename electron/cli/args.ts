// Reading the command line. Every mistake in it is a usage error: exit 2 with the command's usage line,
// said before anything is opened, generated or written. Node built-ins only (the entry imports this).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HELP, USAGE } from './help.ts';

/** A mistake on the command line: printed with the command's usage line, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A refusal in words (what happened, what to type): printed as is, with its own exit code. */
export class CliExit extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

/** Stops the command with a refusal: `storyreel: <message>` on stderr, exit `code`. */
export function refuse(message: string, code = 1): never {
  throw new CliExit(message, code);
}

/** Stops the command with a usage error (exit 2 and the usage line). */
export function usage(command: string, message: string): never {
  throw new UsageError(message, command);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a value looks like, for "--out needs a value, e.g. --out film.mp4". */
const EXAMPLE: Record<string, string> = {
  '--out': 'film.mp4',
  '--title': '"My Film"',
  '--provider': 'openai-videos',
  '--model': 'sora-2',
  '--max-spend': '5',
  '--concurrency': '2',
  '--base-url': 'https://gateway.example/v1',
  '--region': 'cn',
};

/**
 * node:util parseArgs, with its errors turned into usage errors that name the option in the creator's
 * terms ("--bogus is not an option of render"), and the positional arguments counted.
 */
export function parse<O extends Options>(command: string, args: string[], options: O, positionals: { min: number; max: number; names: string }) {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    throw new CliExit('', 0);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(e.message)?.[1] ?? 'that option';
      usage(command, `${flag} is not an option of ${command}.`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(-[^',<> ]+)/.exec(e.message)?.[1] ?? 'an option';
      usage(command, /does not take/.test(e.message) ? `${flag} takes no value.` : `${flag} needs a value, e.g. ${flag} ${EXAMPLE[flag] ?? '…'}.`);
    }
    usage(command, e.message);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min) usage(command, `${command} needs ${positionals.names}.`);
  if (n > positionals.max) usage(command, `${command} takes ${positionals.names} only; "${parsed.positionals[positionals.max]}" is one argument too many (quote a title with spaces).`);
  return parsed;
}

/** A number of US dollars, ≥ 0, or a usage error naming the flag. */
export function dollars(command: string, flag: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw.replace(/^\$/, ''));
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) usage(command, `${flag} must be a number of US dollars, e.g. ${flag} 5, not "${raw}".`);
  return n;
}

/** A whole number in [min, max], or a usage error naming the flag. */
export function wholeNumber(command: string, flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= min && n <= max)) usage(command, `${flag} must be a whole number from ${min} to ${max}, not "${raw}".`);
  return n;
}

export { USAGE };
