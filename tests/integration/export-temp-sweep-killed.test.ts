// A fast-path export killed outright (SIGKILL: no handler runs, nothing is cleaned up) in the middle of
// its last ffmpeg leaves its scratch folder (the join lists) and its hidden partial film; the next export
// of the project removes all of it once it is stale, in the cache, beside the film and in the system's temp.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../helpers/e2e.ts';
import { BIN } from '../helpers/module-cli.ts';
import { ffmpeg, scratch } from '../helpers/scratch.ts';

const { freshDir } = await scratch('storyreel-killed-export-');

/** A project of `count` chosen takes of `seconds` each (a small picture and a tone), all cuts: the fast path. */
async function fastProject(dir: string, count: number, seconds: number): Promise<void> {
  await fs.mkdir(path.join(dir, 'media'), { recursive: true });
  await Promise.all(
    Array.from({ length: count }, (_, k) =>
      ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=64x36:r=30:d=${seconds}`, '-f', 'lavfi', '-i', `sine=f=${400 + 50 * k}:d=${seconds}:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', path.join(dir, 'media', `take${k + 1}.mp4`)]),
    ),
  );
  const scenes = Array.from({ length: count }, (_, k) => ({
    prompt: `Scene ${k + 1}`,
    seconds,
    transition: 'cut',
    takes: [{ id: `take${k}`, jobId: `job${k}`, provider: 'preview', model: 'animatic', file: `media/take${k + 1}.mp4`, thumbnail: null, seconds, size: '64x36', prompt: '', providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0 }],
    chosenTake: `take${k}`,
  }));
  await fs.writeFile(path.join(dir, 'project.json'), JSON.stringify({ formatVersion: 2, title: 'Killed', provider: 'preview', model: 'animatic', size: '64x36', scenes }, null, 2));
}

/** `storyreel export <dir>` in its own process group (so it and its ffmpeg can be killed together), with its own temp folder. */
function exportIn(dir: string, tmp: string) {
  const child = spawn(process.execPath, [BIN, 'export', dir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

/** Every file and folder under `dir`, relative, sorted. */
const everything = async (dir: string): Promise<string[]> => ((await fs.readdir(dir, { recursive: true }).catch(() => [])) as string[]).sort();

/** What Storyreel put in the temp folder `tmp` (not tsx's compile cache, when the CLI runs from source). */
const ours = async (tmp: string): Promise<string[]> => (await everything(tmp)).filter((f) => !f.startsWith('tsx-'));

/** Ages everything under `dirs` by an hour, as if the killed export had stopped that long ago. */
async function ageAll(...dirs: string[]): Promise<void> {
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const dir of dirs) for (const rel of await everything(dir)) await fs.utimes(path.join(dir, rel), hourAgo, hourAgo);
}

test('a fast-path export killed mid-way leaves nothing once the next export of the project has swept', { timeout: 180000 }, async () => {
  const dir = await freshDir('project');
  const tmp = await freshDir('tmp');
  // Two minutes of sound to encode: the last ffmpeg runs long enough to be caught.
  await fastProject(dir, 4, 30);
  const exportsDir = path.join(dir, 'exports');
  const cache = path.join(dir, '.storyreel', 'cache');

  const killed = exportIn(dir, tmp);
  // The last ffmpeg is writing the film: its hidden partial file is there, and so are its join lists.
  await waitFor(async () => (await everything(exportsDir)).some((f) => f.endsWith('.part')), 60_000, 'the export writes its partial film');
  process.kill(-killed.child.pid!, 'SIGKILL');
  const end = await killed.done;
  assert.equal(end.signal, 'SIGKILL', end.stderr);
  const leftovers = [...(await everything(exportsDir)), ...(await ours(tmp)), ...(await everything(cache)).filter((f) => !f.startsWith('stems') && f !== 'probes.json')];
  assert.ok(leftovers.length > 0, 'the killed export left its files');

  await ageAll(exportsDir, tmp, cache);
  const next = await exportIn(dir, tmp).done;
  assert.equal(next.code, 0, next.stderr);
  const films = await everything(exportsDir);
  assert.equal(films.length, 1, films.join(', '));
  assert.match(films[0]!, /^killed-.*\.mp4$/);
  assert.deepEqual(await ours(tmp), [], 'nothing is left in the temp folder');
  // The cache holds its checks and the takes' sound stems, and nothing an export was writing.
  const cached = await everything(cache);
  assert.deepEqual(cached.filter((f) => f !== 'probes.json' && f !== 'stems' && !/^stems\/[0-9a-f]{40}\.wav$/.test(f)), [], cached.join(', '));
  assert.match(await fs.readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8'), /removed \d+ temp file\(s\) a stopped export left in the cache/);
});
