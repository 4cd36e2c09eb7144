// A line mixing Latin, CJK, Arabic and emoji on a Preview animatic: each run of it drawn with a font of the
// fallback chain that has its glyphs (no boxes, nothing left out), Arabic joined and right to left, runs
// measured from the fonts' advance widths. Real ffmpeg (Debian's, with fribidi) and Debian's fonts:
// fonts-dejavu-core, fonts-wqy-microhei, fonts-symbola (.ci/run installs them).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { renderAnimatic } from '../../electron/services/media/animatic.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { metricsOf } from '../../electron/services/media/glyphs.ts';
import { chainClean, measure, placeRuns, splitRuns, startsRightToLeft, type ChainFont } from '../../electron/services/media/text-runs.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const ff = new Ffmpeg(paths);
const root = await mkdtemp(path.join(tmpdir(), 'storyreel-scripts-'));
after(() => rm(root, { recursive: true, force: true }));

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const WQY = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const SYMBOLA = '/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf';
const FILES = [DEJAVU, WQY, SYMBOLA];
const chainOf = (files: string[]): ChainFont[] => files.map((file) => ({ file, metrics: metricsOf(file)! }));
const MIXED = 'Kite 风筝 فوق الكثبان 🎈 at dawn.';

test('the fonts the chain is tested with are installed (.ci/run installs them)', () => {
  for (const f of FILES) assert.ok(existsSync(f) && metricsOf(f), `${f} (apt-get install fonts-dejavu-core fonts-wqy-microhei fonts-symbola)`);
});

test('a mixed line splits into runs, each in the first font of the chain that has its glyphs', () => {
  const chain = chainOf(FILES);
  const { runs, lost } = splitRuns(MIXED, chain);
  assert.equal(lost, 0);
  assert.deepEqual(runs.map((r) => [path.basename(r.font), r.text]), [
    ['DejaVuSans.ttf', 'Kite '],
    ['wqy-microhei.ttc', '风筝 '],
    ['DejaVuSans.ttf', 'فوق الكثبان '],
    ['Symbola_hint.ttf', '🎈 '],
    ['DejaVuSans.ttf', 'at dawn.'],
  ]);
  // No run holds a character its font cannot draw: nothing becomes a box.
  for (const r of runs) for (const ch of r.text) assert.ok(metricsOf(r.font)!.covers(ch.codePointAt(0)!), `${ch} in ${r.font}`);
  // Joined Arabic is measured in its joined forms: narrower than its letters one by one.
  const dejavu = metricsOf(DEJAVU)!;
  const word = 'الكثبان';
  assert.ok(measure(word, dejavu) < [...word].reduce((a, ch) => a + dejavu.advance(ch.codePointAt(0)!), 0));
  // A line that starts in Arabic places its runs from the right.
  assert.equal(startsRightToLeft('فوق 风筝'), true);
  assert.deepEqual(placeRuns('فوق 风筝', splitRuns('فوق 风筝', chain).runs).map((r) => r.text.trim()), ['风筝', 'فوق']);
  // Without the later fonts, what the first lacks is left out and counted.
  assert.deepEqual(chainClean(MIXED, chainOf([DEJAVU])), { text: 'Kite فوق الكثبان at dawn.', lost: 3 });
});

async function frame(name: string, prompt: string, fontChain?: string[]): Promise<Buffer> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, 'a.mp4');
  await renderAnimatic(ff, { out, prompt, seconds: 1, size: '640x360', seed: 5, label: 'Take 1', ...(fontChain ? { fontChain } : {}) });
  const png = path.resolve('test-results', 'screenshots', `animatic-${name}.png`);
  await mkdir(path.dirname(png), { recursive: true });
  await exec(paths.ffmpeg, ['-v', 'error', '-y', '-ss', '0.5', '-i', out, '-frames:v', '1', png]);
  const { stdout } = await exec(paths.ffmpeg, ['-v', 'error', '-ss', '0.5', '-i', out, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  return stdout;
}

/** Mean absolute difference (0..255) of rows y0..y1 of two 640-wide grey frames. */
const rowsDiff = (a: Buffer, b: Buffer, y0: number, y1: number): number => {
  let sum = 0;
  for (let i = y0 * 640; i < y1 * 640; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / ((y1 - y0) * 640);
};

test('rendered: every script of a mixed line is drawn (other characters of the same scripts draw other pixels), and nothing is counted as left out', { timeout: 120000 }, async () => {
  const [mixed, other, latin, dejavuOnly] = await Promise.all([
    frame('mixed-scripts', MIXED, FILES),
    // The same line with other characters of the same scripts: a box (.notdef) is the same for every
    // character a font lacks, so only real glyphs can make the two differ.
    frame('mixed-scripts-other', 'Kite 山水 فوق الكثبان 😀 at dawn.', FILES),
    frame('latin', 'Kite at dawn.', FILES),
    frame('mixed-dejavu-only', MIXED, [DEJAVU]),
  ]);
  const TEXT: [number, number] = [0, 120];
  const CAPTION: [number, number] = [320, 350];
  assert.ok(rowsDiff(mixed, other, ...TEXT) > 1, 'the CJK and emoji are drawn as themselves');
  assert.ok(rowsDiff(mixed, latin, ...TEXT) > 1, 'more than the Latin is drawn');
  assert.ok(rowsDiff(mixed, latin, ...CAPTION) < 0.5, 'the caption has no "not drawn" note: nothing was left out');
  assert.ok(rowsDiff(dejavuOnly, latin, ...CAPTION) > 0.5, 'control: with DejaVu Sans alone, the caption counts what it left out');
});
