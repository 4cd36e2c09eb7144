// The windowed render keeps the takes' own frames where it can: takes made by x264 with keyframes inside
// them have their bodies copied (not re-encoded), and only the windows around transitions are encoded,
// with the takes' own settings, so the film carries one set of H.264 headers and decodes cleanly. Where
// the takes cannot be copied (no keyframe after the transition, B-frames), every body is conformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Transition } from '../../shared/project.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { exportFilm } from '../../electron/services/media/stitch.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const FPS = 30;
const SIZE = '192x108';
const { freshDir } = await scratch('storyreel-copy-bodies-', { media: true });

/** A 2 s take like a provider's, moving and grainy, with a tone; `x264` are the encoder's own options. */
async function take(file: string, k: number, x264: string[]): Promise<void> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=s=${SIZE}:r=${FPS}:d=2`, '-f', 'lavfi', '-i', `sine=f=${300 + 50 * k}:d=2:sample_rate=48000`,
    '-vf', `hue=h=${k * 70},noise=alls=6:allf=t+u,format=yuv420p`, '-c:v', 'libx264', ...x264, '-c:a', 'aac', '-ac', '2', file,
  ]);
}

async function takes(dir: string, x264: string[]): Promise<string[]> {
  const files = [0, 1, 2, 3].map((k) => path.join(dir, 'media', `take${k + 1}.mp4`));
  await Promise.all(files.map((f, k) => take(f, k, x264)));
  return files;
}

/** The md5 of every decoded frame, in order. */
async function frameHashes(file: string): Promise<string[]> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], { maxBuffer: 1 << 26 });
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

/** The video's H.264 headers (a hash of its extradata) and its frame count. */
async function headersAndFrames(file: string): Promise<{ headers: string; frames: number }> {
  const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_data_hash', 'CRC32', '-show_entries', 'stream=extradata_hash,nb_read_frames', '-count_frames', '-of', 'json', file]);
  const s = (JSON.parse(stdout) as { streams: Array<{ extradata_hash: string; nb_read_frames: string }> }).streams[0]!;
  return { headers: s.extradata_hash, frames: Number(s.nb_read_frames) };
}

/** Every frame, shrunk to 16x9 grey levels. */
async function thumbs(file: string): Promise<Buffer[]> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-vf', 'scale=16:9:flags=area,format=gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 1 << 26 });
  return Array.from({ length: stdout.length / 144 }, (_, k) => stdout.subarray(k * 144, (k + 1) * 144));
}

/** Decodes the whole file; ffmpeg's complaints, if any. */
async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-f', 'null', '-'], { maxBuffer: 1 << 24 });
  return stderr.trim();
}

const crossfade: Transition = { type: 'crossfade', seconds: 0.3 };
const film = (files: string[], dir: string, out: string) =>
  exportFilm(ff, files.map((file) => ({ file, seconds: 2 })), out, SIZE, { projectDir: dir, cacheDir: path.join(dir, '.storyreel', 'cache'), transitions: [crossfade, crossfade, crossfade] });

for (const [name, x264] of [
  ['ultrafast, a keyframe every 0.5 s', ['-preset', 'ultrafast', '-g', '15']],
  ['veryfast without B-frames (CABAC, 8x8 transform), a keyframe every second', ['-preset', 'veryfast', '-bf', '0', '-g', '30', '-crf', '21']],
  ['veryfast with B-frames, a keyframe every 0.5 s', ['-preset', 'veryfast', '-g', '15']],
] as const) {
  test(`x264 takes (${name}): bodies are copied frame for frame, only the windows encoded, one set of headers`, async () => {
    const dir = await freshDir('copy');
    const files = await takes(dir, [...x264]);
    const out = path.join(dir, 'film.mp4');
    const result = await film(files, dir, out);
    const bodies = result.plan.segments.filter((s) => s.path !== 'window');
    assert.deepEqual(bodies.map((s) => s.path), ['copy', 'copy', 'copy', 'copy'], JSON.stringify(result.plan.segments));
    assert.match(bodies[1]!.reason, /its own frames from (0\.50|1\.00) s to [\d.]+ s of the take copied, not re-encoded/);
    assert.match(result.plan.reason, /the takes' own frames copied in 4 scenes .*only the 3 transition windows/);

    // Exactly the film's frames; the takes' own SPS/PPS; nothing a decoder complains about.
    const [own, made] = await Promise.all([headersAndFrames(files[0]!), headersAndFrames(out)]);
    assert.equal(made.headers, own.headers, "the film keeps the takes' H.264 headers");
    assert.equal(made.frames, 4 * 60 - 3 * 9);
    assert.equal(await decodeErrors(out), '');

    // The picture's clock: one frame after another, each decoded after the one before.
    const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts,dts', '-of', 'csv=p=0', out]);
    const packets = stdout.trim().split('\n').map((l) => l.split(',').map(Number) as [number, number]);
    assert.ok(packets.every(([, dts], k) => k === 0 || dts > packets[k - 1]![1]), 'decode times only go forward');
    const pts = packets.map(([p]) => p).sort((a, b) => a - b);
    const step = pts[1]! - pts[0]!;
    assert.ok(pts.every((p, k) => p === pts[0]! + k * step), 'every frame shows one frame after the one before');

    // Frame for frame what the one-pass render (every take decoded into one filter graph) shows, windows included.
    const single = path.join(dir, 'single.mp4');
    await exportFilm(ff, files.map((file) => ({ file, seconds: 2 })), single, SIZE, { transitions: [crossfade, crossfade, crossfade], render: 'single' });
    const [a, b] = await Promise.all([thumbs(out), thumbs(single)]);
    assert.equal(a.length, b.length);
    const worst = Math.max(...a.map((f, k) => f.reduce((sum, v, i) => sum + Math.abs(v - b[k]![i]!), 0) / f.length));
    assert.ok(worst < 6, `the copied-body film and the one-pass film differ by up to ${worst.toFixed(1)} grey levels on a frame`);

    // Each copied body is the take's own frames, bit for bit after decoding.
    const filmFrames = await frameHashes(out);
    let start = 0;
    for (const [k, f] of files.entries()) {
      const own = await frameHashes(f);
      const [, from, to] = /frames from ([\d.]+) s to ([\d.]+) s/.exec(bodies[k]!.reason)!.map((x) => Math.round(Number(x) * FPS));
      assert.ok(to! - from! >= 15, `scene ${k + 1}: a body of ${from}–${to}`);
      assert.deepEqual(filmFrames.slice(start + from!, start + to!), own.slice(from, to), `scene ${k + 1}: frames ${from}–${to} are the take's own`);
      start += 60 - 9;
    }
  });
}

