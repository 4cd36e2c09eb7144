// The Preview provider behaves like a model: takes of one scene differ (a seed of their own), a seed draws
// the same take again, the scene's number is not in the picture, first/last frames and references show, and
// extend/remix make takes related to their source. Real ffmpeg, 320x180 clips of 1-2 s.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { findFontFile, renderAnimatic } from '../../electron/services/media/animatic.ts';
import { promptExcerpt } from '../../electron/services/media/animatic-look.ts';
import { coverageOf, metricsOf } from '../../electron/services/media/glyphs.ts';
import { chainClean } from '../../electron/services/media/text-runs.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { PreviewProvider } from '../../electron/services/providers/preview.ts';
import type { CreateRequest, InputImage } from '../../electron/services/providers/types.ts';
import { meanDiff } from '../helpers/pixels.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const root = await mkdtemp(path.join(tmpdir(), 'storyreel-preview-takes-'));
after(() => rm(root, { recursive: true, force: true }));
const SIZE = '320x180';
const signal = new AbortController().signal;

function request(jobId: string, over: Partial<CreateRequest> = {}): CreateRequest {
  return { jobId, model: 'animatic', prompt: 'A paper boat drifts down a rain gutter.', seconds: 1, size: SIZE, referenceImage: null, sentAt: 1, sceneNumber: 3, ...over };
}

/** Renders through the provider as the engine would (create, poll, download) and returns the bytes' path. */
async function take(p: PreviewProvider, dir: string, req: CreateRequest): Promise<string> {
  const { providerJobId } = await p.create(req, signal);
  for (;;) {
    const s = await p.status(providerJobId, signal);
    if (s.state === 'completed') break;
    if (s.state !== 'running') assert.fail(JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 30));
  }
  const out = path.join(dir, `${req.jobId}.mp4`);
  await p.download(providerJobId, out, { signal });
  return out;
}

/** One frame as RGB24 pixels (`at` in seconds, or 'last'). */
async function rgbFrame(file: string, at: number | 'last'): Promise<Buffer> {
  const seek = at === 'last' ? ['-sseof', '-0.05'] : ['-ss', String(at)];
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', ...seek, '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  return stdout;
}


async function image(dir: string, name: string, source: string): Promise<string> {
  const file = path.join(dir, `${name}.png`);
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `${source}${source.includes('=') ? ':' : '='}s=${SIZE}`, '-frames:v', '1', '-y', file]);
  return file;
}

async function fresh(name: string): Promise<{ dir: string; provider: PreviewProvider }> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  return { dir, provider: new PreviewProvider({ ff, cacheDir: path.join(dir, 'cache') }) };
}

test('four takes of one scene differ; the same seed draws the same bytes again', async () => {
  const { dir, provider } = await fresh('takes');
  const files = await Promise.all([1, 2, 3, 4].map((n) => take(provider, dir, request(`job_t${n}`, { takeNumber: n }))));
  const bytes = await Promise.all(files.map((f) => readFile(f)));
  assert.equal(new Set(bytes.map((b) => b.toString('base64'))).size, 4, 'four different files');
  const middles = await Promise.all(files.map((f) => rgbFrame(f, 0.5)));
  for (let i = 1; i < 4; i++) assert.ok(meanDiff(middles[0]!, middles[i]!) > 8, `take ${i + 1} looks different from take 1 (${meanDiff(middles[0]!, middles[i]!).toFixed(1)})`);
  // A creator's seed is a model's seed: two jobs with seed 42 give the same video, byte for byte.
  const [a, b] = await Promise.all(['job_s1', 'job_s2'].map((id) => take(provider, dir, request(id, { seed: 42, takeNumber: 5 }))));
  assert.ok((await readFile(a!)).equals(await readFile(b!)), 'seed 42 twice: identical bytes');
});

test('the scene number is not in the picture: the same take at scene 2 and at scene 7 is the same video', async () => {
  const { dir, provider } = await fresh('numbers');
  const at2 = await take(provider, dir, request('job_n2', { seed: 9, takeNumber: 1, sceneNumber: 2 }));
  const at7 = await take(provider, dir, request('job_n7', { seed: 9, takeNumber: 1, sceneNumber: 7 }));
  assert.ok((await readFile(at2)).equals(await readFile(at7)), 'moving the scene changes nothing in its take');
  // What is drawn instead: the prompt's first words.
  assert.equal(promptExcerpt('A paper boat drifts down a rain gutter. Rain falls.'), 'A paper boat drifts down a rain gutter.');
  assert.equal(promptExcerpt('A very long opening line that goes on and on well past the limit of a title'), 'A very long opening line that goes on and…');
});

