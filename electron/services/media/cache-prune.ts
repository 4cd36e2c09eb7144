// The export cache's pieces (conformed bodies, windows, copied bodies, sound stems) are kept for the next
// export, which reuses what has not changed. Each use touches a piece (its mtime is when an export last
// used it), so one no export has used for CACHE_KEEP_DAYS belongs to a cut nobody exports any more, and
// is removed: without this the cache grew by every changed take's pieces, forever.
//
// A running export in another process touches every piece it reuses when it plans (windowed.ts, stems),
// before it reads them, so a piece in use is never that old.
import { createHash } from 'node:crypto';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

export const CACHE_KEEP_DAYS = 14;
const DAY_MS = 24 * 3600_000;
/** A finished piece: its content key and kind (temp files are temp-files.ts's). */
const PIECE = /^[0-9a-f]{40}\.(?:mp4|wav)$/;
const DIRS = ['conformed', 'windows', 'copies', 'stems'];

/** A piece's file name in the cache: a hash of what it is made of and how. */
export const pieceKey = (...parts: Array<string | number>): string => createHash('sha1').update(parts.join('|')).digest('hex');

/** Whether `file` is in the cache; if it is, it is marked as used now, so the clean-up keeps it. */
export async function reusePiece(file: string, now = new Date()): Promise<boolean> {
  if (!(await stat(file).then((s) => s.isFile(), () => false))) return false;
  await utimes(file, now, now).catch(() => {});
  return true;
}

/** Removes the pieces in `cacheDir` that no export has used for CACHE_KEEP_DAYS; their count and bytes. */
export async function pruneCache(cacheDir: string, now = Date.now()): Promise<{ removed: number; bytes: number }> {
  let removed = 0;
  let bytes = 0;
  for (const dir of DIRS) {
    for (const name of await readdir(path.join(cacheDir, dir)).catch(() => [] as string[])) {
      if (!PIECE.test(name)) continue;
      const file = path.join(cacheDir, dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile() || now - st.mtimeMs < CACHE_KEEP_DAYS * DAY_MS) continue;
      await rm(file, { force: true }).then(
        () => {
          removed += 1;
          bytes += st.size;
        },
        () => {},
      );
    }
  }
  return { removed, bytes };
}
