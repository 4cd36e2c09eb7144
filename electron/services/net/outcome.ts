// Marks a create error whose outcome is unknown: the request may have created (and billed) a job. The job
// engine reads the mark and reconciles instead of resending.
export const OUTCOME_UNKNOWN = Symbol.for('storyreel.outcomeUnknown');
export function markOutcomeUnknown<E extends object>(err: E): E {
  (err as Record<symbol, boolean>)[OUTCOME_UNKNOWN] = true;
  return err;
}
export function isOutcomeUnknown(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, boolean>)[OUTCOME_UNKNOWN] === true;
}
