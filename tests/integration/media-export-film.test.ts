// The film export on real ffmpeg: every transition type, trims, the film's length against the timeline's,
// A/V sync (a flash and a beep at known times in every take) across cuts and crossfades, and mixed inputs
// normalised to the film's frame, rate and sound, with the 16:9 / 9:16 / 1:1 presets, fit and fill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Project, Transition } from '../../shared/project.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import { filmOf } from '../../electron/services/export/film.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { exportFilm } from '../../electron/services/media/stitch.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const FPS = 30;

const { freshDir } = await scratch('storyreel-film-test-', { media: true });

/** Each frame of `file` as two numbers: the mean luma of its left half and of its right half. */
async function halves(file: string): Promise<Array<[number, number]>> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-vf', 'scale=2:1:flags=area,format=gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < stdout.length; i += 2) out.push([stdout[i]!, stdout[i + 1]!]);
  return out;
}

async function pcm(file: string): Promise<Int16Array> {
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
}

async function streams(file: string): Promise<{ video: { duration: number; frames: number; width: number; height: number; fps: string }; audio: { duration: number; rate: number; channels: number } }> {
  const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,duration,nb_read_frames,width,height,r_frame_rate,sample_rate,channels', '-of', 'json', file]);
  const s = (JSON.parse(stdout) as { streams: Array<Record<string, string | number>> }).streams;
  const v = s.find((x) => x.codec_type === 'video')!;
  const a = s.find((x) => x.codec_type === 'audio')!;
  return {
    video: { duration: Number(v.duration), frames: Number(v.nb_read_frames), width: Number(v.width), height: Number(v.height), fps: String(v.r_frame_rate) },
    audio: { duration: Number(a.duration), rate: Number(a.sample_rate), channels: Number(a.channels) },
  };
}

