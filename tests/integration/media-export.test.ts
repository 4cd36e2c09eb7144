// exportFilm on the real ffmpeg: the fast path (video copied, audio encoded once) and its A/V sync,
// the normalise path, damaged clips, cancelation, progress, and drainAll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { drainAll, Ffmpeg, resolveFfmpeg, runningProcesses } from '../../electron/services/media/ffmpeg.ts';
import type { FfmpegProgress } from '../../electron/services/media/ffmpeg.ts';
import { renderAnimatic } from '../../electron/services/media/animatic.ts';
import { exportFilm, splitUnits } from '../../electron/services/media/stitch.ts';
import { rejectsWith } from '../helpers/assert.ts';
import { scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);

const { freshDir } = await scratch('storyreel-export-test-');

async function ffmpeg(args: string[]): Promise<void> {
  await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

function assertMonotonicToOne(fractions: number[]): void {
  assert.ok(fractions.length >= 1, 'progress was reported');
  for (let i = 1; i < fractions.length; i++) assert.ok((fractions[i] ?? 0) >= (fractions[i - 1] ?? 0), `progress went back: ${fractions.join(', ')}`);
  assert.equal(fractions.at(-1), 1);
  assert.ok(fractions.every((f) => f >= 0 && f <= 1));
}

/** Stream start times and durations as ffprobe reports them (what a player goes by). */
async function streamTimes(file: string): Promise<{ video: { start: number; duration: number }; audio: { start: number; duration: number } }> {
  const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,start_time,duration', '-of', 'json', file]);
  const streams = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; start_time: string; duration: string }> }).streams;
  const of = (type: string): { start: number; duration: number } => {
    const s = streams.find((x) => x.codec_type === type);
    assert.ok(s, `no ${type} stream`);
    return { start: Number(s.start_time), duration: Number(s.duration) };
  };
  return { video: of('video'), audio: of('audio') };
}

async function pcm(file: string): Promise<Int16Array> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
}

// ---------------------------------------------------------------------------------------------------
// Fixtures

const BEEP_AT = 0.3;
const BEEP_LENGTH = 0.1;
const beepHz = (k: number): number => 300 + 60 * k;

/**
 * Clip k: one second of a plain picture with a 0.1 s beep at 0.3 s, pitched per clip (300, 360, ...
 * Hz) so a beep heard in the wrong second is caught, not mistaken for its neighbour.
 */
async function beepClip(file: string, k: number): Promise<void> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `color=c=0x${(0x202020 + k * 0x080808).toString(16)}:s=320x180:r=30:d=1`,
    '-f', 'lavfi', '-i', `aevalsrc=if(between(t\\,${BEEP_AT}\\,${BEEP_AT + BEEP_LENGTH})\\,0.5*sin(2*PI*${beepHz(k)}*t)\\,0):s=48000:d=1`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-movflags', '+faststart', file,
  ]);
}

/** For each one-second clip: where its beep starts relative to where its picture starts, and its pitch. */
async function beepOffsets(file: string, clips: number): Promise<Array<{ offset: number; hz: number }>> {
  const t = await streamTimes(file);
  const samples = await pcm(file);
  const rate = 48000;
  const result: Array<{ offset: number; hz: number }> = [];
  for (let k = 0; k < clips; k++) {
    // Search from 0.1 s after the clip's picture starts to 0.4 s after the beep is due.
    const from = Math.round((t.video.start - t.audio.start + k + 0.1) * rate);
    const to = Math.round((t.video.start - t.audio.start + k + BEEP_AT + 0.4) * rate);
    let onset = -1;
    for (let i = Math.max(0, from); i < Math.min(to, samples.length); i++) {
      if (Math.abs(samples[i] ?? 0) > 4000) {
        onset = i;
        break;
      }
    }
    assert.ok(onset >= 0, `no beep found for clip ${k + 1}`);
    // Pitch from zero crossings over the middle of the beep.
    const a = onset + Math.round(0.01 * rate);
    const b = onset + Math.round((BEEP_LENGTH - 0.01) * rate);
    let crossings = 0;
    for (let i = a + 1; i < b; i++) if (((samples[i - 1] ?? 0) < 0) !== ((samples[i] ?? 0) < 0)) crossings++;
    result.push({ offset: t.audio.start + onset / rate - (t.video.start + k + BEEP_AT), hz: crossings / 2 / ((b - a) / rate) });
  }
  return result;
}

