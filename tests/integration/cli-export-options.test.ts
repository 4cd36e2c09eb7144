// `storyreel export`'s sound, caption and package options as a creator types them (the CLI, real ffmpeg):
// a wrong value is a usage error (exit 2) said before anything is read or written; --captions srt writes
// SRT and VTT sidecars whose cue times are the timeline's; --loudnorm, --music and --package do what they
// say in the same run; --captions burn says in the plan why every frame is encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildTimeline } from '../../shared/timeline.ts';
import { captionCues } from '../../electron/services/export/interchange/captions.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { cli } from '../helpers/module-cli.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const { root } = await scratch('storyreel-cli-export-options-');
let count = 0;

/** A project with one chosen take per scene (a test picture and swelling pink noise), captions and transitions as given. */
async function projectWith(scenes: Array<{ seconds: number; caption?: string; transition?: unknown; trim?: { in: number; out: number } }>): Promise<string> {
  const dir = path.join(root, `p${++count}`);
  await mkdir(path.join(dir, 'media'), { recursive: true });
  await Promise.all(
    scenes.map((s, k) =>
      ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=160x90:r=30:d=${s.seconds}`, '-f', 'lavfi', '-i', `anoisesrc=d=${s.seconds}:c=pink:r=48000:a=0.05:seed=${k + 1}`, '-af', "volume='0.3+0.7*abs(sin(2*t))':eval=frame", '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', path.join(dir, 'media', `take${k + 1}.mp4`)]),
    ),
  );
  const project = {
    formatVersion: 2,
    title: 'Lamps',
    provider: 'preview',
    model: 'animatic',
    size: '160x90',
    scenes: scenes.map((s, k) => ({
      prompt: `Scene ${k + 1}`,
      seconds: s.seconds,
      caption: s.caption ?? null,
      transition: s.transition ?? 'cut',
      takes: [{ id: `take${k}`, jobId: `job${k}`, provider: 'preview', model: 'animatic', file: `media/take${k + 1}.mp4`, thumbnail: null, seconds: s.seconds, size: '160x90', prompt: '', providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0, ...(s.trim ? { trim: s.trim } : {}) }],
      chosenTake: `take${k}`,
    })),
  };
  await writeFile(path.join(dir, 'project.json'), JSON.stringify(project, null, 2));
  return dir;
}

const msOf = (clock: string): number => {
  const m = /^(\d+):(\d\d):(\d\d)[,.](\d{3})$/.exec(clock.trim());
  assert.ok(m, `not a cue time: ${clock}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
};
const cueTimes = (text: string): Array<[number, number]> => [...text.matchAll(/^(\S+) --> (\S+)$/gm)].map((m) => [msOf(m[1]!), msOf(m[2]!)]);

async function integrated(file: string): Promise<number> {
  const { stderr } = await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-']);
  return Number(/Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr)?.[1]);
}

test('a wrong sound, caption or package option is a usage error, said before anything is read or written', async () => {
  const dir = await projectWith([{ seconds: 1 }]);
  const full = path.join(root, 'full');
  await mkdir(full);
  await writeFile(path.join(full, 'keep.txt'), 'something');
  const cases: Array<[string[], RegExp]> = [
    [['--loudnorm', '-5'], /--loudnorm must be between -36 and -10 LUFS .* not -5/],
    [['--loudnorm', '14'], /loudness targets are negative; did you mean --loudnorm -14\?/],
    [['--loudnorm=loud'], /--loudnorm takes a loudness in LUFS such as -14, -16 or -23, not "loud"/],
    [['--music', path.join(root, 'no-such-song.mp3')], /--music: there is no file at .*no-such-song\.mp3/],
    [['--music', root], /--music must name an audio file/],
    [['--captions', 'both'], /--captions must be srt \(sidecar files\) or burn \(drawn on the picture\), not "both"/],
    [['--package', full], /--package: .*full already exists and is not empty/],
  ];
  for (const [flags, message] of cases) {
    const run = await cli(root, ['export', dir, ...flags], {}).done;
    assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, flags.join(' '));
    assert.match(run.stderr, /--captions srt\|burn/, 'the usage follows');
    assert.equal(run.stdout, '', 'nothing was started');
  }
  assert.deepEqual(await readdir(dir).then((f) => f.sort()), ['media', 'project.json'], 'no exports/ or .storyreel/ was made');
});

