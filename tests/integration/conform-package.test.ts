// The conform package on real files: `storyreel package` copies the chosen takes and writes the cut in
// every format; each file, parsed back, names media that exists in the package and gives the timeline's
// frames. A missing take is refused in words, with no package and no temp folder left behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runPackage } from '../../electron/cli/package.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { writeConformPackage } from '../../electron/services/export/interchange/package.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import { conformFixture, FIXTURE_TAKES } from '../helpers/conform-fixture.ts';
import { readEdl, readFcpxml, readOtio, readXmeml, type ReadCut } from '../helpers/interchange-read.ts';

const exec = promisify(execFile);
let root: string;
let projectDir: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-conform-'));
  projectDir = path.join(root, 'harbour');
  await conformFixture(projectDir);
});
after(() => fs.rm(root, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

/** The timeline in frames at 30 fps: scene 1 0.2–1.8 s with a 0.5 s crossfade into scene 2 (whole), a cut into scene 3 (0.5–1.5 s). */
const EXPECTED = {
  clips: [
    { sourceIn: 6, sourceOut: 54, recordIn: 0, recordOut: 48 },
    { sourceIn: 0, sourceOut: 60, recordIn: 33, recordOut: 93 },
    { sourceIn: 15, sourceOut: 45, recordIn: 93, recordOut: 123 },
  ],
  transitions: [{ after: 0, frames: 15 }],
};
const timings = (r: ReadCut) => ({ clips: r.clips.map(({ sourceIn, sourceOut, recordIn, recordOut }) => ({ sourceIn, sourceOut, recordIn, recordOut })), transitions: r.transitions });

test('the fixture timeline is the one EXPECTED describes', async () => {
  const t = buildTimeline(await readProject(projectDir));
  const fr = (s: number) => Math.round(s * 30);
  assert.deepEqual(
    t.scenes.map((s) => ({ sourceIn: fr(s.take!.in), sourceOut: fr(s.take!.out), recordIn: fr(s.start), recordOut: fr(s.end) })),
    EXPECTED.clips,
  );
  assert.deepEqual(t.boundaries.map((b) => fr(b.overlap)), [15, 0]);
});

test('storyreel package writes the takes and every format; each names media in the package and the cut in frames', async () => {
  const outDir = path.join(root, 'for the editor');
  const { io, out, err } = capture();
  assert.equal(await runPackage([projectDir, '--out', outDir], io), 0, err.join(''));
  assert.match(out.join(''), /3 scene\(s\), 123 frames at 30 fps, 1 transition/);
  const listing = (await fs.readdir(outDir)).sort();
  assert.deepEqual(listing, ['README.txt', 'film.edl', 'film.fcpxml', 'film.otio', 'film.srt', 'film.vtt', 'film.xml', 'media']);
  const media = (await fs.readdir(path.join(outDir, 'media'))).sort();
  assert.deepEqual(media, ['S01_arbour_k3v9a1.mp4', 'S02_market_p0q7b2.mp4', 'S03_3gulls_x5w2c3.mp4']);
  for (const [i, name] of media.entries()) {
    const [copy, original] = await Promise.all([fs.readFile(path.join(outDir, 'media', name)), fs.readFile(path.join(projectDir, 'media', `${FIXTURE_TAKES[i]}.mp4`))]);
    assert.ok(copy.equals(original), `${name} is a copy of the chosen take`);
  }
  const read = async (name: string) => fs.readFile(path.join(outDir, name), 'utf8');
  const exists = async (p: string) => assert.ok((await fs.stat(p)).isFile(), `${p} exists`);

  const otio = readOtio(await read('film.otio'));
  assert.deepEqual(timings(otio), EXPECTED);
  for (const c of otio.clips) await exists(path.join(outDir, c.path));
  // Scene 3's take has no sound (ffprobe says so): a gap on the audio track, the crossfade kept.
  const otioAudio = readOtio(await read('film.otio'), 'Audio');
  assert.deepEqual(timings(otioAudio), { clips: EXPECTED.clips.slice(0, 2), transitions: EXPECTED.transitions });

  const fcpxml = readFcpxml(await read('film.fcpxml'));
  assert.deepEqual(timings(fcpxml), EXPECTED);
  for (const c of fcpxml.clips) await exists(fileURLToPath(c.path));

  const xmeml = readXmeml(await read('film.xml'));
  assert.deepEqual(timings(xmeml), EXPECTED);
  for (const c of xmeml.clips) await exists(fileURLToPath(c.path.replace(/^file:\/\/localhost\//, 'file:///')));

  const edl = readEdl(await read('film.edl'), 30);
  assert.deepEqual(timings(edl), EXPECTED);
  for (const c of edl.clips) await exists(path.join(outDir, c.path));

  assert.equal(await read('film.srt'), '1\n00:00:00,000 --> 00:00:01,350\nThe boats come in.\n\n2\n00:00:01,350 --> 00:00:03,100\nFish at the market.\n');
  assert.match(await read('film.vtt'), /^WEBVTT\n\nscene-1\n00:00:00\.000 --> 00:00:01\.350\n/);
  const readme = await read('README.txt');
  for (const name of ['film.otio', 'film.fcpxml', 'film.xml', 'film.edl', 'film.srt', 'Resolve', 'Final Cut Pro', 'Premiere']) assert.ok(readme.includes(name), `README mentions ${name}`);
});

test('the built CLI routes `storyreel package` and prints its help', async () => {
  const { stdout } = await exec(process.execPath, [path.resolve('bin', 'storyreel.mjs'), 'package', '--help'], { env: { ...process.env, NODE_OPTIONS: '' } });
  assert.match(stdout, /storyreel package <project-dir> \[--out DIR\]/);
});

test('a missing take is refused, naming the scene, and leaves no package and no temp folder', async () => {
  const broken = path.join(root, 'broken');
  await fs.cp(projectDir, broken, { recursive: true });
  await fs.rm(path.join(broken, 'media', `${FIXTURE_TAKES[1]}.mp4`));
  const parent = path.join(root, 'out-broken');
  await fs.mkdir(parent);
  const { io, err } = capture();
  assert.equal(await runPackage([broken, '--out', path.join(parent, 'pkg'), '--fps', '30'], io), 1);
  assert.match(err.join(''), /Scene 2's chosen take \(media\/take_p0q7b2\.mp4\) is missing .* no package was written/);
  assert.deepEqual(await fs.readdir(parent), [], 'nothing written, not even a hidden temp folder');

  // The writer itself refuses the same way, before touching the destination.
  const project = await readProject(broken);
  await assert.rejects(writeConformPackage(broken, project, buildTimeline(project), path.join(parent, 'pkg'), { fps: 30 }), (e: Error & { code?: string }) => e.code === 'MediaInvalid');
  assert.deepEqual(await fs.readdir(parent), []);
});

test('a folder with files in it is never written into; an empty one is used', async () => {
  const taken = path.join(root, 'taken');
  await fs.mkdir(taken);
  await fs.writeFile(path.join(taken, 'notes.txt'), 'mine');
  const { io, err } = capture();
  assert.equal(await runPackage([projectDir, '--out', taken], io), 1);
  assert.match(err.join(''), /already has files in it/);
  assert.deepEqual(await fs.readdir(taken), ['notes.txt']);
  assert.deepEqual(await fs.readdir(root).then((names) => names.filter((n) => n.endsWith('.part'))), []);

  const empty = path.join(root, 'empty');
  await fs.mkdir(empty);
  assert.equal(await runPackage([projectDir, '--out', empty], capture().io), 0);
  assert.ok((await fs.readdir(empty)).includes('film.otio'));
});

test('stopped half-way (a take copied, the rest not), nothing is left: no package, no temp folder', async () => {
  const parent = path.join(root, 'out-stopped');
  await fs.mkdir(parent);
  const project = await readProject(projectDir);
  const stop = new AbortController();
  const seen: string[] = [];
  await assert.rejects(
    writeConformPackage(projectDir, project, buildTimeline(project), path.join(parent, 'pkg'), {
      fps: 30,
      signal: stop.signal,
      onProgress: (file) => {
        seen.push(file);
        stop.abort();
      },
    }),
    (e: Error & { code?: string }) => e.code === 'Aborted',
  );
  assert.deepEqual(seen, ['media/S01_arbour_k3v9a1.mp4'], 'it had started writing');
  assert.deepEqual(await fs.readdir(parent), []);
});

test('the window asks over exports.package: a new folder under exports/, shown in the file manager; it cannot name a path', async () => {
  const copy = path.join(root, 'window');
  await fs.cp(projectDir, copy, { recursive: true });
  const revealed: string[] = [];
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'test',
    dialogs: { pickFolder: async () => null, pickImage: async () => null, reveal: async (file) => (revealed.push(file), true) },
  });
  try {
    await app.openProject(copy);
    const handlers = app.handlers();
    const refused = await dispatch(handlers, 'exports.package', { out: path.join(root, 'elsewhere') });
    assert.equal(refused.ok, false, 'a path from the window is refused at the door');
    const reply = await dispatch(handlers, 'exports.package', {});
    assert.ok(reply.ok, JSON.stringify(reply));
    const value = reply.value as { folder: string; files: string[]; scenes: number; frames: number; fps: number; revealed: boolean };
    assert.match(value.folder, /^exports\/harbour-at-dawn-package-\d{4}-/);
    assert.deepEqual([value.scenes, value.frames, value.fps, value.revealed], [3, 123, 30, true]);
    assert.deepEqual(revealed, [path.join(copy, value.folder, 'README.txt')]);
    for (const f of value.files) assert.ok((await fs.stat(path.join(copy, value.folder, f))).isFile(), f);
    assert.deepEqual(timings(readEdl(await fs.readFile(path.join(copy, value.folder, 'film.edl'), 'utf8'), 30)), EXPECTED);
  } finally {
    await app.shutdown();
  }
});

test('a take that is a link out of the project is refused like any other read of a take; nothing is written', async () => {
  const linked = path.join(root, 'linked');
  await fs.cp(projectDir, linked, { recursive: true });
  const outside = path.join(root, 'secret.mp4');
  await fs.writeFile(outside, 'not for the editor');
  await fs.rm(path.join(linked, 'media', `${FIXTURE_TAKES[2]}.mp4`));
  await fs.symlink(outside, path.join(linked, 'media', `${FIXTURE_TAKES[2]}.mp4`));
  const parent = path.join(root, 'out-linked');
  await fs.mkdir(parent);
  const { io, err } = capture();
  assert.equal(await runPackage([linked, '--out', path.join(parent, 'pkg'), '--fps', '30'], io), 1);
  assert.match(err.join(''), /Scene 3's chosen take \(media\/take_x5w2c3\.mp4\) is not a file inside the project's media folder/);
  assert.deepEqual(await fs.readdir(parent), []);
});
