// The film's sound finished on real ffmpeg: loudness brought to the creator's target in two passes (measured
// afterwards with ebur128, a different meter from the loudnorm that set it) on the fast path, which still
// copies the picture, and on the windowed crossfade path; a music bed heard where the scenes are silent and
// lower under their sound; captions burned into the picture at their cue times only. Sound and picture
// end within one frame of each other every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { exportFilm, type ExportClip } from '../../electron/services/media/stitch.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const FPS = 30;

const { freshDir } = await scratch('storyreel-sound-test-', { media: true });

/**
 * A clip of `seconds` at 160x90/30 fps: a moving test picture with `sound` — 'speech' (pink noise whose
 * level swells and falls, so it has a loudness range like speech), a steady `tone` in Hz, or none at all.
 */
async function clip(file: string, seconds: number, sound: 'speech' | { tone: number; volume: number } | null): Promise<void> {
  const audio =
    sound === null
      ? []
      : sound === 'speech'
        ? ['-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:c=pink:r=48000:a=0.05:seed=7`, '-af', "volume='0.3+0.7*abs(sin(2*t))':eval=frame"]
        : ['-f', 'lavfi', '-i', `sine=f=${sound.tone}:d=${seconds}:sample_rate=48000`, '-af', `volume=${sound.volume}`];
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=160x90:r=${FPS}:d=${seconds}`, ...audio, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...(sound ? ['-c:a', 'aac', '-ac', '2', '-shortest'] : []), file]);
}

/** Integrated loudness of `file` as ffmpeg's EBU R128 meter reads it. */
async function integrated(file: string): Promise<number> {
  const { stderr } = await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-']);
  const m = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr);
  assert.ok(m, `ebur128 printed no integrated loudness:\n${stderr.slice(-600)}`);
  return Number(m[1]);
}

/** RMS level (dBFS) of the sound from `from` for `seconds`, through a band-pass at `hz` when given. */
async function rms(file: string, from: number, seconds: number, hz?: number): Promise<number> {
  const band = hz ? `bandpass=f=${hz}:width_type=q:w=4,` : '';
  const { stderr } = await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', '-ss', String(from), '-t', String(seconds), '-i', file, '-map', '0:a:0', '-af', `${band}astats=metadata=0:measure_perchannel=none`, '-f', 'null', '-']);
  const m = [...stderr.matchAll(/RMS level dB:\s*(-?[\d.]+|-inf)/g)].at(-1);
  assert.ok(m, `astats printed no RMS:\n${stderr.slice(-600)}`);
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}

async function lengths(file: string): Promise<{ video: number; audio: number }> {
  const { stdout } = await exec(paths.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'json', file]);
  const s = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; duration: string }> }).streams;
  return { video: Number(s.find((x) => x.codec_type === 'video')!.duration), audio: Number(s.find((x) => x.codec_type === 'audio')!.duration) };
}

async function assertInSync(file: string): Promise<void> {
  const l = await lengths(file);
  assert.ok(Math.abs(l.audio - l.video) < 1 / FPS, `sound ${l.audio} s, picture ${l.video} s`);
}

async function speechClips(dir: string, count: number, seconds: number): Promise<ExportClip[]> {
  const files = Array.from({ length: count }, (_, k) => path.join(dir, 'media', `s${k}.mp4`));
  await Promise.all(files.map((f) => clip(f, seconds, 'speech')));
  return files.map((file) => ({ file, seconds }));
}

test('loudness is brought to −14 LUFS on the fast path, which still copies the picture', async () => {
  const dir = await freshDir('loud-fast');
  const clips = await speechClips(dir, 3, 2);
  const before = path.join(dir, 'before.mp4');
  await exportFilm(ff, clips, before, '160x90', {});
  const untouched = await integrated(before);
  assert.ok(Math.abs(untouched - -14) > 5, `the fixture starts far from the target (${untouched} LUFS)`);

  const out = path.join(dir, 'film.mp4');
  const seen: number[] = [];
  const result = await exportFilm(ff, clips, out, '160x90', { sound: { loudness: -14 }, onProgress: (p) => seen.push(p.fraction) });
  assert.equal(result.path, 'fast', 'the picture is still stream-copied');
  // The measuring pass moves the first quarter of the bar, the encode the rest; it never steps back.
  assert.ok(seen.every((f, i) => i === 0 || f >= seen[i - 1]!), seen.join(' '));
  assert.equal(seen.filter((f) => f === 0.25).length > 0 && seen.at(-1), 1, seen.join(' '));
  assert.match(result.plan.reason, /loudness measured, then brought to -14 LUFS, true peak −1 dBTP \(two passes\)/);
  const lufs = await integrated(out);
  assert.ok(Math.abs(lufs - -14) <= 1, `film is ${lufs} LUFS, target -14`);
  await assertInSync(out);
});

test('loudness is brought to −23 LUFS on the windowed crossfade path', async () => {
  const dir = await freshDir('loud-windowed');
  const clips = await speechClips(dir, 3, 2);
  const out = path.join(dir, 'film.mp4');
  const result = await exportFilm(ff, clips, out, '160x90', {
    cacheDir: path.join(dir, 'cache'),
    transitions: [{ type: 'crossfade', seconds: 0.5 }, 'cut'],
    sound: { loudness: -23 },
  });
  assert.ok(result.plan.segments.some((s) => s.path === 'window'), JSON.stringify(result.plan.segments));
  const lufs = await integrated(out);
  assert.ok(Math.abs(lufs - -23) <= 1, `film is ${lufs} LUFS, target -23`);
  await assertInSync(out);
});

test('a music bed plays where the scenes are silent, ducks under their sound, and fades in and out', async () => {
  const dir = await freshDir('music');
  // Scene 1 has no sound at all, scene 2 a loud 2 kHz tone, scene 3 no sound again; the bed is a 300 Hz
  // tone 1.5 s long (so it must loop), at 44.1 kHz mono (so it must be converted).
  const files = [path.join(dir, 'media', 'a.mp4'), path.join(dir, 'media', 'b.mp4'), path.join(dir, 'media', 'c.mp4')];
  await clip(files[0]!, 3, null);
  await clip(files[1]!, 3, { tone: 2000, volume: 1 });
  await clip(files[2]!, 3, null);
  const music = path.join(dir, 'bed.m4a');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=300:d=1.5:sample_rate=44100', '-af', 'volume=4', '-c:a', 'aac', music]);

  const out = path.join(dir, 'film.mp4');
  const result = await exportFilm(ff, files.map((file) => ({ file, seconds: 3 })), out, '160x90', { sound: { music } });
  assert.equal(result.path, 'fast');
  assert.match(result.plan.reason, /a music bed \(bed\.m4a\) laid under the film and ducked under the clips' own sound/);
  await assertInSync(out);
  const l = await lengths(out);
  assert.ok(Math.abs(l.video - 9) < 1 / FPS, `film is ${l.video} s`);

  const bedAlone = await rms(out, 2.0, 0.5, 300); // scene 1, silent, after the fade-in
  const bedUnder = await rms(out, 4.3, 0.5, 300); // scene 2, under the tone
  const bedAgain = await rms(out, 6.5, 0.5, 300); // scene 3, silent again, before the fade-out
  const fadingIn = await rms(out, 0, 0.2, 300);
  const fadingOut = await rms(out, 8.8, 0.2, 300);
  assert.ok(bedAlone > -40, `the bed is heard in the silent scene (${bedAlone} dB)`);
  assert.ok(bedAgain > -40, `and again after the scene with sound (${bedAgain} dB)`);
  assert.ok(bedUnder < bedAlone - 6, `the bed ducks under the scene's sound: ${bedUnder} dB under it, ${bedAlone} dB alone`);
  assert.ok(fadingIn < bedAlone - 6 && fadingOut < bedAlone - 6, `it fades in (${fadingIn} dB) and out (${fadingOut} dB)`);
  const own = await rms(files[1]!, 1.3, 0.5, 2000);
  const kept = await rms(out, 4.3, 0.5, 2000);
  assert.ok(Math.abs(kept - own) < 1, `the scene keeps its own sound: ${kept} dB in the film, ${own} dB in the take`);
});