test('--captions srt writes SRT and VTT with the timeline’s cue times, with --loudnorm, --music and --package in the same run', async () => {
  const dir = await projectWith([
    { seconds: 2, caption: 'The lamp flickers' },
    { seconds: 3, caption: 'A moth\nfinds it', transition: { type: 'crossfade', seconds: 0.5 }, trim: { in: 0.5, out: 3 } },
    { seconds: 2, caption: 'Dark again' },
  ]);
  const music = path.join(root, 'bed.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=300:d=2:sample_rate=44100', music]);
  const out = path.join(dir, 'cut', 'lamps.mp4');
  await mkdir(path.dirname(out));
  const pkg = path.join(root, `pkg-${count}`);
  const run = await cli(root, ['export', dir, '--out', out, '--loudnorm', '-16', '--music', music, '--captions', 'srt', '--package', pkg], {}).done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /sound: a music bed \(bed\.wav\) laid under the film .*; loudness measured, then brought to -16 LUFS/);
  assert.match(run.stdout, /Wrote the captions beside it: lamps\.srt, lamps\.vtt\./);
  assert.deepEqual((await readdir(path.dirname(out))).sort(), ['lamps.mp4', 'lamps.srt', 'lamps.vtt']);

  const project = await readProject(dir);
  const expected = captionCues(project, buildTimeline(project)).map((c): [number, number] => [c.startMs, c.endMs]);
  assert.equal(expected.length, 3);
  // Scene 2 starts after scene 1's 2 s; its trim leaves 2.5 s, and its caption ends at the middle of the crossfade into scene 3.
  assert.deepEqual(expected[1], [2000, 4250]);
  assert.deepEqual(expected[2], [4250, 6000]);
  assert.deepEqual(cueTimes(await readFile(path.join(path.dirname(out), 'lamps.srt'), 'utf8')), expected);
  assert.deepEqual(cueTimes(await readFile(path.join(path.dirname(out), 'lamps.vtt'), 'utf8')), expected);

  const lufs = await integrated(out);
  assert.ok(Math.abs(lufs - -16) <= 1, `film is ${lufs} LUFS, target -16`);
  // Recorded for the app's past exports with what it was made with.
  const history = JSON.parse(await readFile(path.join(dir, '.storyreel', 'exports.json'), 'utf8')) as { exports: Array<{ choices?: unknown }> };
  assert.deepEqual(history.exports[0]!.choices, { loudness: -16, music: '../bed.wav', captions: 'srt' });
  assert.match(run.stdout, /Wrote the conform package for an editor: .*pkg-\d+ \(.*film\.otio.*\)/);
  const packaged = await readdir(pkg);
  for (const f of ['film.otio', 'film.fcpxml', 'film.xml', 'film.edl', 'film.srt', 'media']) assert.ok(packaged.includes(f), `${f} in ${packaged.join(', ')}`);
});

test('--captions burn draws the captions on the picture, and the plan says that is why every frame is encoded', async () => {
  const dir = await projectWith([{ seconds: 1, caption: 'Hello' }, { seconds: 1 }]);
  const out = path.join(dir, 'burned.mp4');
  const run = await cli(root, ['export', dir, '--out', out, '--captions', 'burn'], {}).done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Plan: rendered in one pass at 160x90, 30 fps, because of captions burned into the picture/);
  assert.match(run.stdout, /rendered\)\./);
  assert.deepEqual((await readdir(dir)).filter((f) => /\.(srt|vtt)$/.test(f)), [], 'burn writes no sidecars');
});
