// Durable file writes: temp file in the same folder, write, fsync, rename, fsync the folder.
// A crash at any point leaves either the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // A full disk fails the write half-way: the partial temp file must not stay behind beside the project.
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Appends one line and flushes it to disk before returning. */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'a', 0o600);
  try {
    await handle.appendFile(line.endsWith('\n') ? line : line + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename itself durable. Windows cannot open folders; skip there.
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** `abs` relative to `root`, with forward slashes (how project.json stores paths on every system). */
export function relativePosix(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** Resolves `rel` inside `root`, refusing anything that would escape it. */
export function insideRoot(root: string, rel: string): string | null {
  const abs = path.resolve(root, rel);
  const relBack = path.relative(root, abs);
  if (relBack === '' || relBack.startsWith('..') || path.isAbsolute(relBack)) return null;
  return abs;
}

/**
 * The real path of `rel` (a project-relative path with forward slashes, e.g. `media/a.mp4`) when it is a
 * regular file that stays inside one of the project's `areas` (e.g. `media`, `exports`) after every
 * symlink is resolved, or null. Refused on the way: `.` and `..` segments, any dotfile or dot-folder
 * (`.env`, `.storyreel/`, hidden partial files), backslashes, colons (Windows streams and drives), NUL,
 * an area that is itself a link to somewhere else, and a link inside an area that points out of it.
 * The one check every path from a project file or a URL goes through before it is read or played.
 */
export async function containedFile(root: string, rel: string, areas: readonly string[]): Promise<string | null> {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > 4096) return null;
  const segments = rel.split('/');
  if (!segments.every(safeSegment)) return null;
  const area = segments[0]!;
  if (!areas.includes(area) || segments.length < 2) return null;
  try {
    const realRoot = await fs.realpath(root);
    const realArea = await fs.realpath(path.join(realRoot, area));
    // The area itself must be the project's own folder, not a link to another place.
    if (realArea !== path.join(realRoot, area)) return null;
    const real = await fs.realpath(path.join(realRoot, ...segments));
    const inside = path.relative(realArea, real);
    if (!inside || path.isAbsolute(inside) || !inside.split(path.sep).every(safeSegment)) return null;
    const stat = await fs.stat(real);
    return stat.isFile() ? real : null;
  } catch {
    return null;
  }
}

function safeSegment(segment: string): boolean {
  return segment.length > 0 && segment.length <= 255 && !segment.startsWith('.') && !/[\\/:]/.test(segment) && !segment.includes('\0');
}

export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}
