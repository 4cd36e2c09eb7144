// Project format 2 through the command line, on Preview (no key): a project.json written by hand renders,
// format-1 projects migrate and render the same film as format 1 did, and a hand-edited chosen take that
// points nowhere is repaired instead of generating (and, on a paid provider, paying for) a new take.
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
const FIXTURES = path.resolve('tests/fixtures');
let root: string;
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.STORYREEL_API_KEY;
  delete env.OPENAI_BASE_URL;
  return env;
};
const cli = (args: string[]) => exec(process.execPath, [BIN, ...args], { env: cleanEnv(), timeout: 240000, cwd: root });

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-cli-format-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Duration and streams, as the format-1 facts in tests/fixtures/project-v1-rendered-before.json record them. */
async function facts(file: string) {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,sample_rate,channels,r_frame_rate,pix_fmt', '-of', 'json', file]);
  const j = JSON.parse(stdout) as { format: { duration: string }; streams: Array<Record<string, string | number>> };
  return {
    duration: Number(j.format.duration),
    streams: j.streams.map((s) =>
      s.codec_type === 'video'
        ? { type: 'video', codec: s.codec_name, width: s.width, height: s.height, pixFmt: s.pix_fmt, fps: s.r_frame_rate }
        : { type: 'audio', codec: s.codec_name, sampleRate: Number(s.sample_rate), channels: s.channels },
    ),
  };
}

test('init, then a project.json whose scenes are only {prompt, seconds}, renders an MP4 of their summed length', async () => {
  const dir = path.join(root, 'by-hand');
  await cli(['init', dir, '--title', 'By Hand']);
  const file = path.join(dir, 'project.json');
  const made = JSON.parse(await fs.readFile(file, 'utf8'));
  // What a person types: the format version, a size, and each scene's text and length. Nothing else.
  await fs.writeFile(
    file,
    `{
  "formatVersion": ${made.formatVersion},
  "title": "By Hand",
  "size": "640x360",
  "scenes": [
    { "prompt": "A paper boat on a puddle", "seconds": 2 },
    { "prompt": "Rain starts", "seconds": 3 },
    { "prompt": "The boat sails off", "seconds": 1 }
  ]
}
`,
  );
  const out = path.join(root, 'by-hand.mp4');
  const { stdout } = await cli(['render', dir, '--out', out]);
  assert.match(stdout, /Generating 3 scene\(s\) with preview\/animatic at 640x360/);
  assert.match(stdout, /Exporting 3 scene\(s\), 6\.0 s of film/);
  const info = await probeStreams(out);
  assert.ok(Math.abs(info.duration - 6) <= 0.1, `duration ${info.duration}`);
  assert.deepEqual(info.video.map((v) => `${v.codec} ${v.width}x${v.height}`), ['h264 640x360']);
  assert.deepEqual(info.audio.map((a) => a.codec), ['aac']);
  const saved = await readProject(dir);
  assert.equal(saved.formatVersion, 2);
  assert.ok(saved.scenes.every((s) => /^scene_/.test(s.id) && s.takes.length === 1 && s.chosenTake === s.takes[0]!.id));
});

for (const [name, label] of [
  ['project-v1-first-film', 'the format-1 example film (no takes yet)'],
  ['project-v1-with-takes', 'a format-1 project with takes, made by the format-1 CLI'],
] as const) {
  test(`${label} migrates to format 2 and renders the same film (duration, streams) as format 1 did`, async () => {
    const before = JSON.parse(await fs.readFile(path.join(FIXTURES, 'project-v1-rendered-before.json'), 'utf8'))[`tests/fixtures/${name}`];
    const dir = path.join(root, name);
    await fs.cp(path.join(FIXTURES, name), dir, { recursive: true });
    const v1 = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
    assert.equal(v1.formatVersion, 1);
    const out = path.join(root, `${name}.mp4`);
    const { stdout } = await cli(['render', dir, '--out', out]);
    const hadTakes = v1.scenes.every((s: { chosenTake: string | null }) => s.chosenTake);
    if (hadTakes) assert.doesNotMatch(stdout, /Generating/, 'the takes from format 1 are used, not made again');
    const after = await facts(out);
    assert.ok(Math.abs(after.duration - before.duration) <= 0.05, `duration ${after.duration} vs ${before.duration}`);
    assert.deepEqual(after.streams, before.streams);
    const saved = await readProject(dir);
    assert.equal(JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8')).formatVersion, 2);
    assert.deepEqual(saved.scenes.map((s) => [s.id, s.prompt, s.seconds]), v1.scenes.map((s: { id: string; prompt: string; seconds: number }) => [s.id, s.prompt, s.seconds]));
    if (hadTakes) assert.deepEqual(saved.scenes.map((s) => s.takes), v1.scenes.map((s: { takes: unknown }) => s.takes));
    await fs.access(path.join(dir, '.storyreel', 'project.v1.json'));
  });
}

test('a chosen take edited by hand to point at no take is repaired, not generated (and paid for) again', async () => {
  const dir = path.join(root, 'dangling');
  await fs.cp(path.join(FIXTURES, 'project-v1-with-takes'), dir, { recursive: true });
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  const kept = raw.scenes[1].chosenTake;
  raw.scenes[1].chosenTake = 'take_removed_by_hand';
  await fs.writeFile(file, JSON.stringify(raw, null, 2));
  const out = path.join(root, 'dangling.mp4');
  const { stdout } = await cli(['render', dir, '--out', out]);
  assert.match(stdout, /Note: scene 2's chosen take "take_removed_by_hand" does not exist; chose its newest take/);
  assert.doesNotMatch(stdout, /Generating/);
  const saved = await readProject(dir);
  assert.equal(saved.scenes[1]!.chosenTake, kept);
  assert.deepEqual(saved.scenes.map((s) => s.takes.length), [1, 1], 'no new take');
  assert.deepEqual((await fs.readdir(path.join(dir, '.storyreel', 'jobs'))).length, 2, 'no new job');
  assert.ok(Math.abs((await probeStreams(out)).duration - 5) <= 0.05);
});

test('a hand-written file with several mistakes is refused with all of them, and left untouched', async () => {
  const dir = path.join(root, 'mistakes');
  await cli(['init', dir]);
  const file = path.join(dir, 'project.json');
  const text = '{ "formatVersion": 2, "scenes": [ { "prompt": "one" }, { "prompt": "two", "seconds": 4, "transition": "dissolve" } ] }';
  await fs.writeFile(file, text);
  await assert.rejects(cli(['render', dir]), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /2 problems:/);
    assert.match(err.stderr, /Scene 1 \("one"\): "seconds" is missing/);
    assert.match(err.stderr, /Scene 2 \("two"\): "transition" must be "cut" or \{"type": "crossfade", "seconds": 1\}/);
    assert.equal(err.stderr.match(/left untouched/g)?.length, 1, err.stderr);
    return true;
  });
  assert.equal(await fs.readFile(file, 'utf8'), text);
});
