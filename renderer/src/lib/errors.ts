// Turns anything a call throws into what a creator reads: a sentence and what to do next. Aborts → null.
import { ERROR_CODES, NEXT_STEP } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

export interface ShownError {
  code: ErrorCode;
  message: string;
  nextStep: string;
  detail: string | undefined;
}

const isCode = (c: unknown): c is ErrorCode => typeof c === 'string' && (ERROR_CODES as readonly string[]).includes(c);

export function describeError(err: unknown): ShownError | null {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown; detail?: unknown; name?: unknown };
  if (e.name === 'AbortError' || e.code === 'Aborted') return null;
  if (isCode(e.code)) {
    return {
      code: e.code,
      message: typeof e.message === 'string' && e.message ? e.message : 'Something went wrong.',
      nextStep: NEXT_STEP[e.code],
      detail: typeof e.detail === 'string' ? e.detail : undefined,
    };
  }
  // Not one of ours (a bug or a transport failure): never show a stack, keep the text as detail.
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  return { code: 'Internal', message: 'Something went wrong inside Storyreel.', nextStep: NEXT_STEP.Internal, detail: text };
}

/** The same, for an error carried in a snapshot ({ code, message }). */
export function describeAppError(e: { code: string; message: string; detail?: string | undefined } | null): ShownError | null {
  if (!e) return null;
  return describeError(e);
}
