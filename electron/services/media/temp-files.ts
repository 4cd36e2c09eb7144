// Temporary files an export writes for a moment, and sweeping the ones a killed export left. In the
// cache (.storyreel/cache): a conformed body, window, copied body, sound stem or a take's stream facts
// being made (`<file>.<8 hex>.tmp` in conformed/, windows/, copies/, stems/, streams/), the film's sound
// (`.sound-<12 hex>.m4a`), its join lists (`.join-<12 hex>.ffconcat`), the two-frame check that x264
// encodes like the takes (`.match-<12 hex>.mp4`, `matched.json`) and an export's scratch folder
// (`.export-<6 chars>/`: the fast path's join lists, burned-in captions' text); beside the film, its
// hidden `.part` (stitch.ts).
//
// Which are stale: the same rule as the hidden partial exports, made safe for files that sit idle while
// their export runs (the sound waits for the picture; a short take's piece waits for its batch). This
// process never sweeps a file it is writing; and every live temp file is touched every HEARTBEAT_MS, so
// one untouched for STALE_MS belongs to no running export in any process (the CLI and the app can both
// export one project). A killed export's files are removed by the next export of the project after that.
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Files an export of this process is writing now: never stale, whatever their age. */
const live = new Set<string>();
/** How often a live temp file is touched. */
export const HEARTBEAT_MS = 20_000;
/** A temp file nobody has touched for this long was left by an export that was killed. */
export const STALE_MS = 5 * 60_000;

let timer: ReturnType<typeof setInterval> | null = null;

/** Touches every live temp file that exists (one still to be created, or gone, is skipped). */
export async function touchLiveTemps(now = new Date()): Promise<void> {
  await Promise.all([...live].map((f) => utimes(f, now, now).catch(() => {})));
}

/** Marks `files` as being written by this process until the returned function is called. */
export function trackTemps(...files: string[]): () => void {
  for (const f of files) live.add(f);
  if (!timer) {
    timer = setInterval(() => void touchLiveTemps(), HEARTBEAT_MS);
    timer.unref?.();
  }
  return () => {
    for (const f of files) live.delete(f);
    if (!live.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export const isLiveTemp = (file: string): boolean => live.has(file);

/** A piece being made in the cache, beside the file it becomes. */
const PIECE_TEMP = /^(?:[0-9a-f]{40}|once-\d+-[0-9a-f]{12})(?:\.(?:mp4|wav)|-\d+\.json)\.[0-9a-f]{8}\.tmp$/;
/** The film's sound and its join list, at the top of the cache. */
const RENDER_TEMP = /^(?:\.(?:sound-[0-9a-f]{12}\.m4a|join-[0-9a-f]{12}\.ffconcat|match-[0-9a-f]{12}\.mp4)|matched\.json\.[0-9a-f]{8}\.tmp)$/;
/** The probe cache being written (probe-cache.ts). */
const PROBES_TEMP = /^probes\.json\.\d+\.tmp$/;
/** An export's scratch folder, at the top of the cache (exportScratch). */
const SCRATCH = /^\.export-[A-Za-z0-9]{6}$/;

/**
 * A new folder for an export's own working files: in `cacheDir`, where the next export's sweep finds it
 * should this one be killed (track it with trackTemps while it is used), or the system's temp without one.
 */
export async function exportScratch(cacheDir?: string): Promise<string> {
  if (!cacheDir) return mkdtemp(path.join(tmpdir(), 'storyreel-export-'));
  await mkdir(cacheDir, { recursive: true });
  return mkdtemp(path.join(cacheDir, '.export-'));
}

/**
 * Removes the temp files a killed export left in `cacheDir` (…/.storyreel/cache): regular files with
 * the names above, not written by this process, untouched for STALE_MS. Returns the removed names,
 * relative to `cacheDir`, and their bytes.
 */
export async function sweepCacheTemps(cacheDir: string, now = Date.now()): Promise<{ removed: string[]; bytes: number }> {
  const removed: string[] = [];
  let bytes = 0;
  const sweep = async (sub: string, match: RegExp): Promise<void> => {
    const folder = path.join(cacheDir, sub);
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const full = path.join(folder, name);
      if (!match.test(name) || live.has(full)) continue;
      const st = await stat(full).catch(() => null);
      if (!st?.isFile() || now - st.mtimeMs < STALE_MS) continue;
      await rm(full, { force: true }).then(
        () => {
          removed.push(sub ? `${sub}/${name}` : name);
          bytes += st.size;
        },
        () => {},
      );
    }
  };
  await sweep('', RENDER_TEMP);
  await sweep('', PROBES_TEMP);
  for (const sub of ['conformed', 'windows', 'copies', 'stems', 'streams']) await sweep(sub, PIECE_TEMP);
  // Scratch folders: stale when neither the folder nor anything in it was touched for STALE_MS.
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    const full = path.join(cacheDir, name);
    if (!SCRATCH.test(name) || live.has(full)) continue;
    const st = await stat(full).catch(() => null);
    if (!st?.isDirectory()) continue;
    const inside = await readdir(full).catch(() => [] as string[]);
    const files = (await Promise.all(inside.map((n) => stat(path.join(full, n)).catch(() => null)))).filter((s) => s !== null);
    if (now - Math.max(st.mtimeMs, ...files.map((s) => s.mtimeMs)) < STALE_MS) continue;
    await rm(full, { recursive: true, force: true }).then(
      () => {
        removed.push(`${name}/`);
        bytes += files.reduce((n, s) => n + (s.isFile() ? s.size : 0), 0);
      },
      () => {},
    );
  }
  return { removed, bytes };
}
