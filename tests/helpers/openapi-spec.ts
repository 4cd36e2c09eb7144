// The OpenAPI extract the /v1/videos tests validate against lives outside the repo (../shared/reference/,
// or wherever STORYREEL_OPENAPI_SPEC points). Where it is absent, only the checks that need it are skipped,
// each with a printed reason; everything else in those tests still runs.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { defaultSpecPath } from '../emulators/openai-videos/server.ts';

export const SPEC_PATH = defaultSpecPath();

/** Why spec checks are skipped, or false when the spec is there. Usable as a test's `skip` option. */
export const NO_SPEC: string | false = existsSync(SPEC_PATH)
  ? false
  : `OpenAPI extract not found at ${SPEC_PATH} (put ../shared/reference/ beside the repo or set STORYREEL_OPENAPI_SPEC): validation against the spec is skipped`;

/** Runs a check that needs the spec; without it, prints that this check was skipped and why. */
export async function specCheck(t: TestContext, what: string, check: () => unknown): Promise<void> {
  if (NO_SPEC) {
    t.diagnostic(`spec check skipped: ${what} — ${NO_SPEC}`);
    return;
  }
  await check();
}
