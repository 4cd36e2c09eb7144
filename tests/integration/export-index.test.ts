// The fast path's film and its index (moov), on the real ffmpeg: the index is written into room kept at
// the front of the file (no second pass moving it there), a room found too small falls back to +faststart
// and still gives a whole film with its index first; the film is checked by reading its index in this
// process, which gives what ffprobe gives and refuses a film cut short or with its index last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { copyJob } from '../../electron/services/media/film-graph.ts';
import { readMp4Index } from '../../electron/services/media/mp4-index.ts';
import { runWithRoom } from '../../electron/services/media/copy-path.ts';
import { exportFilm } from '../../electron/services/media/stitch.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const ff = new Ffmpeg(resolveFfmpeg({ env: process.env }));
const { freshDir } = await scratch('storyreel-export-index-');

/** The top-level boxes of an MP4: type and size, in file order. */
async function topBoxes(file: string): Promise<Array<{ type: string; size: number }>> {
  const buf = await readFile(file);
  const boxes: Array<{ type: string; size: number }> = [];
  for (let at = 0; at + 8 <= buf.length; ) {
    let size = buf.readUInt32BE(at);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    boxes.push({ type: buf.toString('latin1', at + 4, at + 8), size });
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** Takes like a provider's: a moving picture with a tone, one encoder setting. */
async function takes(dir: string, count: number, o: { size?: string; pixFmt?: string; channels?: number } = {}): Promise<Array<{ file: string; seconds: number }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const file = path.join(dir, `take${k + 1}.mp4`);
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${o.size ?? '160x90'}:r=30:d=1`, '-f', 'lavfi', '-i', `sine=f=${400 + 50 * k}:d=1:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', o.pixFmt ?? 'yuv420p', '-c:a', 'aac', '-ac', String(o.channels ?? 2), '-movflags', '+faststart', file]);
      return { file, seconds: 1 };
    }),
  );
}

test('the fast path writes the index into room kept at the front: ftyp, moov, the room left free, then the media', async () => {
  // A folder name with the characters a filter graph and an ffconcat list treat specially: the stems'
  // list is read by a source inside the graph, from the cache.
  const dir = path.join(await freshDir('room'), "it's: a, [film]; 1");
  await mkdir(dir);
  const clips = await takes(dir, 3);
  const out = path.join(dir, 'film.mp4');
  const lines: string[] = [];
  const logged = new Ffmpeg(resolveFfmpeg({ env: process.env }), (l) => lines.push(l));
  const result = await exportFilm(logged, clips, out, '160x90', { cacheDir: path.join(dir, 'cache') });
  assert.equal(result.path, 'fast');
  assert.match(lines.join('\n'), /amovie=filename=/, 'the sound is read inside the graph: ffmpeg has one input');
  const boxes = await topBoxes(out);
  assert.deepEqual(boxes.slice(0, 3).map((b) => b.type), ['ftyp', 'moov', 'free'], JSON.stringify(boxes));
  assert.equal(boxes.at(-1)?.type, 'mdat', JSON.stringify(boxes));
  // +faststart's layout has at most an 8-byte placeholder there; the room is what the index did not need.
  assert.ok(boxes[2]!.size > 8, `the room after the index: ${boxes[2]!.size} bytes`);
  assert.ok(Math.abs(result.info.durationSeconds - 3) < 0.05, String(result.info.durationSeconds));
  assert.ok(Math.abs((result.info.audio?.durationSeconds ?? 0) - 3) < 0.001, `sound ${result.info.audio?.durationSeconds} s`);
  assert.deepEqual((await readdir(path.join(dir, 'cache'))).sort(), ['probes.json', 'stems'], 'the join lists are gone');
});

test('a room too small for the index is noticed, and the film is made again with its index moved to the front', async () => {
  const dir = await freshDir('small');
  const clips = await takes(dir, 2);
  const video = path.join(dir, 'video.ffconcat');
  const sound = path.join(dir, 'sound.ffconcat');
  await writeFile(video, ['ffconcat version 1.0', ...clips.flatMap((c) => [`file '${c.file}'`, 'duration 1.000000']), ''].join('\n'));
  await writeFile(sound, ['ffconcat version 1.0', ...clips.map((c) => `file '${c.file}'`), ''].join('\n'));
  const out = path.join(dir, 'film.mp4');
  const lines: string[] = [];
  const job = (room: number | null) => copyJob(video, sound, 2, out, { quality: 'draft', moovBytes: room });
  const made = await runWithRoom(ff, job, 64, { log: (l) => lines.push(l) });
  assert.equal(made, 'faststart');
  assert.match(lines.join('\n'), /the 64 bytes kept for the film's index were too few/);
  const boxes = (await topBoxes(out)).map((b) => b.type);
  assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), boxes.join(','));
  const index = await readMp4Index(out);
  assert.ok(index && 'info' in index, JSON.stringify(index));
  assert.ok(Math.abs(index.info.durationSeconds - 2) < 0.05, String(index.info.durationSeconds));
  // Room enough: made once.
  assert.equal(await runWithRoom(ff, job, 1_000_000), 'room');
});

test('reading the index gives what ffprobe gives: High 4:2:2 10-bit picture, mono sound, and the fast path film', async () => {
  const dir = await freshDir('same');
  const [mono] = await takes(dir, 1, { channels: 1 });
  const deep = path.join(dir, 'deep.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv422p10le', '-an', '-movflags', '+faststart', deep]);
  const clips = await takes(dir, 2, { size: '320x180' });
  const film = path.join(dir, 'film.mp4');
  await exportFilm(ff, clips, film, '320x180');
  for (const file of [mono!.file, deep, film]) {
    const index = await readMp4Index(file);
    assert.ok(index && 'info' in index, `${file}: ${JSON.stringify(index)}`);
    assert.deepEqual(index.info, await ff.probe(file), file);
  }
});

test('reading the index refuses a film cut short or with its index last, and leaves other layouts to ffprobe', async () => {
  const dir = await freshDir('refused');
  const [take] = await takes(dir, 1);
  const cut = path.join(dir, 'cut.mp4');
  await writeFile(cut, await readFile(take!.file));
  await truncate(cut, (await stat(cut)).size - 1000);
  const short = await readMp4Index(cut);
  assert.ok(short && 'problem' in short, JSON.stringify(short));
  assert.match(short.problem, /runs past the end of the file/);

  const last = path.join(dir, 'last.mp4');
  await ffmpeg(['-i', take!.file, '-c', 'copy', last]);
  assert.deepEqual(await readMp4Index(last), { problem: 'the index (moov) comes after the media data, not at the front' });

  // Fragmented MP4 (no single index): not read here, so ffprobe decides.
  const fragmented = path.join(dir, 'fragmented.mp4');
  await ffmpeg(['-i', take!.file, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', fragmented]);
  assert.equal(await readMp4Index(fragmented), null);
});
