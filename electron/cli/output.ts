// How the command line reports an ending: a usage error (exit 2 and the usage line), a refusal in words,
// an error from the services with the next step worded for a terminal, or a real bug with the log path.
// Node built-ins and types only at the top (the entry imports this before knowing the command).
import type { ErrorCode } from '../../shared/errors.ts';
import { CliExit, UsageError } from './args.ts';
import { USAGE } from './help.ts';

/**
 * What to do next, per error code, in the command line's terms: what to type or set, never a window's
 * panel or a highlighted field (the app's wording is shared/errors.ts NEXT_STEP). Empty: the message says it.
 */
export const CLI_NEXT_STEP: Record<ErrorCode, string> = {
  InvalidInput: 'Correct it in project.json or on the command line, then run the same command again.',
  NotFound: 'Check the folder name, or create a project there with: storyreel init <project-dir>',
  ProjectCorrupt: 'Correct project.json in a text editor where the message says, or restore it from a backup.',
  ProjectTooNew: 'Update Storyreel (npm install in a newer checkout, or a newer release) to open this project.',
  ProjectLocked: 'Close the Storyreel window or command using this project; if that computer is off, add --force-unlock.',
  NoProject: 'Create one with: storyreel init <project-dir>',
  ProviderRejected: 'Change the scene in project.json so the provider accepts it, then run the same command again.',
  ModerationBlocked: 'Rephrase the prompt in project.json (avoid real people and copyrighted characters) and run the same command again.',
  RateLimited: 'Storyreel retries by itself; --concurrency 1 sends fewer jobs at once.',
  ProviderUnavailable: 'The jobs are kept: run the same command again later.',
  ProviderUnreachable: 'Check --base-url (or the *_BASE_URL variable) and your connection; the jobs are kept and sent when you run again.',
  OutcomeUnknown: 'Check your provider dashboard; add --resend-unknown only if it does not have the video (it may be billed twice).',
  AuthFailed: 'Check the key you set, e.g. OPENAI_API_KEY=sk-… storyreel render <project-dir> (or the line in your .env file).',
  MissingKey: 'Set the key for this command, e.g. OPENAI_API_KEY=sk-… storyreel render <project-dir>, or put it in a .env file in the project folder; or add --provider preview to render offline.',
  ContentExpired: 'The provider no longer has this video: run the same command again to generate the scene again.',
  BudgetExceeded: 'Raise --max-spend, or generate fewer scenes.',
  NotConfirmed: 'Nothing was sent. Run the command again and answer y, or add --yes.',
  UnsupportedByModel: 'Use one of the allowed values (in project.json, or --model/--sizes/--durations on the command line).',
  FfmpegMissing: 'Install ffmpeg (e.g. sudo apt install ffmpeg, or brew install ffmpeg), or set STORYREEL_FFMPEG=/path/to/ffmpeg.',
  FfmpegFailed: 'Run the same command again. If it keeps failing, regenerate the scene that breaks it.',
  MediaInvalid: 'Delete that take from project.json (or choose another) and run the same command again.',
  DiskFull: 'Free some space on that disk, then run the same command again (jobs already sent are kept).',
  NothingToExport: 'Add scenes to project.json (see "Project format" in the README), then run the same command again.',
  Aborted: '',
  Internal: '',
};

/** The log of this run, once a command has one: named in the report of a real bug. */
let logFile: string | null = null;
export function setLogFile(file: string): void {
  logFile = file;
}

/** One message with its next step, unless the message already says it (no sentence printed twice). */
export function withNextStep(message: string, code: ErrorCode): string {
  const next = CLI_NEXT_STEP[code];
  return next && !message.includes(next) ? `${message} ${next}` : message;
}

/**
 * Prints why the command ended and returns its exit code. Usage errors: 2 with the usage line. A refusal or
 * a services error: its words and what to type. Anything else is a bug in Storyreel: said so, with the log.
 */
export async function reportError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  if (err instanceof UsageError) {
    const line = err.command ? USAGE[err.command] : null;
    write(`storyreel: ${err.message}\nUsage: ${line ?? 'storyreel init|render <project-dir> [options]'}\nRun storyreel --help for every option.\n`);
    return 2;
  }
  if (err instanceof CliExit) {
    if (err.message) write(`storyreel: ${err.message}\n`);
    return err.exitCode;
  }
  const { toAppErrorShape } = await import('../../shared/errors.ts');
  const e = toAppErrorShape(err);
  if (e.code !== 'Internal') {
    write(`storyreel: ${withNextStep(e.message, e.code)}\n`);
    return 1;
  }
  const stack = err instanceof Error && err.stack ? err.stack : String(err);
  let where = '';
  if (logFile) {
    try {
      const { appendFileSync } = await import('node:fs');
      appendFileSync(logFile, `${new Date().toISOString()} [cli] internal error: ${stack}\n`);
      where = ` The details are in ${logFile};`;
    } catch {
      // the log cannot be written: the details below are all there is
    }
  }
  write(`storyreel: Something went wrong inside Storyreel (a bug, not something you did).${where} please report it with what you ran and the details below.\n  (${e.detail ?? stack})\n`);
  return 1;
}