test('takes the render cannot copy (one keyframe each; open GOPs) are conformed, and say so', async () => {
  for (const x264 of [['-preset', 'ultrafast'], ['-preset', 'veryfast', '-g', '15', '-x264-params', 'open-gop=1']]) {
    const dir = await freshDir('conform');
    const files = await takes(dir, x264);
    const result = await film(files, dir, path.join(dir, 'film.mp4'));
    const bodies = result.plan.segments.filter((s) => s.path !== 'window');
    assert.deepEqual(bodies.map((s) => s.path), ['conform', 'conform', 'conform', 'conform'], `${x264.join(' ')}: ${JSON.stringify(result.plan.segments)}`);
    assert.match(result.plan.reason, /each take conformed once/);
    assert.equal(await decodeErrors(path.join(dir, 'film.mp4')), '');
  }
});

test('re-exporting after replacing one copied take copies its body again and encodes only its two windows', async () => {
  const dir = await freshDir('again');
  const files = await takes(dir, ['-preset', 'ultrafast', '-g', '15']);
  await film(files, dir, path.join(dir, 'first.mp4'));
  await take(files[1]!, 9, ['-preset', 'ultrafast', '-g', '15']);
  const lines: string[] = [];
  const result = await exportFilm(ff, files.map((file) => ({ file, seconds: 2 })), path.join(dir, 'second.mp4'), SIZE, { projectDir: dir, cacheDir: path.join(dir, '.storyreel', 'cache'), transitions: [crossfade, crossfade, crossfade], log: (l) => lines.push(l) });
  const windows = result.plan.segments.filter((s) => s.path === 'window');
  assert.deepEqual(windows.map((w) => /encoded$/.test(w.reason)), [true, true, false], JSON.stringify(windows));
  assert.match(lines.join('\n'), /kept from earlier exports: .*1 of 3 windows, 3 of 4 copied bodies/);
  assert.equal(await decodeErrors(path.join(dir, 'second.mp4')), '');
});

test('canceling a windowed export while two ffmpeg processes encode stops both and leaves no file behind', async () => {
  const { runningProcesses } = await import('../../electron/services/media/ffmpeg.ts');
  const dir = await freshDir('cancel');
  const files = await takes(dir, ['-preset', 'ultrafast']);
  const out = path.join(dir, 'film.mp4');
  const controller = new AbortController();
  const cache = path.join(dir, '.storyreel', 'cache');
  let most = 0;
  const run = exportFilm(ff, files.map((file) => ({ file, seconds: 2 })), out, SIZE, {
    projectDir: dir, cacheDir: cache, transitions: [crossfade, crossfade, crossfade], signal: controller.signal,
    onProgress: (p) => {
      most = Math.max(most, runningProcesses().filter((r) => /conformed|windows/.test(r.output)).length);
      // Cancel once the pieces are being encoded.
      if (p.fraction > 0.05 && !controller.signal.aborted) controller.abort();
    },
  });
  await assert.rejects(run, (err: { code?: string }) => err.code === 'Aborted');
  assert.ok(most >= 1, 'pieces were being encoded when it was canceled');
  assert.deepEqual(runningProcesses(), [], 'no ffmpeg is left running');
  const left = (await readdir(dir, { recursive: true })).filter((f) => /\.tmp$|\.part$|^\.sound-|^\.join-|film\.mp4$/.test(path.basename(f)));
  assert.deepEqual(left, []);
});
