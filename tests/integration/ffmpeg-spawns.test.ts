// One ffmpeg job is one ffmpeg process. fluent-ffmpeg checks formats and encoders before its first run in
// each process (`ffmpeg -formats`, `ffmpeg -encoders`); the CLI is a new process on every export, so each
// export paid for two more ffmpeg starts. Proven with an ffmpeg that writes down how it was called, then
// runs the real one.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

const real = resolveFfmpeg({ env: process.env });
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('a job spawns one ffmpeg: no -formats or -encoders before it, in a fresh Ffmpeg as in a fresh CLI', { skip: process.platform === 'win32' ? 'the recording ffmpeg is a shell script' : false }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-spawns-'));
  dirs.push(dir);
  const calls = path.join(dir, 'calls.txt');
  const wrapper = path.join(dir, 'ffmpeg');
  await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${real.ffmpeg}' "$@"\n`);
  await chmod(wrapper, 0o755);
  const ff = new Ffmpeg({ ffmpeg: wrapper, ffprobe: real.ffprobe });
  const out = path.join(dir, 'tone.wav');
  await ff.run({ inputs: [], filterComplex: 'sine=f=440:d=0.2[a]', outputOptions: ['-map', '[a]', '-c:a', 'pcm_s16le', '-f', 'wav'], output: out, totalSeconds: 0.2 });
  await ff.run({ inputs: [{ path: out }], outputOptions: ['-c:a', 'aac', '-f', 'mp4'], output: path.join(dir, 'tone.m4a'), totalSeconds: 0.2 });
  const lines = (await readFile(calls, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2, `one process per job:\n${lines.join('\n')}`);
  assert.ok(lines.every((l) => !/^(-hide_banner )?-(formats|encoders)\b/.test(l)), lines.join('\n'));
});

test('a missing ffmpeg is said as FfmpegMissing before anything is spawned, and the process carries on', async () => {
  const ff = new Ffmpeg({ ffmpeg: path.join(tmpdir(), 'storyreel-no-such-dir', 'ffmpeg'), ffprobe: real.ffprobe });
  await assert.rejects(
    ff.run({ inputs: [], filterComplex: 'anullsrc=d=0.1[a]', outputOptions: ['-map', '[a]', '-f', 'null'], output: '-', totalSeconds: 0.1 }),
    (err: { code?: string; message?: string }) => err.code === 'FfmpegMissing' && /could not find ffmpeg/.test(err.message ?? ''),
  );
});
