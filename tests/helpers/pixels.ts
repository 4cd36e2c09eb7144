// Pixels for assertions: one frame of an image or video decoded by the real ffmpeg, and how far two frames are
// from each other.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

const exec = promisify(execFile);

/** An image, or one video frame (at `at` seconds), decoded to RGB24 at `size` ("WxH"). */
export async function rgbAt(file: string, size: string, at?: number): Promise<Buffer> {
  // Frame times are rounded to the millisecond: seek a little before, to land on that frame and not past it.
  const seek = at === undefined ? [] : ['-ss', Math.max(0, at - 0.01).toFixed(3)];
  const { stdout } = await exec(resolveFfmpeg({ env: process.env }).ffmpeg, ['-v', 'error', ...seek, '-i', file, '-frames:v', '1', '-vf', `scale=${size.replace('x', ':')}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1 << 25 });
  return stdout;
}

/** Mean absolute difference per channel (0..255) of two same-sized RGB frames. */
export function meanDiff(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