/** A flat clip of one grey level (0-255), with a tone. */
async function flat(file: string, level: number, seconds = 1, size = '160x90'): Promise<void> {
  const hex = level.toString(16).padStart(2, '0').repeat(3);
  await ffmpeg(['-f', 'lavfi', '-i', `color=c=0x${hex}:s=${size}:r=30:d=${seconds}`, '-f', 'lavfi', '-i', `sine=f=440:d=${seconds}:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', file]);
}

test('every transition type joins its two scenes as it should, and the film is the sum minus the overlaps', async () => {
  const dir = await freshDir('transitions');
  const DARK = 60;
  const LIGHT = 180;
  const files = Array.from({ length: 8 }, (_, k) => path.join(dir, 'media', `c${k}.mp4`));
  await Promise.all(files.map((f, k) => flat(f, k % 2 ? LIGHT : DARK)));
  const types = ['crossfade', 'fade-black', 'dip-white', 'wipe-left', 'wipe-right', 'slide-left', 'slide-right'] as const;
  const transitions: Transition[] = types.map((type) => ({ type, seconds: 0.4 }));
  const out = path.join(dir, 'film.mp4');
  const result = await exportFilm(ff, files.map((file) => ({ file, seconds: 1 })), out, '160x90', { transitions });
  assert.equal(result.path, 'normalize');
  assert.deepEqual(result.plan.segments.map((s) => s.path), new Array(8).fill('conform'));
  assert.match(result.plan.segments[2]!.reason, /fade through black from scene 2.*dip to white into scene 4/);

  const s = await streams(out);
  assert.equal(s.video.frames, Math.round((8 - 7 * 0.4) * FPS), 'frames: 8 clips of 30 minus 7 overlaps of 12');
  assert.ok(Math.abs(s.audio.duration - s.video.duration) < 1 / FPS, JSON.stringify(s));

  const frames = await halves(out);
  const y = (lum: number) => 16 + (219 * lum) / 255;
  const near = (v: number, want: number) => Math.abs(v - want) < 14;
  // Bodies: the middle of each clip is its own grey.
  for (let k = 0; k < 8; k++) {
    const [l, r] = frames[18 * k + 15]!;
    const want = y(k % 2 ? LIGHT : DARK);
    assert.ok(near(l, want) && near(r, want), `clip ${k + 1} body: ${l},${r} vs ${want}`);
  }
  // The middle of each overlap (boundary b: scene b+1 starts at frame 18(b+1), 12 frames shared).
  const mid = (b: number) => frames[18 * (b + 1) + 6]!;
  const [cfL, cfR] = mid(0);
  assert.ok(near(cfL, (y(DARK) + y(LIGHT)) / 2) && near(cfR, cfL), `crossfade mixes: ${cfL},${cfR}`);
  assert.ok(Math.max(...mid(1)) < y(DARK) - 25, `fade through black is dark at its middle: ${mid(1)}`);
  assert.ok(Math.min(...mid(2)) > y(LIGHT) + 25, `dip to white is bright at its middle: ${mid(2)}`);
  // Wipes and slides: one half shows the outgoing scene, the other the incoming; left and right differ.
  const incomingSide = (b: number): 'left' | 'right' => {
    const [l, r] = mid(b);
    assert.ok(Math.abs(l - r) > 50, `boundary ${b + 1}: halves ${l},${r} should differ`);
    const incoming = y((b + 1) % 2 ? LIGHT : DARK);
    return Math.abs(l - incoming) < Math.abs(r - incoming) ? 'left' : 'right';
  };
  assert.notEqual(incomingSide(3), incomingSide(4), 'wipe left and wipe right come from opposite sides');
  assert.notEqual(incomingSide(5), incomingSide(6), 'slide left and slide right come from opposite sides');
  assert.equal(incomingSide(3), incomingSide(5), 'a wipe left and a slide left move the same way');
});

// ---------------------------------------------------------------------------------------------------
// A/V sync: each 1.5 s take has a white flash (picture) and a beep (sound) at 0.30-0.40 s of its own clock.

async function flashBeep(file: string, k: number): Promise<void> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `color=c=0x404040:s=160x90:r=30:d=1.5,drawbox=c=white:t=fill:enable='between(t,0.3,0.399)'`,
    '-f', 'lavfi', '-i', `aevalsrc=if(between(t\\,0.3\\,0.4)\\,0.5*sin(2*PI*${500 + 50 * k}*t)\\,0):s=48000:d=1.5`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', file,
  ]);
}

/** Times (s) where the picture turns white and where a beep starts, in order. */
async function flashesAndBeeps(file: string): Promise<{ flashes: number[]; beeps: number[] }> {
  const frames = await halves(file);
  const flashes: number[] = [];
  frames.forEach(([l], i) => {
    if (l > 180 && (frames[i - 1]?.[0] ?? 0) <= 180) flashes.push(i / FPS);
  });
  const samples = await pcm(file);
  const beeps: number[] = [];
  let quietSince = 0;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) > 4000) {
      if (i - quietSince > 0.1 * 48000) beeps.push(i / 48000);
      quietSince = i;
    }
  }
  return { flashes, beeps };
}

function projectOf(dir: string, files: string[], transition: Transition, trims: Record<number, { in: number; out: number }>): Project {
  return {
    formatVersion: 2, id: 'p', title: 't', provider: 'preview', model: 'animatic', size: '160x90', style: '', createdAt: '', updatedAt: '',
    scenes: files.map((f, k) => ({
      id: `s${k}`, prompt: '', seconds: 1.5, transition, caption: null, continuity: 'none', referenceImage: null, chosenTake: `t${k}`, lastError: null,
      takes: [{ id: `t${k}`, jobId: `j${k}`, provider: 'preview', model: 'animatic', file: path.relative(dir, f), thumbnail: null, seconds: 1.5, size: '160x90', prompt: '', providerJobId: null, costUsd: 0, createdAt: '', rating: 0, ...(trims[k] ? { trim: trims[k] } : {}) }],
    })),
  } as Project;
}

test('A/V sync: every beep stays within a frame of its flash, at the last joint as at the first, with cuts and with crossfades and trims', async () => {
  const dir = await freshDir('sync');
  const files = Array.from({ length: 6 }, (_, k) => path.join(dir, 'media', `fb${k}.mp4`));
  await Promise.all(files.map((f, k) => flashBeep(f, k)));
  const trims = { 2: { in: 0.05, out: 1.5 }, 4: { in: 0, out: 1.4 } };
  const cases: Array<{ name: string; transition: Transition; trims: Record<number, { in: number; out: number }>; path: 'fast' | 'normalize'; render: 'single' | 'windowed' }> = [
    { name: 'cuts', transition: 'cut', trims: {}, path: 'fast', render: 'windowed' },
    { name: 'crossfades + trims, one pass', transition: { type: 'crossfade', seconds: 0.2 }, trims, path: 'normalize', render: 'single' },
    { name: 'crossfades + trims, windowed', transition: { type: 'crossfade', seconds: 0.2 }, trims, path: 'normalize', render: 'windowed' },
  ];
  const pictures: Array<Array<[number, number]>> = [];
  for (const c of cases) {
    const project = projectOf(dir, files, c.transition, c.trims);
    const { clips, transitions, timeline } = filmOf(project, dir);
    const out = path.join(dir, `${c.name}.mp4`);
    const result = await exportFilm(ff, clips, out, '160x90', { projectDir: dir, transitions, cacheDir: path.join(dir, '.storyreel', 'cache'), render: c.render });
    assert.equal(result.path, c.path, c.name);
    if (c.render === 'windowed' && c.path === 'normalize') assert.equal(result.plan.segments.filter((s) => s.path === 'window').length, 5, JSON.stringify(result.plan.segments));
    pictures.push(await halves(out));
    const s = await streams(out);
    // The film is as long as the timeline says, to the nearest frame, in picture and in sound.
    assert.ok(Math.abs(s.video.frames - timeline.total * FPS) <= 0.5 + 1e-6, `${c.name}: ${s.video.frames} frames, timeline ${timeline.total} s`);
    assert.ok(Math.abs(s.audio.duration - timeline.total) < 1 / FPS, `${c.name}: sound ${s.audio.duration} s, timeline ${timeline.total} s`);
    const { flashes, beeps } = await flashesAndBeeps(out);
    assert.equal(flashes.length, 6, `${c.name}: flashes at ${flashes.join(', ')}`);
    assert.equal(beeps.length, 6, `${c.name}: beeps at ${beeps.join(', ')}`);
    flashes.forEach((f, k) => {
      // Where the timeline puts it: scene start + 0.3 s of the take - the trim's in.
      const expected = timeline.scenes[k]!.start + 0.3 - (timeline.scenes[k]!.take!.in ?? 0);
      assert.ok(Math.abs(f - expected) <= 1 / FPS + 1e-6, `${c.name} scene ${k + 1}: flash at ${f}, timeline says ${expected}`);
      assert.ok(Math.abs(beeps[k]! - f) <= 1 / FPS, `${c.name} scene ${k + 1}: beep ${(beeps[k]! * 1000).toFixed(1)} ms, flash ${(f * 1000).toFixed(1)} ms`);
    });
  }
  // The windowed render is the one-pass render: the same frames, the same picture in and out of the windows.
  const [, single, windowed] = pictures;
  assert.equal(windowed!.length, single!.length);
  const worst = Math.max(...single!.map(([l], i) => Math.abs(l - windowed![i]![0])));
  assert.ok(worst <= 6, `windowed and one-pass pictures differ by up to ${worst} grey levels`);
});

test('mixed takes (portrait 24 fps without sound, landscape 30 fps mono 44.1 kHz, non-square pixels) are normalised; presets fit and fill', async () => {
  const dir = await freshDir('mixed');
  const a = path.join(dir, 'media', 'land.mp4');
  const b = path.join(dir, 'media', 'tall-silent.mp4');
  const c = path.join(dir, 'media', 'anamorphic.mp4');
  await Promise.all([
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=1', '-f', 'lavfi', '-i', 'sine=f=300:d=1:sample_rate=44100', '-ac', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', a]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=180x320:r=24:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', b]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=240x180:r=25:d=1', '-f', 'lavfi', '-i', 'sine=f=500:d=1:sample_rate=48000', '-vf', 'setsar=4/3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', c]),
  ]);
  const clips = [a, b, c].map((file) => ({ file, seconds: 1 }));
  const cases = [
    { opts: {}, size: [320, 180] },
    { opts: { aspect: '9:16' as const, fit: 'fill' as const }, size: [180, 320] },
    { opts: { aspect: '1:1' as const, fit: 'fit' as const, quality: 'draft' as const }, size: [180, 180] },
  ];
  for (const k of cases) {
    const out = path.join(dir, `film-${k.size.join('x')}.mp4`);
    const result = await exportFilm(ff, clips, out, '320x180', k.opts);
    assert.equal(result.path, 'normalize');
    const s = await streams(out);
    assert.deepEqual([s.video.width, s.video.height, s.video.fps, s.video.frames], [...k.size, '30/1', 90], JSON.stringify(s));
    assert.deepEqual([s.audio.rate, s.audio.channels], [48000, 2]);
    assert.ok(Math.abs(s.audio.duration - 3) < 1 / FPS, `sound ${s.audio.duration} s`);
  }
  // Fit pads the portrait take with bars; fill crops it to the frame. The landscape film's bars are black.
  const edge = async (file: string): Promise<number> => {
    // The leftmost 40 columns of a frame in the middle of the portrait take, averaged.
    const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-vf', 'select=eq(n\\,45),crop=40:ih:0:0,scale=1:1:flags=area,format=gray', '-frames:v', '1', '-f', 'rawvideo', '-'], { encoding: 'buffer' });
    return stdout[0]!;
  };
  const samples = await pcm(path.join(dir, 'film-320x180.mp4'));
  const rms = (from: number, to: number) => Math.sqrt(samples.slice(from * 48000, to * 48000).reduce((s, v) => s + v * v, 0) / ((to - from) * 48000));
  assert.ok(rms(1.1, 1.9) < 10, 'the take without sound is silence');
  assert.ok(rms(0.2, 0.8) > 300 && rms(2.2, 2.8) > 300, 'the others keep their sound');
  const barLeft = await edge(path.join(dir, 'film-320x180.mp4'));
  assert.ok(barLeft < 20, `fit: black bars beside the portrait take (left edge ${barLeft})`);
  const filledLeft = await edge(path.join(dir, 'film-180x320.mp4'));
  assert.ok(filledLeft > 40, `fill: the portrait take fills the 9:16 frame (left edge ${filledLeft})`);
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.part')), []);
});

test('timeline arithmetic: trims and overlaps give the length buildTimeline gives', () => {
  const files = ['a', 'b', 'c'].map((x) => `/p/media/${x}.mp4`);
  const project = projectOf('/p', files, { type: 'dip-white', seconds: 0.3 }, { 0: { in: 0.25, out: 1 }, 2: { in: 0.1, out: 0.7 } });
  const { clips, transitions, timeline } = filmOf(project, '/p');
  assert.ok(Math.abs(timeline.total - (0.75 + 1.5 + 0.6 - 0.3 - 0.3)) < 1e-9, String(timeline.total));
  assert.deepEqual(clips.map((c) => [c.in, c.out]), [[0.25, 1], [0, undefined], [0.1, 0.7]]);
  assert.equal(transitions.length, 2);
  assert.equal(buildTimeline(project).total, timeline.total);
});
