// A film of more than a dozen takes has its sound joined a dozen stems at a time, then the groups joined
// (media/windowed.ts): that must be the very sound the one-pass render makes, sample for sample, with
// crossfades across the groups' edges as within them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Transition } from '../../shared/project.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { exportFilm } from '../../electron/services/media/stitch.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const { freshDir } = await scratch('storyreel-sound-groups-', { media: true });

async function pcm(file: string): Promise<Float32Array> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-'], { encoding: 'buffer', maxBuffer: 1 << 26 });
  return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4);
}

test('the sound of 26 crossfaded takes, joined in groups, is the one-pass render\'s sound', { timeout: 180_000 }, async () => {
  const dir = await freshDir('groups');
  const files = Array.from({ length: 26 }, (_, k) => path.join(dir, 'media', `t${k}.mp4`));
  for (let k = 0; k < files.length; k += 2) {
    await Promise.all(
      files.slice(k, k + 2).map((f, j) =>
        // Each take its own tone, loud to its very edges, so any join in the wrong place shows.
        ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=64x36:r=30:d=1', '-f', 'lavfi', '-i', `sine=f=${200 + 37 * (k + j)}:d=1:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', f]),
      ),
    );
  }
  const transitions: Transition[] = files.slice(1).map((_, b) => (b % 5 === 4 ? 'cut' : { type: 'crossfade', seconds: 0.3 }));
  const clips = files.map((file) => ({ file, seconds: 1 }));
  const grouped = path.join(dir, 'windowed.mp4');
  const single = path.join(dir, 'single.mp4');
  const result = await exportFilm(ff, clips, grouped, '64x36', { projectDir: dir, cacheDir: path.join(dir, '.storyreel', 'cache'), transitions });
  assert.ok(result.plan.segments.some((s) => s.path === 'window'), 'the windowed render made it');
  await exportFilm(ff, clips, single, '64x36', { transitions, render: 'single' });
  const [a, b] = await Promise.all([pcm(grouped), pcm(single)]);
  assert.equal(a.length, b.length, 'the same number of samples');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-4, `the two sounds differ by up to ${worst}`);
});
