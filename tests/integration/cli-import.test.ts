// `storyreel import` and `storyreel generate`, run as a user runs them (the built CLI in a child process).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { readProject } from '../../electron/services/projects/store.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/storyreel.mjs');
let root: string;
const env = (): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  for (const k of ['OPENAI_API_KEY', 'STORYREEL_API_KEY', 'OPENAI_BASE_URL']) delete e[k];
  return e;
};
const cli = (args: string[]) => exec(process.execPath, [BIN, ...args], { env: env(), timeout: 120000, cwd: root });
/** A run that must fail: its exit code and stderr. */
async function failing(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await cli(args);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  assert.fail(`storyreel ${args.join(' ')} succeeded`);
}

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-import-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('import adds one scene per shot of a Markdown list (lengths, sub-bullets, style) and says what it changed', async () => {
  const dir = path.join(root, 'lighthouse');
  await cli(['init', dir]);
  const { stdout } = await cli(['import', dir, path.resolve('tests/fixtures/shotlists/lighthouse.md')]);
  assert.match(stdout, /Imported 4 shots, read as a numbered list: scenes 1–4 of 4\./);
  assert.match(stdout, /Note: The list's style \("35mm film, muted teal and amber grade"\) is now the project style\./);
  const p = await readProject(dir);
  assert.deepEqual(p.scenes.map((s) => s.seconds), [8, 7, 4, 12]);
  assert.match(p.scenes[0]!.prompt, /Camera: slow drone push-in from the sea\. Lighting: last sun/);
  assert.equal(p.style, '35mm film, muted teal and amber grade');
  // The seed documents' shot sequence, added after scene 1.
  const seed = await cli(['import', dir, path.resolve('tests/fixtures/shotlists/seed-sequence.txt'), '--after', '1']);
  assert.match(seed.stdout, /Imported 7 shots, read as a shot sequence \(numbered bold titles\): scenes 2–8 of 11\./);
  const q = await readProject(dir);
  assert.ok(q.scenes[1]!.prompt.startsWith('开场:日出海天,国旗飘扬。'));
  assert.equal(q.scenes[8]!.prompt, p.scenes[1]!.prompt);
});

test('import and generate refuse wrong input with exit code 2 and the usage line, and change nothing', async () => {
  const dir = path.join(root, 'wrong');
  await cli(['init', dir]);
  const cases: Array<[string[], RegExp, RegExp]> = [
    [['import', dir], /needs a project folder and a shot-list file/, /^Usage: storyreel import <project-dir> <shot-list-file>/m],
    [['import', dir, path.join(root, 'no-such.md')], /cannot read the shot list/, /^Usage: storyreel import/m],
    [['import', dir, 'a.md', '--bogus'], /--bogus is not an option of import/, /^Usage: storyreel import/m],
    [['generate'], /generate needs a project folder/, /^Usage: storyreel generate <project-dir> \[--scenes 1,3-5\] \[--takes N\]/m],
    [['generate', dir, '--takes', '9'], /--takes must be a whole number from 1 to 4/, /^Usage: storyreel generate/m],
    [['generate', dir, '--scenes', '2-x'], /--scenes takes scene numbers and ranges like 1,3-5/, /^Usage: storyreel generate/m],
  ];
  for (const [args, why, usage] of cases) {
    const r = await failing(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why, args.join(' '));
    assert.match(r.stderr, usage, args.join(' '));
  }
  await fs.writeFile(path.join(root, 'two.txt'), 'A red kite rises [1s]\n\nThe kite string snaps [1s]\n');
  await cli(['import', dir, path.join(root, 'two.txt')]);
  const r = await failing(['generate', dir, '--scenes', '1,3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the project has 2 scenes, so there is no scene 3/);
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.takes.length), [0, 0]);
});

test('generate makes N takes of the named scenes and exports nothing', async () => {
  const dir = path.join(root, 'kites');
  await cli(['init', dir]);
  const p = path.join(dir, 'project.json');
  await fs.writeFile(p, JSON.stringify({ ...JSON.parse(await fs.readFile(p, 'utf8')), size: '640x360' }));
  await fs.writeFile(path.join(root, 'three.txt'), '1. A red kite rises [1s]\n2. The string snaps [1s]\n3. The kite lands in a tree [1s]\n');
  await cli(['import', dir, path.join(root, 'three.txt')]);
  const { stdout } = await cli(['generate', dir, '--scenes', '1,3', '--takes', '2']);
  assert.match(stdout, /Generating 2 scene\(s\) × 2 take\(s\) — free\./);
  assert.match(stdout, /4 of 4 take\(s\) ready; nothing exported/);
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.takes.length), [2, 0, 2]);
  assert.deepEqual(await fs.readdir(path.join(dir, 'exports')), []);
});
