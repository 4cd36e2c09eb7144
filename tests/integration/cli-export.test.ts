// `storyreel export <dir>` as a creator runs it (the built CLI, real ffmpeg): the plan per scene and
// progress; trims and a transition honoured; a stale hidden partial export swept; a damaged take named by
// its scene with no file left; a scene without a chosen take named with its next step said once; a
// transition too long refused saying the most it can be; Ctrl-C mid-export leaving nothing in exports/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { cli, until } from '../helpers/module-cli.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const { root } = await scratch('storyreel-cli-export-');
let count = 0;

/** A project folder with one take per scene (testsrc at `size`, a tone), chosen, joined as given. */
async function projectWith(scenes: Array<{ seconds: number; transition?: unknown; trim?: { in: number; out: number } }>, o: { size?: string; takeSize?: string } = {}): Promise<string> {
  const dir = path.join(root, `p${++count}`);
  await mkdir(path.join(dir, 'media'), { recursive: true });
  await Promise.all(
    scenes.map((s, k) =>
      ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${o.takeSize ?? '160x90'}:r=30:d=${s.seconds}`, '-f', 'lavfi', '-i', `sine=f=${400 + 50 * k}:d=${s.seconds}:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', path.join(dir, 'media', `take${k + 1}.mp4`)]),
    ),
  );
  const size = o.size ?? '160x90';
  const project = {
    formatVersion: 2,
    title: 'Lamps',
    provider: 'preview',
    model: 'animatic',
    size,
    scenes: scenes.map((s, k) => ({
      prompt: `Scene ${k + 1}`,
      seconds: s.seconds,
      transition: s.transition ?? 'cut',
      takes: [{ id: `take${k}`, jobId: `job${k}`, provider: 'preview', model: 'animatic', file: `media/take${k + 1}.mp4`, thumbnail: null, seconds: s.seconds, size: o.takeSize ?? size, prompt: '', providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0, ...(s.trim ? { trim: s.trim } : {}) }],
      chosenTake: `take${k}`,
    })),
  };
  await writeFile(path.join(dir, 'project.json'), JSON.stringify(project, null, 2));
  return dir;
}

const exportsOf = async (dir: string) => (await readdir(path.join(dir, 'exports')).catch(() => [] as string[])).sort();

test('storyreel export prints the plan and progress, honours trims and a transition, and sweeps a stale partial export', async () => {
  const dir = await projectWith([{ seconds: 1 }, { seconds: 2, transition: { type: 'crossfade', seconds: 0.5 }, trim: { in: 0.5, out: 2 } }, { seconds: 1 }]);
  await mkdir(path.join(dir, 'exports'));
  const stale = path.join(dir, 'exports', '.lamps-old.mp4.0badc0de.part');
  await writeFile(stale, 'half a film from an export that was killed');
  const old = new Date(Date.now() - 3600_000);
  await utimes(stale, old, old);

  const run = await cli(root, ['export', dir], {}).done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Plan: each take conformed once \(kept for the next export\), only the 1 transition window encoded, the rest stream-copied, .*because of transitions, trims/);
  assert.match(run.stdout, /scene 2: conform — trimmed to 0\.5 s–2 s, crossfade into scene 3: conformed once/);
  assert.match(run.stdout, /scene 2: window — crossfade into scene 3: 0\.50 s window encoded/);
  assert.match(run.stdout, /scene 3: conform — crossfade from scene 2/);
  assert.match(run.stdout, /export 100%/);
  const files = await exportsOf(dir);
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0]!, /^lamps-.*\.mp4$/, 'the stale partial file is gone; only the film is left');
  const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(dir, 'exports', files[0]!)]);
  assert.ok(Math.abs(Number(stdout) - (1 + 1.5 + 1 - 0.5)) < 1 / 30 + 0.001, `film is ${stdout} s`);
  assert.match(await readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8'), /export plan: each take conformed once/);

  // Again, unchanged: nothing is encoded but the sound; every body and the window come from the cache.
  const again = await cli(root, ['export', dir, '--out', path.join(dir, 'again.mp4')], {}).done;
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/: copy — copied from its conformed copy made earlier/g) ?? []).length, 3, again.stdout);
  assert.match(again.stdout, /scene 2: window — crossfade into scene 3: 0\.50 s window from an earlier export/);
  // After replacing scene 3's take: that take is conformed again and its window encoded again, scene 1 and 2 are copied.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=160x90:r=30:d=1', '-f', 'lavfi', '-i', 'sine=f=900:d=1:sample_rate=48000', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path.join(dir, 'media', 'take3.mp4')]);
  const changed = await cli(root, ['export', dir, '--out', path.join(dir, 'changed.mp4')], {}).done;
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /scene 1: copy — copied from its conformed copy/);
  assert.match(changed.stdout, /scene 2: copy — copied from its conformed copy/);
  assert.match(changed.stdout, /scene 2: window — crossfade into scene 3: 0\.50 s window encoded/);
  assert.match(changed.stdout, /scene 3: conform — crossfade from scene 2: conformed once/);
  const lengths = await Promise.all(['again.mp4', 'changed.mp4'].map(async (f) => Number((await exec(paths.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(dir, f)])).stdout)));
  assert.ok(lengths.every((l) => Math.abs(l - 3) < 1 / 30 + 0.001), lengths.join(', '));
  // Each film is recorded with the cut it came from, newest first, for the app's past exports; the log
  // says where the time went.
  const history = JSON.parse(await readFile(path.join(dir, '.storyreel', 'exports.json'), 'utf8')) as { exports: Array<{ file: string; preset: { quality: string }; cut: { scenes: Array<{ in: number; out: number; transition: string }> } }> };
  assert.deepEqual(history.exports.map((e) => e.file), ['changed.mp4', 'again.mp4', `exports/${files[0]}`]);
  assert.deepEqual(history.exports[0]!.cut.scenes.map((s) => [s.in, s.out, s.transition]), [[0, 1, 'cut'], [0.5, 2, 'crossfade 0.5'], [0, 1, 'cut']]);
  assert.match(await readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8'), /windowed render: .*conform \(1 encoded\), windows \(1 encoded\) [\d.]+ s, .*join \(stream copy\) [\d.]+ s; kept from earlier exports: 2 of 3 conformed takes, 0 of 1 windows/);
});

