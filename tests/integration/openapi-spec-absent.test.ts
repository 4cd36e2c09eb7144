// Where the OpenAPI extract is absent (no ../shared/reference/ beside the repo), the /v1/videos tests still
// run and pass: the emulator runs without validation and says so, and only the checks that need the spec
// are skipped, each with its reason printed. Proven by running three of those files with
// STORYREEL_OPENAPI_SPEC pointing at a file that does not exist.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

test('without the spec: the /v1/videos tests pass, skipping only the spec checks, each with a printed reason', { timeout: 240000 }, async () => {
  const missing = path.resolve('test-results', 'no-such-dir', 'openai-videos-openapi.yaml');
  const files = ['tests/integration/openai-videos-emulator.test.ts', 'tests/integration/openai-videos.test.ts', 'tests/integration/openai-videos-reconcile.test.ts'];
  // A run of its own: without NODE_TEST_CONTEXT, which would make the child report to this runner instead.
  const env: NodeJS.ProcessEnv = { ...process.env, STORYREEL_OPENAPI_SPEC: missing, STORYREEL_TEST: '1', NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const count = (name: string) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
  assert.equal(code, 0, out.slice(-4000));
  assert.equal(count('fail'), 0);
  assert.ok(count('pass') >= 25, `most tests still ran: ${count('pass')} passed`);
  // Whole tests that are nothing but spec validation are skipped with the reason …
  assert.equal(count('skipped'), 4);
  assert.match(out, /﹣ request validation: .* # OpenAPI extract not found at .*no-such-dir.*STORYREEL_OPENAPI_SPEC/);
  // … and inside the others, only the spec check is skipped, saying which and why.
  assert.match(out, /spec check skipped: every request the adapter sent matches the OpenAPI extract — OpenAPI extract not found at /);
  assert.match(out, /spec check skipped: an off-spec status does not validate as VideoResource/);
  // The emulator itself says once per start that validation is off, and why.
  assert.match(out, /\[openai-videos emulator\] spec not found at .*no-such-dir.*validation against the OpenAPI extract is OFF/);
});
