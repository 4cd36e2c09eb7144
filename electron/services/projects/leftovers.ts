// What a crash leaves in a project folder, and removing it when the project is opened again. Only names
// Storyreel itself writes for a moment are touched, only regular files, and only files older than this
// process: the project lock is already ours, so nothing else is writing them.
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';

/** A durable write's temp file (fsutil writeFileAtomic): `.<name>.<pid>.<8 hex>.tmp`. */
const ATOMIC_TEMP = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;
/** A hidden partial export and its concat list (stitch exportFilm): `.<film>.mp4.<8 hex>.part[.ffconcat]`. */
const PARTIAL_EXPORT = /^\..+\.[0-9a-f]{8}\.part(?:\.ffconcat)?$/;
/** A conform package being written (export/interchange/package.ts): a hidden folder `.<name>.<pid>.<8 hex>.part/`. */
const PARTIAL_PACKAGE = /^\..+\.\d+\.[0-9a-f]{8}\.part$/;
/** A thumbnail or last frame being fetched beside a take (jobs engine). Paid downloads live elsewhere and resume. */
const PARTIAL_STILL = /\.(?:thumb|last)\.part$/;

/** When this process started, in ms since the epoch. */
export function processStartedAt(): number {
  return Date.now() - process.uptime() * 1000;
}

/**
 * Removes leftovers in `dir` (a project folder): temp files from atomic writes beside project.json and
 * anywhere under .storyreel/ (never its downloads/, which resume paid downloads), hidden partial exports
 * in exports/, and partial stills in media/. Returns what was removed (project-relative paths).
 */
export async function removeLeftovers(dir: string, opts: { olderThan?: number; log?: (line: string) => void } = {}): Promise<string[]> {
  const before = opts.olderThan ?? processStartedAt();
  const removed: string[] = [];
  let bytes = 0;
  const sweep = async (folder: string, match: RegExp, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth > 0 && entry.name !== 'downloads') await sweep(full, match, depth - 1);
        continue;
      }
      if (!entry.isFile() || !match.test(entry.name)) continue;
      try {
        const stat = await fs.lstat(full);
        if (!stat.isFile() || stat.mtimeMs >= before) continue;
        await fs.rm(full, { force: true });
        removed.push(path.relative(dir, full).split(path.sep).join('/'));
        bytes += stat.size;
      } catch {
        // Gone already, or not ours to remove: leave it.
      }
    }
  };
  await sweep(dir, ATOMIC_TEMP, 0);
  await sweep(path.join(dir, '.storyreel'), ATOMIC_TEMP, 3);
  await sweep(path.join(dir, 'exports'), PARTIAL_EXPORT, 0);
  await sweep(path.join(dir, 'media'), PARTIAL_STILL, 0);
  // Half-written conform packages: whole hidden folders, only in exports/, only older than this process.
  try {
    for (const entry of await fs.readdir(path.join(dir, 'exports'), { withFileTypes: true })) {
      if (!entry.isDirectory() || !PARTIAL_PACKAGE.test(entry.name)) continue;
      const full = path.join(dir, 'exports', entry.name);
      const stat = await fs.lstat(full);
      if (!stat.isDirectory() || stat.mtimeMs >= before) continue;
      await fs.rm(full, { recursive: true, force: true });
      removed.push(`exports/${entry.name}/`);
    }
  } catch {
    // no exports/ yet, or a folder that is not ours to remove: leave it
  }
  if (removed.length) opts.log?.(`project ${dir}: removed ${removed.length} leftover file(s) from an earlier run (${(bytes / 1e6).toFixed(1)} MB)`);
  return removed;
}