test('storyreel export names the scene whose take is damaged and writes nothing; a too-long transition says the most it can be', async () => {
  const dir = await projectWith([{ seconds: 1 }, { seconds: 1 }, { seconds: 1 }]);
  const take = path.join(dir, 'media', 'take2.mp4');
  const bytes = await readFile(take);
  await writeFile(take, bytes.subarray(0, Math.floor(bytes.length * 0.5)));
  const damaged = await cli(root, ['export', dir], {}).done;
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /Scene 2's chosen take cannot be used: (the video file is damaged or incomplete|this file is not a video)/i);
  assert.deepEqual(await exportsOf(dir), []);

  const long = await projectWith([{ seconds: 1, transition: { type: 'dip-white', seconds: 0.8 } }, { seconds: 2 }]);
  const refused = await cli(root, ['export', long], {}).done;
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /dip to white between scene 1 and scene 2 is 0\.8 s.*at most 0\.5 s/);
  assert.deepEqual(await exportsOf(long), []);
});

test('storyreel export without a chosen take for a scene says what to do once, in the terminal\'s words', async () => {
  const dir = await projectWith([{ seconds: 1 }, { seconds: 1 }]);
  const file = path.join(dir, 'project.json');
  const project = JSON.parse(await readFile(file, 'utf8')) as { scenes: Array<{ chosenTake: string | null }> };
  project.scenes[1]!.chosenTake = null;
  await writeFile(file, JSON.stringify(project, null, 2));
  const run = await cli(root, ['export', dir], {}).done;
  assert.equal(run.code, 1, run.stderr);
  // The message names the scene and says the next step itself: nothing is added after it.
  const said = run.stderr.split('\n').filter((line) => !/running the source through tsx/.test(line));
  assert.deepEqual(said, ['storyreel: export failed: Scene 2 has no chosen take yet. Generate it or choose a take first.', '']);
  assert.deepEqual(await exportsOf(dir), []);
  // A message that says no more than what is wrong gets the next step, worded for a terminal (not a window's).
  await writeFile(file, JSON.stringify({ ...project, scenes: [] }, null, 2));
  const empty = await cli(root, ['export', dir], {}).done;
  assert.equal(empty.code, 1, empty.stderr);
  assert.match(empty.stderr, /^storyreel: export failed: The storyboard has no scenes yet\. Add scenes to project\.json \(see "Project format" in the README\), then run the same command again\.$/m);
});

test('Ctrl-C during storyreel export stops ffmpeg and leaves nothing in exports/, hidden files included', async () => {
  // Upscaled to 16:9 at 1280x720 with the high preset: seconds of work, time to interrupt it.
  const dir = await projectWith([{ seconds: 2 }, { seconds: 2, transition: { type: 'slide-left', seconds: 0.5 } }, { seconds: 2 }], { size: '1280x720', takeSize: '320x180' });
  const run = cli(root, ['export', dir, '--quality', 'high'], {});
  await until(async () => (await exportsOf(dir)).some((f) => f.endsWith('.part')), 60_000, 'a partial export appears');
  run.child.kill('SIGINT');
  const done = await run.done;
  assert.equal(done.code, 130, done.stderr);
  assert.match(done.stderr, /canceled; no file was written/);
  assert.deepEqual(await exportsOf(dir), []);
});
