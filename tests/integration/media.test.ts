// The ffmpeg module, animatics, stills, file verification and the Preview provider, on the real
// ffmpeg with small generated fixtures (320x180 / 640x360, 1-2 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkFfmpeg, Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { CJK_FONTS, findFontFile, fontCandidates, fitImage, layoutPrompt, renderAnimatic, textEms, thumbnail, wrapText } from '../../electron/services/media/animatic.ts';
import { verifyVideo } from '../../electron/services/media/stitch.ts';
import { rejectsWith } from '../helpers/assert.ts';
import { scratch } from '../helpers/scratch.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const logLines: string[] = [];
const ff = new Ffmpeg(paths, (line) => logLines.push(line));

const { freshDir } = await scratch('storyreel-media-test-');

async function ffmpegStderr(args: string[]): Promise<string> {
  const { stderr } = await exec(paths.ffmpeg, ['-hide_banner', '-nostdin', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stderr;
}

/** One frame as 8-bit grey pixels. */
async function greyFrame(file: string, at: number): Promise<{ width: number; height: number; pixels: Buffer }> {
  const info = await ff.probe(file);
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return { width: info.video?.width ?? 0, height: info.video?.height ?? 0, pixels: stdout };
}

/** Bright pixels (text) inside a rectangle given in fractions of the frame. */
function ink(frame: { width: number; height: number; pixels: Buffer }, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let n = 0;
  for (let y = Math.floor(frame.height * box.y0); y < Math.floor(frame.height * box.y1); y++) {
    for (let x = Math.floor(frame.width * box.x0); x < Math.floor(frame.width * box.x1); x++) {
      if ((frame.pixels[y * frame.width + x] ?? 0) > 110) n++;
    }
  }
  return n;
}

/** Pixels whose grey differs by more than 60 between two frames, inside a rectangle given in fractions. */
function differing(a: { width: number; height: number; pixels: Buffer }, b: { pixels: Buffer }, box: { x0: number; x1: number; y0: number; y1: number }): number {
  let n = 0;
  for (let y = Math.floor(a.height * box.y0); y < Math.floor(a.height * box.y1); y++) {
    for (let x = Math.floor(a.width * box.x0); x < Math.floor(a.width * box.x1); x++) {
      if (Math.abs((a.pixels[y * a.width + x] ?? 0) - (b.pixels[y * a.width + x] ?? 0)) > 60) n++;
    }
  }
  return n;
}

function topLevelBoxes(buf: Buffer): string[] {
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= buf.length; ) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    boxes.push(type);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

// ---------------------------------------------------------------------------------------------------
// Finding and checking ffmpeg

test('resolveFfmpeg: setting, then bundled, then PATH, then bare names', async () => {
  const dir = await freshDir('resolve');
  const bin = path.join(dir, 'bin');
  const resources = path.join(dir, 'resources');
  await mkdir(bin);
  await mkdir(path.join(resources, 'ffmpeg'), { recursive: true });
  for (const f of [path.join(bin, 'ffmpeg'), path.join(bin, 'ffprobe'), path.join(resources, 'ffmpeg', 'ffmpeg'), path.join(resources, 'ffmpeg', 'ffprobe')]) {
    await writeFile(f, '#!/bin/sh\n');
    await chmod(f, 0o755);
  }
  const env = { PATH: ['/nonexistent', bin].join(path.delimiter) };

  assert.deepEqual(resolveFfmpeg({ userPath: '/opt/ff/ffmpeg', resourcesDir: resources, env }), { ffmpeg: '/opt/ff/ffmpeg', ffprobe: '/opt/ff/ffprobe', source: 'setting' });
  assert.deepEqual(resolveFfmpeg({ userPath: bin, env }), { ffmpeg: path.join(bin, 'ffmpeg'), ffprobe: path.join(bin, 'ffprobe'), source: 'setting' }, 'a folder is accepted');
  assert.deepEqual(resolveFfmpeg({ userPath: '  ', resourcesDir: resources, env }), { ffmpeg: path.join(resources, 'ffmpeg', 'ffmpeg'), ffprobe: path.join(resources, 'ffmpeg', 'ffprobe'), source: 'bundled' });
  assert.deepEqual(resolveFfmpeg({ resourcesDir: path.join(dir, 'nothing-here'), env }), { ffmpeg: path.join(bin, 'ffmpeg'), ffprobe: path.join(bin, 'ffprobe'), source: 'path' });
  assert.deepEqual(resolveFfmpeg({ env: { PATH: '/nonexistent' } }), { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'path' });
});

test('checkFfmpeg: the real binaries pass; a missing one is named in words', async () => {
  const good = await checkFfmpeg(paths);
  assert.equal(good.ok, true, good.error ?? '');
  assert.match(good.version ?? '', /\d/);
  assert.equal(good.error, null);

  const missing = await checkFfmpeg({ ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' });
  assert.equal(missing.ok, false);
  assert.match(missing.error ?? '', /could not find ffmpeg at "\/nonexistent\/ffmpeg"/);

  const noProbe = await checkFfmpeg({ ffmpeg: paths.ffmpeg, ffprobe: '/nonexistent/ffprobe' });
  assert.equal(noProbe.ok, false);
  assert.match(noProbe.error ?? '', /ffprobe/);
  assert.match(noProbe.version ?? '', /\d/);

  const notOnPath = await checkFfmpeg({ ffmpeg: 'ffmpeg-storyreel-no-such', ffprobe: 'ffprobe' });
  assert.match(notOnPath.error ?? '', /not bundled and not on the PATH/);
});

test('run: a missing binary is FfmpegMissing; a failing command is FfmpegFailed with stderr as detail', async () => {
  const dir = await freshDir('run');
  const missing = new Ffmpeg({ ffmpeg: path.join(dir, 'no-ffmpeg'), ffprobe: path.join(dir, 'no-ffprobe') });
  await rejectsWith(missing.run({ inputs: [], filterComplex: 'anullsrc=d=0.1[a]', outputOptions: ['-map', '[a]', '-f', 'null'], output: '-', totalSeconds: 0.1 }), 'FfmpegMissing', /could not find ffmpeg/);
  await rejectsWith(missing.probe(path.join(dir, 'x.mp4')), 'FfmpegMissing', /ffprobe/);

  logLines.length = 0;
  const err = await rejectsWith(
    ff.run({ inputs: [{ path: path.join(dir, 'it is missing.mp4') }], outputOptions: ['-f', 'null'], output: '-', totalSeconds: 1 }),
    'FfmpegFailed',
  );
  assert.doesNotMatch(err.message, /exited with code/, 'the message is for a creator');
  assert.match(err.detail ?? '', /No such file or directory/);
  // The exact command line, shell-escaped, was logged first.
  assert.ok(logLines.some((l) => l.includes(`-i '${path.join(dir, 'it is missing.mp4')}'`)), logLines.join('\n'));
});

test('run: a filter graph too long for a command line goes through a file, removed afterwards', async () => {
  const dir = await freshDir('long-graph');
  const out = path.join(dir, 'tone.wav');
  // A 30,000-character link label: over Windows' 32,767-character command line with the rest, and
  // cheap for ffmpeg (thousands of real filters take it seconds to set up).
  const label = `l${'x'.repeat(15000)}`;
  const graph = `sine=f=440:d=0.5[${label}];[${label}]anull[a]`;
  logLines.length = 0;
  await ff.run({ inputs: [], filterComplex: graph, outputOptions: ['-map', '[a]', '-f', 'wav'], output: out, totalSeconds: 0.5 });
  const info = await ff.probe(out);
  assert.ok(Math.abs((info.audio?.durationSeconds ?? 0) - 0.5) < 0.01);
  const command = logLines.find((l) => l.startsWith('$ '));
  assert.ok(command && command.length < 1000, `the command line stays short: ${command?.slice(0, 200)}`);
  const script = /(?:-filter_complex_script|-\/filter_complex) (\S+graph\.txt)/.exec(command)?.[1];
  assert.ok(script, command);
  await assert.rejects(stat(script), /ENOENT/, 'the graph file is removed');
});

test('run: a signal that is already aborted never starts ffmpeg', async () => {
  const dir = await freshDir('pre-abort');
  const controller = new AbortController();
  controller.abort();
  await rejectsWith(ff.run({ inputs: [], filterComplex: 'anullsrc=d=1[a]', outputOptions: ['-map', '[a]', '-f', 'wav'], output: path.join(dir, 'a.wav'), totalSeconds: 1 }, { signal: controller.signal }), 'Aborted');
  assert.deepEqual(await readdir(dir), []);
});

// ---------------------------------------------------------------------------------------------------
// Text layout

test('wrapText keeps every word in order, respects the width, and cuts only words that cannot fit', () => {
  const prompt = 'A lone lighthouse keeper climbs the spiral stairs at dusk, camera slowly pushing in.\n\n\n\nStyle: https://example.com/a-very-long-url-that-cannot-fit-on-one-line-at-all';
  const lines = wrapText(prompt, 20);
  for (const l of lines) assert.ok(textEms(l) <= 20, `"${l}" is ${textEms(l)} ems`);
  assert.equal(lines.join('').replace(/\s/g, ''), prompt.replace(/\s/g, ''));
  assert.equal(lines.filter((l) => l === '').length, 1, 'blank lines collapse to one');
  assert.ok(lines.length > 5);
  assert.deepEqual(wrapText('tab\there\u0007bell', 100), ['tab herebell']);
});

test('layoutPrompt shrinks the font to fit, then truncates with an ellipsis', () => {
  const short = layoutPrompt('A short prompt.', { width: 600, height: 300, maxSize: 40, minSize: 14 });
  assert.equal(short.fontSize, 40);
  assert.equal(short.truncated, false);
  const medium = layoutPrompt('word '.repeat(120), { width: 600, height: 300, maxSize: 40, minSize: 14 });
  assert.ok(medium.fontSize < 40 && medium.fontSize >= 14, String(medium.fontSize));
  assert.equal(medium.truncated, false);
  const huge = layoutPrompt('word '.repeat(5000), { width: 600, height: 300, maxSize: 40, minSize: 14 });
  assert.equal(huge.fontSize, 14);
  assert.equal(huge.truncated, true);
  assert.match(huge.lines.at(-1) ?? '', /…$/);
  assert.ok(huge.lines.length * 14 * 1.17 <= 300);
});

// ---------------------------------------------------------------------------------------------------
// Animatics

test('findFontFile prefers the given font, then the bundled DejaVu Sans', async () => {
  const dir = await freshDir('font');
  const mine = path.join(dir, 'mine.ttf');
  await writeFile(mine, 'not really a font');
  assert.equal(findFontFile(mine), mine);
  assert.equal(findFontFile(path.join(dir, 'missing.ttf'), [dir]), findFontFile());
  const bundled = findFontFile();
  assert.ok(bundled && bundled.endsWith('DejaVuSans.ttf'), String(bundled));
});

test('renderAnimatic: exact length and size, H.264/AAC, faststart, and a soft but audible tone', async () => {
  const dir = await freshDir('animatic');
  const out = path.join(dir, 'a.mp4');
  const fractions: number[] = [];
  await renderAnimatic(ff, { out, sceneNumber: 4, prompt: 'A fox crosses a frozen lake at dawn.', seconds: 2, size: '320x180' }, { onProgress: (p) => fractions.push(p.fraction) });
  const info = await ff.probe(out);
  assert.ok(Math.abs(info.durationSeconds - 2) <= 0.1, `${info.durationSeconds}`);
  assert.ok(Math.abs((info.video?.durationSeconds ?? 0) - 2) <= 0.1);
  assert.ok(Math.abs((info.audio?.durationSeconds ?? 0) - 2) <= 0.1);
  assert.deepEqual(
    { codec: info.video?.codec, width: info.video?.width, height: info.video?.height, fps: info.video?.fps, pixFmt: info.video?.pixFmt },
    { codec: 'h264', width: 320, height: 180, fps: 30, pixFmt: 'yuv420p' },
  );
  assert.deepEqual({ codec: info.audio?.codec, sampleRate: info.audio?.sampleRate, channels: info.audio?.channels }, { codec: 'aac', sampleRate: 48000, channels: 2 });
  const boxes = topLevelBoxes(await readFile(out));
  assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `boxes: ${boxes.join(',')}`);
  assert.equal(fractions.at(-1), 1);

  const stderr = await ffmpegStderr(['-i', out, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-']);
  const mean = Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
  const max = Number(/max_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
  assert.ok(mean > -45, `mean volume ${mean} dB is too quiet to hear`);
  assert.ok(max < -10, `max volume ${max} dB is not soft`);
});

test('renderAnimatic: prompts full of quotes, colons, %, backslashes and commas are drawn, from a path that needs escaping', async () => {
  // The temp folder and the font path both hold characters that break an unescaped filtergraph.
  const dir = await freshDir("it's: odd, [dir]; 100%");
  const font = path.join(dir, 'font: o\'k.ttf');
  const bundled = findFontFile();
  assert.ok(bundled);
  await copyFile(bundled, font);
  const tricky = `He said: "it's 100% done", then C:\\temp\\x, a;b [c] {d} \\n %{pts} $HOME 'quoted' — ünïcödé`;
  const out = path.join(dir, 'tricky.mp4');
  const empty = path.join(dir, 'empty.mp4');
  await renderAnimatic(ff, { out, sceneNumber: 1, prompt: tricky.repeat(2), seconds: 1, size: '640x360', fontFile: font });
  await renderAnimatic(ff, { out: empty, sceneNumber: 1, prompt: '', seconds: 1, size: '640x360', fontFile: font });
  // Both have the same seed, so the same picture: what differs in the prompt's band is the text.
  const promptBand = { x0: 0.05, x1: 0.95, y0: 0.05, y1: 0.6 };
  const drawn = differing(await greyFrame(out, 0.5), await greyFrame(empty, 0.5), promptBand);
  assert.ok(drawn > 3000, `the prompt was drawn (${drawn} pixels differ from an empty prompt's)`);
});

const cjkFont = CJK_FONTS.find((f) => existsSync(f));
test('renderAnimatic: Chinese prompts are drawn with a CJK font, not as empty boxes', { skip: !cjkFont && 'no CJK font on this machine (Debian: fonts-wqy-microhei)' }, async () => {
  const dir = await freshDir('cjk');
  // Latin prompts keep the bundled font; a prompt with CJK characters tries CJK fonts first.
  assert.ok(fontCandidates(null, [], 'A boat at dawn')[0]!.endsWith('DejaVuSans.ttf'));
  assert.equal(findFontFile(null, [], '山间小屋，清晨薄雾'), cjkFont);
  // Two different prompts of the same length: real glyphs make different pictures, boxes identical ones.
  // (A one-sentence prompt is drawn as the title, at the top.)
  const textRegion = { x0: 0.03, x1: 0.97, y0: 0.03, y1: 0.55 };
  const render = async (name: string, prompt: string) => {
    const out = path.join(dir, `${name}.mp4`);
    await renderAnimatic(ff, { out, sceneNumber: 1, prompt, seconds: 1, size: '640x360' }, {});
    return greyFrame(out, 0.5);
  };
  const a = await render('a', '山间小屋清晨薄雾');
  const b = await render('b', '城市夜景霓虹闪烁');
  assert.ok(differing(a, b, textRegion) > 300, `the two prompts look different (${differing(a, b, textRegion)} pixels)`);
  // Control: the same comparison with DejaVu Sans (no CJK glyphs) finds the two pictures identical,
  // which is what "empty boxes" means and why the check above can fail.
  const boxes = async (name: string, text: string) => {
    const txt = path.join(dir, `${name}.txt`);
    await writeFile(txt, text);
    const out = path.join(dir, `${name}.mp4`);
    await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x15171c:s=640x360:d=1', '-vf', `drawtext=fontfile=${findFontFile()}:textfile=${txt}:fontsize=40:fontcolor=white:x=40:y=90`, '-y', out]);
    return greyFrame(out, 0.5);
  };
  const ca = await boxes('ca', '山间小屋清晨薄雾');
  const cb = await boxes('cb', '城市夜景霓虹闪烁');
  assert.equal(differing(ca, cb, textRegion), 0, 'DejaVu draws the same boxes for both');
});

test('renderAnimatic: the countdown changes every second and the title is drawn', async () => {
  const dir = await freshDir('countdown');
  const out = path.join(dir, 'c.mp4');
  await renderAnimatic(ff, { out, prompt: 'A fox on the ice', seconds: 2, size: '640x360' }, {});
  const corner = { x0: 0.75, x1: 1, y0: 0, y1: 0.25 };
  const a = await greyFrame(out, 0.2);
  const b = await greyFrame(out, 1.2);
  let changed = 0;
  for (let y = 0; y < Math.floor(a.height * 0.25); y++) {
    for (let x = Math.floor(a.width * 0.75); x < a.width; x++) {
      if (Math.abs((a.pixels[y * a.width + x] ?? 0) - (b.pixels[y * b.width + x] ?? 0)) > 60) changed++;
    }
  }
  assert.ok(ink(a, corner) > 50, 'a countdown is drawn in the corner');
  assert.ok(changed > 50, `"2 s" became "1 s" (${changed} pixels changed)`);
  assert.ok(ink(a, { x0: 0, x1: 0.6, y0: 0, y1: 0.2 }) > 200, 'the title (the prompt\'s first words) is drawn');
});

test('renderAnimatic: a reference image is fitted behind the text', async () => {
  const dir = await freshDir('ref');
  const img = path.join(dir, 'ref.png');
  // A tall white image: fitted into 320x180 it becomes a white pillar between dark bars.
  await ffmpegStderr(['-f', 'lavfi', '-i', 'color=c=white:s=200x400', '-frames:v', '1', img]);
  const out = path.join(dir, 'r.mp4');
  await renderAnimatic(ff, { out, sceneNumber: 2, prompt: '', seconds: 1, size: '320x180', referenceImage: img });
  const info = await ff.probe(out);
  assert.equal(info.video?.width, 320);
  assert.equal(info.video?.height, 180);
  const frame = await greyFrame(out, 0.5);
  const at = (x: number, y: number): number => frame.pixels[y * frame.width + x] ?? 0;
  // Centre: the white image darkened for legibility; far left: the dark padding.
  assert.ok(at(160, 150) > 70, `centre ${at(160, 150)}`);
  assert.ok(at(5, 150) < 40, `edge ${at(5, 150)}`);
});

// ---------------------------------------------------------------------------------------------------
// Stills

test('fitImage letterboxes any image into exactly WxH, never stretching', async () => {
  const dir = await freshDir('fit');
  const wide = path.join(dir, 'wide.png');
  const tall = path.join(dir, 'tall.jpg');
  const alpha = path.join(dir, 'alpha.png');
  await ffmpegStderr(['-f', 'lavfi', '-i', 'color=c=white:s=500x100', '-frames:v', '1', wide]);
  await ffmpegStderr(['-f', 'lavfi', '-i', 'color=c=white:s=90x400', '-frames:v', '1', tall]);
  await ffmpegStderr(['-f', 'lavfi', '-i', 'color=c=white@0.0:s=300x300,format=rgba', '-frames:v', '1', alpha]);
  for (const [input, name] of [[wide, 'wide'], [tall, 'tall'], [alpha, 'alpha']] as const) {
    const out = path.join(dir, `${name}-fit.png`);
    await fitImage(ff, input, out, '320x180');
    const info = await ff.probe(out);
    assert.equal(info.video?.width, 320, name);
    assert.equal(info.video?.height, 180, name);
  }
  const w = await greyFrame(path.join(dir, 'wide-fit.png'), 0);
  // 500x100 → 320x64, centred: white in the middle row, black bars above and below.
  assert.ok((w.pixels[90 * 320 + 160] ?? 0) > 200);
  assert.ok((w.pixels[10 * 320 + 160] ?? 255) < 20);
  const t = await greyFrame(path.join(dir, 'tall-fit.png'), 0);
  // 90x400 → 40x180: a narrow pillar, not stretched to the full width.
  assert.ok((t.pixels[90 * 320 + 160] ?? 0) > 200);
  assert.ok((t.pixels[90 * 320 + 100] ?? 255) < 20);
  const a = await greyFrame(path.join(dir, 'alpha-fit.png'), 0);
  assert.ok((a.pixels[90 * 320 + 160] ?? 255) < 20, 'transparent pixels become black, not white');
});

test('thumbnail writes a small JPEG frame', async () => {
  const dir = await freshDir('thumb');
  const clip = path.join(dir, 'c.mp4');
  await renderAnimatic(ff, { out: clip, sceneNumber: 1, prompt: 'thumb', seconds: 1, size: '640x360' });
  const jpg = path.join(dir, 't.jpg');
  await thumbnail(ff, clip, jpg);
  const info = await ff.probe(jpg);
  assert.equal(info.video?.codec, 'mjpeg');
  assert.equal(info.video?.width, 320);
  assert.equal(info.video?.height, 180);
  // Past the end still gives a frame (clamped), not an error.
  await thumbnail(ff, clip, path.join(dir, 't2.jpg'), 99);
  assert.ok((await stat(path.join(dir, 't2.jpg'))).size > 0);
});

// ---------------------------------------------------------------------------------------------------
// Verifying downloads

test('verifyVideo accepts a good clip and refuses random bytes, a truncated MP4, a missing file and a wrong length', async () => {
  const dir = await freshDir('verify');
  const good = path.join(dir, 'good.mp4');
  await renderAnimatic(ff, { out: good, sceneNumber: 1, prompt: 'ok', seconds: 2, size: '320x180' });
  const info = await verifyVideo(ff, good, { seconds: 2, tolerance: 0.1 });
  assert.equal(info.video?.codec, 'h264');

  const random = path.join(dir, 'random.mp4');
  await writeFile(random, Buffer.from(Array.from({ length: 40000 }, (_, i) => (i * 7919 + 13) % 251)));
  await rejectsWith(verifyVideo(ff, random), 'MediaInvalid');

  // Cut at 60%: the index (moov, first because of +faststart) is whole, the media data is not.
  const bytes = await readFile(good);
  const truncated = path.join(dir, 'truncated.mp4');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await ff.probe(truncated); // ffprobe alone is fooled ...
  await rejectsWith(verifyVideo(ff, truncated), 'MediaInvalid', /damaged or incomplete/); // ... the packet read is not.

  await rejectsWith(verifyVideo(ff, path.join(dir, 'nope.mp4')), 'MediaInvalid', /missing/);
  await rejectsWith(verifyVideo(ff, good, { seconds: 8 }), 'MediaInvalid', /2\.0 s long, not the 8 s/);
});

// ---------------------------------------------------------------------------------------------------
// Preview provider

