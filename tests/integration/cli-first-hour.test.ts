// The command line as a newcomer meets it (issue 11): usage errors exit 2 with the usage line; every
// argument is checked before anything is generated; paid work is sent only on the creator's word; flags
// for a run stay out of project.json unless --save; the run ends with one summary line. Each test runs the
// built CLI (bin/storyreel.mjs) in a child process without a terminal, as a script or CI would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';

const BIN = path.resolve('bin/storyreel.mjs');
const KEY = 'sk-first-hour-0a1b2c3d';
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-first-hour-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** `storyreel <args>` with no terminal (stdin, stdout and stderr are pipes) and the emulator's key. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: root, timeout: 120_000, env: { ...process.env, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: emu.url, STORYREEL_API_KEY: '', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const project = async (name: string, o: { provider?: string; model?: string; size?: string; seconds: number[] }) => {
  const dir = path.join(root, name);
  await createProject(dir, { title: name, provider: o.provider ?? 'preview', model: o.model ?? 'animatic', size: o.size ?? '640x360', scenes: o.seconds.map((s, i) => ({ prompt: `Shot ${i + 1}: gulls over a harbour`, seconds: s })) });
  return dir;
};
const jobsIn = async (dir: string) => (await fs.readdir(path.join(dir, '.storyreel', 'jobs')).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
const USAGE_LINE = /^Usage: storyreel render <project-dir> /m;

test('an unknown option is a usage error: exit 2, what is wrong, and the usage line (not an internal error)', async () => {
  const dir = await project('bogus', { seconds: [2] });
  const r = await run(['render', dir, '--bogus']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--bogus is not an option of render/);
  assert.match(r.stderr, USAGE_LINE);
  assert.doesNotMatch(r.stderr, /Something went wrong/);
  const missing = await run(['render']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /render needs a project folder/);
  assert.match(missing.stderr, USAGE_LINE);
});

test('--out into a folder that does not exist is refused before any job is created (exit 2)', async () => {
  emu.resetStats();
  const dir = await project('out-missing', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', seconds: [4] });
  const r = await run(['render', dir, '--yes', '--out', path.join(root, 'no-such-folder', 'film.mp4')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /no-such-folder does not exist\. Create it first/);
  assert.equal(emu.stats.creates, 0, 'nothing was sent');
  assert.deepEqual(await jobsIn(dir), [], 'no job was written');
});

test('a --provider run that fails leaves project.json byte for byte as it was', async () => {
  const dir = await project('provider-run-only', { seconds: [6] });
  const before = await fs.readFile(path.join(dir, 'project.json'));
  const r = await run(['render', dir, '--provider', 'openai-videos', '--yes']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /Scene 1 is 6 s, but sora-2 only makes 4, 8, 12 s/);
  assert.doesNotMatch(r.stderr, /highlighted|Settings|Reload/);
  assert.deepEqual(await fs.readFile(path.join(dir, 'project.json')), before);
});

test('paid work with no terminal and no --yes sends nothing, and says to add --yes or --max-spend (exit 2)', async () => {
  emu.resetStats();
  const dir = await project('no-yes', { provider: 'openai-videos', model: 'sora-2', size: '1280x720', seconds: [4, 8] });
  const r = await run(['render', dir]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /estimated \$1\.20/);
  assert.match(r.stderr, /nothing was sent/);
  assert.match(r.stderr, /--yes/);
  assert.match(r.stderr, /--max-spend/);
  assert.equal(emu.stats.creates, 0);
  assert.deepEqual(await jobsIn(dir), []);
});

test('--provider applies to the run only; with --save it is kept in project.json', async () => {
  emu.resetStats();
  const dir = await project('save', { size: '1280x720', seconds: [4] });
  const once = await run(['render', dir, '--provider', 'openai-videos', '--yes', '--no-export']);
  assert.equal(once.code, 0, once.stdout + once.stderr);
  assert.equal(emu.stats.creates, 1);
  let saved = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  assert.equal(saved.provider, 'preview', 'a run without --save keeps the project on its own provider');
  assert.equal(saved.scenes[0].takes[0].provider, 'openai-videos', 'the take says what made it');
  // Another model: the take in the film was put there automatically by sora-2, so the scene is made again
  // on sora-2-pro (issue 10's "regenerate with another model"); that is paid work, so it needs --yes here.
  const kept = await run(['render', dir, '--provider', 'openai-videos', '--model', 'sora-2-pro', '--save', '--yes', '--no-export']);
  assert.equal(kept.code, 0, kept.stdout + kept.stderr);
  saved = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  assert.deepEqual([saved.provider, saved.model], ['openai-videos', 'sora-2-pro']);
  assert.equal(emu.stats.creates, 2, 'one create per model');
  assert.deepEqual(saved.scenes[0].takes.map((t: { model: string }) => t.model), ['sora-2', 'sora-2-pro']);
});

test('a render ends with one summary line: scenes ready, the film length, and where it went', async () => {
  const dir = await project('summary', { seconds: [1, 2] });
  const out = path.join(root, 'summary.mp4');
  const r = await run(['render', dir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const last = r.stdout.trimEnd().split('\n').at(-1);
  assert.equal(last, `2 of 2 scenes ready, 0:03 exported to ${out}`);
});

test('an empty project is refused before anything is exported', async () => {
  const dir = await project('empty', { seconds: [] });
  const r = await run(['render', dir]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout, /Exporting/);
  assert.match(r.stderr, /has no scenes, so there is nothing to render\. Add scenes to it/);
});

test('init on a file says so in words (exit 1), not as an internal error', async () => {
  const file = path.join(root, 'a-file.txt');
  await fs.writeFile(file, 'not a folder');
  const r = await run(['init', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /a-file\.txt is a file, not a folder\. Name a new folder for the project, e\.g\. storyreel init my-film/);
  assert.doesNotMatch(r.stderr, /Something went wrong/);
  assert.equal(await fs.readFile(file, 'utf8'), 'not a folder');
});
