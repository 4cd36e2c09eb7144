// Typed errors with a stable code. They cross IPC and the bridge as { code, message, detail }.
// `message` is written for a creator; `detail` is for logs and bug reports and never holds a key.
import { z } from 'zod';

export const ERROR_CODES = [
  'InvalidInput',
  'NotFound',
  'ProjectCorrupt',
  'ProjectTooNew',
  'ProjectLocked',
  'NoProject',
  'ProviderRejected',
  'ModerationBlocked',
  'RateLimited',
  'ProviderUnavailable',
  /** Nothing answered at the provider's address for longer than the bound: nothing was sent, the job is kept. */
  'ProviderUnreachable',
  /** A create may or may not have reached the provider, and its list could not settle it: not resent. */
  'OutcomeUnknown',
  'AuthFailed',
  'MissingKey',
  'ContentExpired',
  'BudgetExceeded',
  'NotConfirmed',
  'UnsupportedByModel',
  'FfmpegMissing',
  'FfmpegFailed',
  'MediaInvalid',
  'NothingToExport',
  /** The disk (or the user's quota) is full: what was being written was not written. */
  'DiskFull',
  'Aborted',
  'Internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  detail: z.string().optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorSchema>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  /** Whether doing the same thing again later may work (network, rate limits, 5xx). */
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, opts: { detail?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = opts.detail;
    this.retryable = opts.retryable ?? false;
  }
  toJSON(): AppErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function isAbort(err: unknown): boolean {
  if (err instanceof AppError) return err.code === 'Aborted';
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/** A write that failed because the disk or the quota is full (Node's ENOSPC / EDQUOT). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Turns anything thrown into the wire shape. Unknown errors keep their text only as detail. */
export function toAppErrorShape(err: unknown): AppErrorShape {
  if (err instanceof AppError) return err.toJSON();
  if (isAbort(err)) return { code: 'Aborted', message: 'Canceled.' };
  if (isDiskFull(err)) {
    const where = (err as { path?: unknown }).path;
    return { code: 'DiskFull', message: `The disk is full, so Storyreel could not write ${typeof where === 'string' ? where : 'a file'}.`, detail: (err as Error).message };
  }
  const detail = err instanceof Error ? err.message : String(err);
  return { code: 'Internal', message: 'Something went wrong inside Storyreel.', detail };
}

/**
 * Whether a message already says what to do (it has a sentence after the first, e.g. "Scene 2 has no
 * chosen take yet. Generate it or choose a take first."): then no generic next step is added after it.
 */
export const saysWhatToDo = (message: string): boolean => /[.!?]\s+\S/.test(message);

/** What to do next, per code, shown under the message in the app (unless the message says it: saysWhatToDo). */
export const NEXT_STEP: Record<ErrorCode, string> = {
  InvalidInput: 'Check the highlighted value and try again.',
  NotFound: 'It may have been deleted. Reload the project.',
  ProjectCorrupt: 'Correct it in a text editor where the message says, restore it from a backup, or open another project.',
  ProjectTooNew: 'Update Storyreel to open this project.',
  ProjectLocked: 'Close the other Storyreel window or command using this project.',
  NoProject: 'Open or create a project first.',
  ProviderRejected: 'Change the scene so the provider accepts it, then generate again.',
  ModerationBlocked: 'Rephrase the prompt (avoid real people and copyrighted characters) and generate again.',
  RateLimited: 'Storyreel will retry by itself. You can also lower the concurrency.',
  ProviderUnavailable: 'The provider could not be reached. Storyreel keeps the job and resumes it.',
  ProviderUnreachable: 'Check the address and your connection. The job is kept and is sent when you try again.',
  OutcomeUnknown: 'Check your provider dashboard. Send it again only if the provider does not have it; it may be billed twice.',
  AuthFailed: 'Check the API key in the API keys panel.',
  MissingKey: 'Add an API key in the API keys panel, or switch the project to the Preview provider.',
  ContentExpired: 'The provider no longer has this video. Generate the scene again.',
  BudgetExceeded: 'Raise the budget cap in the Budget panel, or generate fewer scenes or takes.',
  NotConfirmed: 'Nothing was changed or sent. Do it again and answer yes in the dialog Storyreel shows.',
  UnsupportedByModel: 'Pick one of the allowed values for this model.',
  FfmpegMissing: 'Install ffmpeg, or give its path in the field at the top of the window.',
  FfmpegFailed: 'Try again. If it keeps failing, regenerate the scene that breaks it.',
  MediaInvalid: 'Regenerate this take; the file is damaged.',
  NothingToExport: 'Choose a take for every scene, then export.',
  DiskFull: 'Free some space on that disk, then do it again. What is on disk is unchanged.',
  Aborted: '',
  Internal: 'Try again. If it keeps happening, report it with the details below.',
};