async function animatics(dir: string, specs: Array<{ seconds: number; size: string }>): Promise<Array<{ file: string; seconds: number }>> {
  return Promise.all(
    specs.map(async (s, i) => {
      const file = path.join(dir, `scene${i + 1}.mp4`);
      await renderAnimatic(ff, { out: file, sceneNumber: i + 1, prompt: `Scene ${i + 1}: a test card.`, seconds: s.seconds, size: s.size });
      return { file, seconds: s.seconds };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------

test('splitUnits rounds each boundary, so parts always add up', () => {
  assert.deepEqual(splitUnits([1, 2, 1], 30), [30, 60, 30]);
  const parts = splitUnits(Array.from({ length: 12 }, () => 1.0166), 30);
  assert.equal(parts.reduce((a, b) => a + b, 0), Math.round(12 * 1.0166 * 30));
  assert.ok(parts.every((p) => p === 30 || p === 31));
});

test('fast path: three animatics of 1, 2 and 1 s become one 4 s film with the video copied', async (t) => {
  const dir = await freshDir('fast');
  const clips = await animatics(dir, [{ seconds: 1, size: '320x180' }, { seconds: 2, size: '320x180' }, { seconds: 1, size: '320x180' }]);
  const out = path.join(dir, 'film.mp4');
  const fractions: number[] = [];
  const started = Date.now();
  const result = await exportFilm(ff, clips, out, '320x180', { onProgress: (p) => fractions.push(p.fraction) });
  const ms = Date.now() - started;
  assert.equal(result.path, 'fast');
  assert.ok(Math.abs(result.info.durationSeconds - 4) <= 0.1, `${result.info.durationSeconds}`);
  assert.equal(result.info.video?.codec, 'h264');
  assert.equal(result.info.video?.width, 320);
  assert.equal(result.info.audio?.codec, 'aac');
  const times = await streamTimes(out);
  assert.ok(Math.abs(times.audio.duration - times.video.duration) <= 0.03, `audio ${times.audio.duration} s vs video ${times.video.duration} s`);
  assert.ok(Math.abs(times.video.start) < 0.001, `the picture starts at ${times.video.start} s`);
  assertMonotonicToOne(fractions);
  assert.deepEqual((await readdir(dir)).sort(), ['film.mp4', 'scene1.mp4', 'scene2.mp4', 'scene3.mp4'], 'no temporary file is left');
  // The video really was copied: the film's packets are the clips' packets. The concat demuxer puts the
  // parameter sets (SPS/PPS, a few dozen bytes) in front of keyframes; a re-encode would change every packet.
  const packets = async (f: string): Promise<Array<{ size: number; key: boolean }>> =>
    (await exec(paths.ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=size,flags', '-of', 'csv=p=0', f])).stdout
      .trim()
      .split('\n')
      .map((l) => ({ size: Number(l.split(',')[0]), key: (l.split(',')[1] ?? '').includes('K') }));
  const film = await packets(out);
  const parts = await Promise.all(clips.map((c) => packets(c.file)));
  assert.equal(film.length, parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    part.forEach(({ size, key }, i) => {
      const got = film[at + i]?.size ?? 0;
      if (key) assert.ok(got >= size && got - size < 100, `keyframe ${i}: ${got} bytes vs ${size}`);
      else assert.equal(got, size);
    });
    at += part.length;
  }
  t.diagnostic(`fast path: 4 s film in ${ms} ms`);
});

test('fast path keeps sound in sync over 12 one-second clips, where a naive -c copy concat drifts', async (t) => {
  const dir = await freshDir('sync');
  const files = Array.from({ length: 12 }, (_, k) => path.join(dir, `beep${String(k + 1).padStart(2, '0')}.mp4`));
  await Promise.all(files.map((f, k) => beepClip(f, k)));
  const clips = files.map((file) => ({ file, seconds: 1 }));

  const out = path.join(dir, 'film.mp4');
  const result = await exportFilm(ff, clips, out, '320x180');
  assert.equal(result.path, 'fast');
  const times = await streamTimes(out);
  const durationGap = Math.abs(times.audio.duration - times.video.duration);
  assert.ok(durationGap <= 0.03, `audio ${times.audio.duration} s vs video ${times.video.duration} s`);
  assert.ok(Math.abs(times.video.duration - 12) <= 0.03);
  const beeps = await beepOffsets(out, 12);
  beeps.forEach((b, k) => {
    assert.ok(Math.abs(b.offset) <= 0.01, `clip ${k + 1}: beep ${(b.offset * 1000).toFixed(1)} ms off its picture`);
    assert.ok(Math.abs(b.hz - beepHz(k)) <= 25, `clip ${k + 1}: heard ${b.hz.toFixed(0)} Hz, expected ${beepHz(k)} Hz`);
  });

  // The same measurement on what `ffmpeg -f concat -i list -c copy` makes: each joint keeps the
  // clip's AAC priming and padding, so the sound slides later clip after clip. This is what the
  // check above exists to catch.
  const list = path.join(dir, 'list.txt');
  await writeFile(list, files.map((f) => `file '${f}'`).join('\n'));
  const naive = path.join(dir, 'naive.mp4');
  await ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', naive]);
  const naiveBeeps = await beepOffsets(naive, 12);
  const drift = Math.max(...naiveBeeps.map((b) => Math.abs(b.offset)));
  assert.ok(drift > 0.1, `naive concat drifted only ${drift} s`);
  const nt = await streamTimes(naive);
  t.diagnostic(
    `A/V after 12 joints: fast path max beep offset ${(Math.max(...beeps.map((b) => Math.abs(b.offset))) * 1000).toFixed(1)} ms, audio-video length gap ${(durationGap * 1000).toFixed(1)} ms; ` +
      `naive -c copy max beep offset ${(drift * 1000).toFixed(1)} ms, length gap ${(Math.abs(nt.audio.duration - nt.video.duration) * 1000).toFixed(1)} ms, picture starts at ${(nt.video.start * 1000).toFixed(1)} ms`,
  );
});

test('normalise path: clips of other sizes, one without sound, become one re-encoded film', async () => {
  const dir = await freshDir('normalize');
  const [a, b] = await animatics(dir, [{ seconds: 1, size: '640x360' }, { seconds: 2, size: '320x180' }]);
  assert.ok(a && b);
  const silent = path.join(dir, 'silent-tall.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=180x320:r=24:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', silent]);
  const out = path.join(dir, 'film.mp4');
  const progress: FfmpegProgress[] = [];
  const result = await exportFilm(ff, [a, { file: silent, seconds: 1 }, b], out, '320x180', { onProgress: (p) => progress.push(p) });
  assert.equal(result.path, 'normalize');
  assert.ok(Math.abs(result.info.durationSeconds - 4) <= 0.1, `${result.info.durationSeconds}`);
  assert.deepEqual([result.info.video?.codec, result.info.video?.width, result.info.video?.height, result.info.video?.fps], ['h264', 320, 180, 30]);
  assert.deepEqual([result.info.audio?.codec, result.info.audio?.sampleRate, result.info.audio?.channels], ['aac', 48000, 2]);
  const t = await streamTimes(out);
  assert.ok(Math.abs(t.audio.duration - t.video.duration) <= 0.03, `audio ${t.audio.duration} s vs video ${t.video.duration} s`);
  // The silent clip is silence in the film (1.0-2.0 s); the animatics around it have their tone.
  const samples = await pcm(out);
  const rms = (from: number, to: number): number => {
    let sum = 0;
    for (let i = Math.round(from * 48000); i < Math.round(to * 48000); i++) sum += (samples[i] ?? 0) ** 2;
    return Math.sqrt(sum / (Math.round(to * 48000) - Math.round(from * 48000)));
  };
  assert.ok(rms(1.1, 1.9) < 10, `silence where the silent clip is (${rms(1.1, 1.9)})`);
  assert.ok(rms(0.3, 0.7) > 300 && rms(2.5, 3.5) > 300, 'the animatics keep their tone');
  assertMonotonicToOne(progress.map((p) => p.fraction));
  // ffmpeg's own stats line gives speed, and so an ETA; measured against the 4 s the clips add up to.
  const measured = progress.find((p) => p.speed !== null);
  assert.ok(measured && measured.etaSeconds !== null, JSON.stringify(progress));
  assert.ok(Math.abs(measured.fraction - measured.outSeconds / 4) < 0.01, JSON.stringify(measured));
});

test('fast path with a clip that has no sound fills its length with silence', async () => {
  const dir = await freshDir('fast-silent');
  const [a, b] = await animatics(dir, [{ seconds: 1, size: '320x180' }, { seconds: 1, size: '320x180' }]);
  assert.ok(a && b);
  const mute = path.join(dir, 'mute.mp4');
  await ffmpeg(['-i', b.file, '-map', '0:v', '-c', 'copy', mute]);
  const result = await exportFilm(ff, [a, { file: mute, seconds: 1 }, b], path.join(dir, 'film.mp4'), '320x180');
  assert.equal(result.path, 'fast');
  const t = await streamTimes(path.join(dir, 'film.mp4'));
  assert.ok(Math.abs(t.audio.duration - 3) <= 0.03 && Math.abs(t.video.duration - 3) <= 0.03, JSON.stringify(t));
});

test('a damaged or missing clip is named by its position before anything is joined', async () => {
  const dir = await freshDir('corrupt');
  const clips = await animatics(dir, [{ seconds: 1, size: '320x180' }, { seconds: 2, size: '320x180' }, { seconds: 1, size: '320x180' }]);
  const out = path.join(dir, 'film.mp4');

  const random = path.join(dir, 'random.mp4');
  await writeFile(random, Buffer.from(Array.from({ length: 50000 }, (_, i) => (i * 7919 + 13) % 251)));
  const e1 = await rejectsWith(exportFilm(ff, [clips[0]!, { file: random, seconds: 1 }, clips[2]!], out, '320x180'), 'MediaInvalid', /^Clip 2 of 3 /);
  assert.match(e1.detail ?? '', /random\.mp4/);

  const bytes = await readFile(clips[1]!.file);
  const truncated = path.join(dir, 'truncated.mp4');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await rejectsWith(exportFilm(ff, [clips[0]!, clips[2]!, { file: truncated, seconds: 2 }], out, '320x180'), 'MediaInvalid', /^Clip 3 of 3 cannot be used: the video file is damaged or incomplete/);

  await rejectsWith(exportFilm(ff, [{ file: path.join(dir, 'gone.mp4'), seconds: 1 }, clips[0]!], out, '320x180'), 'MediaInvalid', /^Clip 1 of 2 cannot be used: the video file is missing/);
  await rejectsWith(exportFilm(ff, [], out, '320x180'), 'NothingToExport');

  const names = await readdir(dir);
  assert.ok(!names.includes('film.mp4') && !names.some((n) => n.endsWith('.part')), names.join(', '));
});

/** Three 2 s 640x360 clips, upscaled to 720p when exported: slow enough (seconds) to cancel midway. */
async function slowClips(dir: string): Promise<Array<{ file: string; seconds: number }>> {
  return Promise.all(
    [0, 1, 2].map(async (i) => {
      const file = path.join(dir, `busy${i}.mp4`);
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=640x360:r=30:d=2`, '-f', 'lavfi', '-i', `sine=f=${400 + i * 100}:d=2`, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', file]);
      return { file, seconds: 2 };
    }),
  );
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pid of the running ffmpeg writing into `dir` (an export's temporary file), once it has started. */
async function exportProcess(dir: string, exporting: Promise<unknown>): Promise<number> {
  let done = false;
  exporting.then(
    () => (done = true),
    () => (done = true),
  );
  for (;;) {
    const pid = runningProcesses().find((r) => r.output.startsWith(path.join(dir, '.film.mp4.')))?.pid;
    if (pid) return pid;
    assert.ok(!done, `the export in ${dir} ended before its ffmpeg was seen running`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('canceling one export mid-run kills only its ffmpeg and leaves no film or temporary file', async () => {
  const dir = await freshDir('cancel');
  const clips = await slowClips(dir);
  const dirA = path.join(dir, 'a');
  const dirB = path.join(dir, 'b');
  await mkdir(dirA);
  await mkdir(dirB);

  const controllerA = new AbortController();
  const progressB: number[] = [];
  const a = exportFilm(ff, clips, path.join(dirA, 'film.mp4'), '1280x720', { signal: controllerA.signal });
  const b = exportFilm(ff, clips, path.join(dirB, 'film.mp4'), '1280x720', { onProgress: (p) => progressB.push(p.fraction) });
  a.catch(() => {});
  b.catch(() => {});
  const [pidA] = await Promise.all([exportProcess(dirA, a), exportProcess(dirB, b)]);

  controllerA.abort();
  await rejectsWith(a, 'Aborted');
  assert.equal(alive(pidA), false, 'the ffmpeg of export A is gone');
  assert.deepEqual(await readdir(dirA), [], 'no film and no temporary file');

  // B was running when A was canceled; it finishes as if nothing happened.
  const result = await b;
  assert.ok(Math.abs(result.info.durationSeconds - 6) <= 0.1);
  assert.deepEqual(await readdir(dirB), ['film.mp4']);
  assertMonotonicToOne(progressB);
});

test('drainAll stops every running export', async () => {
  const dir = await freshDir('drain');
  const clips = await slowClips(dir);
  const outDir = path.join(dir, 'out');
  await mkdir(outDir);
  const exporting = exportFilm(ff, clips, path.join(outDir, 'film.mp4'), '1280x720');
  exporting.catch(() => {});
  const pid = await exportProcess(outDir, exporting);
  await drainAll();
  assert.deepEqual(runningProcesses(), []);
  assert.equal(alive(pid), false);
  await rejectsWith(exporting, 'Aborted');
  assert.deepEqual(await readdir(outDir), []);
});
