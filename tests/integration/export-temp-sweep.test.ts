// A killed export leaves temp files in the cache (a conformed take, window or stem half made, the film's
// sound, its join list); the next export of the project removes them, and never those of an export still
// running, in this process or another (whose files are kept fresh while it runs).
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { filmOf } from '../../electron/services/export/film.ts';
import { Ffmpeg, resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { exportFilm } from '../../electron/services/media/stitch.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { conformFixture } from '../helpers/conform-fixture.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-temp-sweep-'));
after(() => fs.rm(root, { recursive: true, force: true }));
const ff = new Ffmpeg(resolveFfmpeg({ env: process.env }));
const hex = (n: number, d: string): string => d.repeat(n);

async function plant(dir: string, rel: string, mtime: Date): Promise<string> {
  const file = path.join(dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, Buffer.alloc(2000));
  await fs.utimes(file, mtime, mtime);
  return file;
}

test('the next export removes the temp files a killed export left in the cache, and keeps a live export\'s and the cache itself', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'swept');
  await conformFixture(dir);
  const cache = path.join(dir, '.storyreel', 'cache');
  const hourAgo = new Date(Date.now() - 3600_000);
  const stale = [
    `conformed/${hex(40, 'a')}.mp4.0a1b2c3d.tmp`,
    `windows/${hex(40, 'b')}.mp4.11223344.tmp`,
    `stems/${hex(40, 'c')}.wav.55667788.tmp`,
    `stems/once-0-${hex(12, 'd')}.wav.99aabbcc.tmp`,
    `.sound-${hex(12, 'e')}.m4a`,
    `.join-${hex(12, 'f')}.ffconcat`,
    'probes.json.4242.tmp',
  ];
  const kept = [
    // The cache itself, however old.
    `conformed/${hex(40, '1')}.mp4`,
    `stems/${hex(40, '2')}.wav`,
    // Not a name an export writes.
    'notes.tmp',
  ];
  for (const rel of [...stale, ...kept]) await plant(cache, rel, hourAgo);
  // Written a moment ago by an export running in another process (the CLI while the app exports).
  const otherLive = [`.sound-${hex(12, '3')}.m4a`, `windows/${hex(40, '4')}.mp4.deadbeef.tmp`];
  for (const rel of otherLive) await plant(cache, rel, new Date());

  const project = await readProject(dir);
  const { clips, transitions } = filmOf(project, dir);
  const lines: string[] = [];
  await fs.mkdir(path.join(dir, 'exports'));
  const result = await exportFilm(ff, clips, path.join(dir, 'exports', 'film.mp4'), project.size, { projectDir: dir, cacheDir: cache, transitions, log: (l) => lines.push(l) });
  assert.ok(result.info.durationSeconds > 0);

  for (const rel of stale) assert.equal(existsSync(path.join(cache, rel)), false, `${rel} was left`);
  for (const rel of [...kept, ...otherLive]) assert.equal(existsSync(path.join(cache, rel)), true, `${rel} was removed`);
  assert.ok(lines.some((l) => /removed 7 temp file\(s\) a stopped export left in the cache/.test(l)), lines.join('\n'));
  // The export's own temp files are gone too: only the cache's pieces and the planted files remain.
  const left = (await fs.readdir(cache, { recursive: true })).filter((n) => /\.tmp$|^\.sound-|^\.join-/.test(path.basename(n)));
  assert.deepEqual(left.sort(), ['notes.tmp', ...otherLive].map((r) => r.split('/').join(path.sep)).sort());
});

test('a temp file an export is writing is kept fresh, so another process never takes it for a leftover', async () => {
  const { sweepCacheTemps, touchLiveTemps, trackTemps, STALE_MS } = await import('../../electron/services/media/temp-files.ts');
  const cache = path.join(root, 'live', 'cache');
  const hourAgo = new Date(Date.now() - 3600_000);
  const sound = await plant(cache, `.sound-${hex(12, '5')}.m4a`, hourAgo);
  const untrack = trackTemps(sound);
  try {
    // This process never sweeps its own.
    assert.deepEqual((await sweepCacheTemps(cache)).removed, []);
    // The heartbeat: what another process's sweep then sees is a file touched just now.
    await touchLiveTemps();
    const age = Date.now() - (await fs.stat(sound)).mtimeMs;
    assert.ok(age < STALE_MS / 10, `touched ${age} ms ago`);
  } finally {
    untrack();
  }
  // Untracked (as in another process), it is young enough to stay; an hour later it is a leftover.
  assert.deepEqual((await sweepCacheTemps(cache)).removed, []);
  assert.deepEqual((await sweepCacheTemps(cache, Date.now() + 3600_000)).removed, [path.basename(sound)]);
});

test('the cache keeps every piece exports use, and lets go of pieces no export has used for two weeks', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'pruned');
  await conformFixture(dir);
  const cache = path.join(dir, '.storyreel', 'cache');
  const project = await readProject(dir);
  const { clips, transitions } = filmOf(project, dir);
  await fs.mkdir(path.join(dir, 'exports'));
  const film = (name: string, log?: (l: string) => void) => exportFilm(ff, clips, path.join(dir, 'exports', name), project.size, { projectDir: dir, cacheDir: cache, transitions, ...(log ? { log } : {}) });
  await film('first.mp4');
  const pieces = (await fs.readdir(cache, { recursive: true })).filter((n) => /^[0-9a-f]{40}\.(mp4|wav)$/.test(path.basename(n)));
  assert.ok(pieces.length >= 4, pieces.join(', '));
  // Three weeks pass; the same cut is exported again. Beside its pieces: one from a cut nobody exports any
  // more, as old, and one an export used three days ago.
  const weeksAgo = new Date(Date.now() - 21 * 24 * 3600_000);
  for (const rel of pieces) await fs.utimes(path.join(cache, rel), weeksAgo, weeksAgo);
  const forgotten = await plant(cache, `windows/${hex(40, 'e')}.mp4`, weeksAgo);
  const recent = await plant(cache, `copies/${hex(40, 'f')}.mp4`, new Date(Date.now() - 3 * 24 * 3600_000));
  const lines: string[] = [];
  await film('second.mp4', (l) => lines.push(l));
  assert.equal(existsSync(forgotten), false, 'the forgotten piece is removed');
  assert.equal(existsSync(recent), true, 'a piece used three days ago stays');
  for (const rel of pieces) assert.equal(existsSync(path.join(cache, rel)), true, `${rel}, used by this export, stays`);
  assert.ok(lines.some((l) => /removed 1 cached piece\(s\) no export has used for 14 days/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /kept from earlier exports: (\d+) of \1 conformed takes, (\d+) of \2 windows/.test(l)), `nothing was encoded again: ${lines.join('\n')}`);
});
