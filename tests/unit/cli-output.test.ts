// How the command line reports an ending (electron/cli/output.ts): usage errors exit 2 with the usage line,
// errors from the services get a next step in the terminal's words, and only a real bug is called one,
// with the log file that holds its details.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, AppError } from '../../shared/errors.ts';
import { UsageError } from '../../electron/cli/args.ts';
import { CLI_NEXT_STEP, reportError, setLogFile } from '../../electron/cli/output.ts';

async function report(err: unknown): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await reportError(err, (s) => (text += s));
  return { code, text };
}

test('a usage error: exit 2, the message, the command\'s usage line and where the options are', async () => {
  const r = await report(new UsageError('--bogus is not an option of render.', 'render'));
  assert.equal(r.code, 2);
  assert.match(r.text, /^storyreel: --bogus is not an option of render\.\nUsage: storyreel render <project-dir> .*\nRun storyreel --help for every option\.\n$/);
});

test('every next step is worded for a terminal: no window panels, highlighted fields or reloads', () => {
  for (const code of ERROR_CODES) assert.doesNotMatch(CLI_NEXT_STEP[code], /Settings|highlighted|Reload|dialog|panel|click|press/i, code);
  assert.match(CLI_NEXT_STEP.MissingKey, /OPENAI_API_KEY=/);
  assert.match(CLI_NEXT_STEP.BudgetExceeded, /--max-spend/);
  assert.match(CLI_NEXT_STEP.NoProject, /storyreel init/);
});

test('an error from the services: its message and the terminal next step, exit 1, never the bug wording', async () => {
  const r = await report(new AppError('MissingKey', 'No API key is set for the /v1/videos provider.'));
  assert.equal(r.code, 1);
  assert.equal(r.text, `storyreel: No API key is set for the /v1/videos provider. ${CLI_NEXT_STEP.MissingKey}\n`);
});

test('a real bug: said to be one, with the log file that now holds its stack', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-output-'));
  try {
    const log = path.join(dir, 'cli.log');
    setLogFile(log);
    const r = await report(new TypeError("Cannot read properties of undefined (reading 'scenes')"));
    assert.equal(r.code, 1);
    assert.match(r.text, /Something went wrong inside Storyreel \(a bug, not something you did\)\. The details are in .*cli\.log; please report it/);
    assert.match(await fs.readFile(log, 'utf8'), /internal error: TypeError: Cannot read properties of undefined/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
