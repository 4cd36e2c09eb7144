// Assertions shared by the tests.
import assert from 'node:assert/strict';
import { AppError } from '../../shared/errors.ts';

/** Awaits `promise`, which must reject with an AppError of `code` (and a message matching `message`). */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code, `${err.code}: ${err.message} ${err.detail ?? ''}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a rejection with ${code}`);
}