test('music and loudness together on a film rendered in one pass keep picture and sound the same length', async () => {
  const dir = await freshDir('both');
  const clips = await speechClips(dir, 2, 2);
  const music = path.join(dir, 'bed.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=300:d=5:sample_rate=48000', music]);
  const out = path.join(dir, 'film.mp4');
  const result = await exportFilm(ff, clips.map((c) => ({ ...c, in: 0.25 })), out, '160x90', { transitions: [{ type: 'fade-black', seconds: 0.5 }], sound: { loudness: -16, music } });
  assert.equal(result.path, 'normalize');
  const lufs = await integrated(out);
  assert.ok(Math.abs(lufs - -16) <= 1, `film is ${lufs} LUFS, target -16`);
  await assertInSync(out);
});

/** Mean absolute difference of one frame of two films, bottom quarter only (where captions sit). */
async function frameDiff(a: string, b: string, at: number): Promise<number> {
  const grab = async (file: string) => (await exec(paths.ffmpeg, ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-vf', 'crop=iw:ih/4:0:ih*3/4,format=gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 8 * 1024 * 1024 })).stdout;
  const [x, y] = await Promise.all([grab(a), grab(b)]);
  assert.equal(x.length, y.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

test('burned-in captions are drawn at their cue times only, which forces a one-pass render', async () => {
  const dir = await freshDir('burn');
  const clips = await speechClips(dir, 2, 2);
  const plain = path.join(dir, 'plain.mp4');
  const burned = path.join(dir, 'burned.mp4');
  await exportFilm(ff, clips, plain, '160x90', { render: 'single', transitions: [{ type: 'crossfade', seconds: 0.5 }] });
  const result = await exportFilm(ff, clips, burned, '160x90', {
    cacheDir: path.join(dir, 'cache'),
    transitions: [{ type: 'crossfade', seconds: 0.5 }],
    burnCaptions: [{ startMs: 500, endMs: 1500, lines: ['HELLO WORLD'] }],
  });
  assert.equal(result.path, 'normalize');
  assert.match(result.plan.reason, /rendered in one pass .*because of captions burned into the picture/);
  assert.ok((await frameDiff(plain, burned, 1.0)) > 3, 'the caption is on the frame at 1.0 s');
  assert.ok((await frameDiff(plain, burned, 2.5)) < 1, 'and not on the frame at 2.5 s');
  await assertInSync(burned);
});