test('a first frame opens the clip exactly, a last frame closes it, references show as insets', async () => {
  const { dir, provider } = await fresh('images');
  const first = await image(dir, 'first', 'testsrc2');
  const last = await image(dir, 'last', 'smptebars');
  const ref = await image(dir, 'ref', 'color=c=0xff00ff');
  const images: InputImage[] = [
    { role: 'first-frame', file: first },
    { role: 'last-frame', file: last },
    { role: 'reference', file: ref },
  ];
  const withImages = await take(provider, dir, request('job_i1', { seed: 3, images, seconds: 2 }));
  const plain = await take(provider, dir, request('job_i2', { seed: 3, seconds: 2 }));
  const fitted = async (file: string): Promise<Buffer> => (await exec(paths.ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 })).stdout;
  const opening = meanDiff(await rgbFrame(withImages, 0), await fitted(first));
  const closing = meanDiff(await rgbFrame(withImages, 'last'), await fitted(last));
  assert.ok(opening < 6, `the first frame is the first-frame image (mean difference ${opening.toFixed(1)})`);
  assert.ok(closing < 6, `the last frame is the last-frame image (mean difference ${closing.toFixed(1)})`);
  assert.ok(meanDiff(await rgbFrame(plain, 0), await fitted(first)) > 20, 'control: without it the clip opens elsewhere');
  // Mid-clip the magenta reference sits in the lower right, above the caption band.
  const mid = await rgbFrame(withImages, 1);
  const magenta = (x: number, y: number): boolean => {
    const i = (y * 320 + x) * 3;
    return mid[i]! > 200 && mid[i + 1]! < 60 && mid[i + 2]! > 200;
  };
  let inset = 0;
  for (let y = 90; y < 165; y++) for (let x = 200; x < 320; x++) if (magenta(x, y)) inset++;
  assert.ok(inset > 300, `a reference inset is drawn (${inset} magenta pixels)`);
});

test('extend keeps the look and runs longer; remix keeps the motion and turns the palette', async () => {
  const { dir, provider } = await fresh('derived');
  const source = await take(provider, dir, request('job_d1', { seed: 11, takeNumber: 1 }));
  const extended = await take(provider, dir, request('job_d2', { takeNumber: 2, seconds: 2, source: { kind: 'extend', providerJobId: 'preview_job_d1', seconds: 1 } }));
  const remixed = await take(provider, dir, request('job_d3', { takeNumber: 3, source: { kind: 'remix', providerJobId: 'preview_job_d1', seconds: 1 } }));
  const other = await take(provider, dir, request('job_d4', { seed: 12, takeNumber: 4 }));
  assert.ok(Math.abs((await ff.probe(extended)).durationSeconds - 2) < 0.1, 'the whole new take: the source\'s 1 s plus 1 s');
  // Mean colour of the picture band (below the words): the extension shares its source's palette.
  const band = async (file: string, at: number): Promise<[number, number, number]> => {
    const f = await rgbFrame(file, at);
    const sum = [0, 0, 0];
    for (let y = 110; y < 140; y++) for (let x = 0; x < 320; x++) for (let c = 0; c < 3; c++) sum[c]! += f[(y * 320 + x) * 3 + c]!;
    return sum.map((v) => v / (30 * 320)) as [number, number, number];
  };
  const dist = (a: number[], b: number[]): number => Math.hypot(...a.map((v, i) => v - b[i]!));
  const src = await band(source, 0.05);
  assert.ok(dist(src, await band(extended, 0.05)) < 12, 'the extension opens like its source');
  assert.ok(dist(src, await band(remixed, 0.05)) > 20, 'the remix has another palette');
  assert.ok(dist(src, await band(other, 0.05)) > 20, 'control: another seed looks different too');
  // A take whose source is gone from the cache is refused in words.
  await assert.rejects(provider.create(request('job_d5', { source: { kind: 'remix', providerJobId: 'preview_job_gone', seconds: 1 } }), signal), /gone/);
});

test('glyphs no font at hand can draw are left out and counted, not drawn as boxes', async () => {
  const dejavu = findFontFile();
  assert.ok(dejavu);
  const covers = coverageOf(dejavu);
  assert.ok(covers, 'the bundled font\'s cmap is read');
  assert.deepEqual(['A', 'ж', 'ا', '😀', '🎬', '山'].map((ch) => covers(ch.codePointAt(0)!)), [true, true, true, true, false, false]);
  // A machine whose only font is DejaVu Sans (the fallback chain has nothing after it).
  const only = [{ file: dejavu, metrics: metricsOf(dejavu)! }];
  assert.deepEqual(chainClean('A boat 🎬 at sea ✨️', only), { text: 'A boat at sea ', lost: 2 }, 'the variation selector is invisible, not lost');
  // Rendered: the words are drawn exactly as without the emoji (no boxes); only the caption's count differs.
  const { dir } = await fresh('glyphs');
  const grey = async (prompt: string): Promise<Buffer> => {
    const out = path.join(dir, `${prompt.length}.mp4`);
    await renderAnimatic(ff, { out, prompt, seconds: 1, size: SIZE, seed: 2, label: 'Take 1', fontChain: [dejavu] });
    return rgbFrame(out, 0.5);
  };
  const [withEmoji, without] = await Promise.all([grey('A boat 🎬🌅 at sea. Gulls.'), grey('A boat at sea. Gulls.')]);
  const rows = (f: Buffer, y0: number, y1: number): Buffer => f.subarray(y0 * 320 * 3, y1 * 320 * 3);
  assert.ok(meanDiff(rows(withEmoji, 0, 60), rows(without, 0, 60)) < 1, 'title and prompt drawn the same: no boxes');
  assert.ok(meanDiff(rows(withEmoji, 160, 176), rows(without, 160, 176)) > 1, 'the caption says what was left out');
});
