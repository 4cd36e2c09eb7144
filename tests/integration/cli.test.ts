// The command-line interface, run as a user runs it (bin/storyreel.mjs in a child process, running the built
// dist-cli/), with no key set.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { readProject } from '../../electron/services/projects/store.ts';
import { probeStreams } from '../helpers/probe.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/storyreel.mjs');
let root: string;
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.STORYREEL_API_KEY;
  delete env.OPENAI_BASE_URL;
  return env;
};
const cli = (args: string[], opts: { cwd?: string } = {}) => exec(process.execPath, [BIN, ...args], { env: cleanEnv(), timeout: 240000, cwd: opts.cwd ?? root });

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('--help documents the commands, from the built CLI (npm test builds it first)', async () => {
  const { stdout, stderr } = await cli(['--help']);
  assert.equal(stderr, '', 'bin/storyreel.mjs fell back to the source: run `npm run build:cli` (scripts/run-tests.mjs does)');
  for (const word of ['storyreel init <project-dir>', 'storyreel render <project-dir>', '--max-spend', '--provider', '--concurrency', 'OPENAI_API_KEY']) assert.ok(stdout.includes(word), word);
});

test('render of a fresh 4 + 8 + 4 s project with no key writes a 16 s H.264/AAC MP4 at the project size', async () => {
  const dir = path.join(root, 'film');
  const init = await cli(['init', dir, '--title', 'Sixteen Seconds']);
  assert.match(init.stdout, /Created "Sixteen Seconds"/);
  // Add the three scenes the way a script would: edit project.json (the documented format).
  const file = path.join(dir, 'project.json');
  const project = JSON.parse(await fs.readFile(file, 'utf8'));
  project.size = '640x360';
  project.scenes = [4, 8, 4].map((seconds, i) => ({ id: `s${i + 1}`, prompt: `Shot ${i + 1}: "quotes", colons: and 100% \\ backslashes`, seconds, transition: 'cut', referenceImage: null, takes: [], chosenTake: null, lastError: null }));
  await fs.writeFile(file, JSON.stringify(project, null, 2));

  const out = path.join(root, 'sixteen.mp4');
  const { stdout } = await cli(['render', dir, '--out', out, '--concurrency', '2']);
  assert.match(stdout, /Generating 3 scene\(s\) with preview\/animatic/);
  assert.match(stdout, /scene 2: ready/);
  assert.match(stdout, /Wrote .*sixteen\.mp4/);
  assert.doesNotMatch(stdout, /\d+%/, 'off a terminal: one line per state change, no percentages');

  const info = await probeStreams(out);
  assert.ok(Math.abs(info.duration - 16) <= 0.1, `duration ${info.duration}`);
  assert.deepEqual(info.video.map((v) => `${v.codec} ${v.width}x${v.height}`), ['h264 640x360']);
  assert.deepEqual(info.audio.map((a) => a.codec), ['aac']);

  const saved = await readProject(dir);
  assert.ok(saved.scenes.every((s) => s.takes.length === 1 && s.chosenTake === s.takes[0]!.id));
  for (const s of saved.scenes) await fs.access(path.join(dir, s.takes[0]!.file));

  // Running again generates nothing new: every scene already has its take.
  const again = await cli(['render', dir, '--out', out]);
  assert.doesNotMatch(again.stdout, /Generating/);
  assert.equal((await readProject(dir)).scenes.reduce((n, s) => n + s.takes.length, 0), 3);
});

test('bad input is refused with a message, before anything is generated', async () => {
  const dir = path.join(root, 'bad');
  await cli(['init', dir]);
  const file = path.join(dir, 'project.json');
  const project = JSON.parse(await fs.readFile(file, 'utf8'));
  project.scenes = [{ id: 's1', prompt: 'a storm', seconds: 6, transition: 'cut', referenceImage: null, takes: [], chosenTake: null, lastError: null }];
  await fs.writeFile(file, JSON.stringify(project));

  // The /v1/videos models make 4, 8 or 12 s clips only: refused before any request, naming what is allowed.
  await assert.rejects(cli(['render', dir, '--provider', 'openai-videos']), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /Scene 1 is 6 s, but sora-2 only makes 4, 8, 12 s/);
    return true;
  });
  await assert.rejects(cli(['render', dir, '--max-spend', 'lots']), (err: { stderr: string }) => /--max-spend must be a number/.test(err.stderr));
  await assert.rejects(cli(['render', path.join(root, 'nowhere')]), (err: { stderr: string }) => /no Storyreel project/.test(err.stderr));
  await fs.writeFile(file, '{"formatVersion": 1, "title": ');
  await assert.rejects(cli(['render', dir]), (err: { stderr: string }) => /damaged.*left untouched/.test(err.stderr));
  assert.equal(await fs.readFile(file, 'utf8'), '{"formatVersion": 1, "title": ');
});
