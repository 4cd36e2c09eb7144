// What serving a project's files needs, for the app's storyreel-media:// protocol and the test bridge alike.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { containedFile } from './fsutil.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The bytes a `Range: bytes=a-b` header asks for in a file of `size` bytes (inclusive), "unsatisfiable"
 * (answer 416) when it starts past the end, or null when there is no usable range (answer the whole file).
 */
export function byteRange(header: string | null | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /bytes=(\d*)-(\d*)/.exec(header ?? '');
  if (!m || size <= 0 || (!m[1] && !m[2])) return null;
  const start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]));
  const end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}

/** The only folders of a project the window may read from. */
export const SERVED_AREAS = ['media', 'exports'] as const;

export interface OpenedFile {
  /** The real path (symlinks resolved) that was opened. */
  file: string;
  size: number;
  type: string;
  /** Open for reading; whoever gets it closes it (a read stream made from it does so when it ends). */
  handle: fs.FileHandle;
}

/**
 * Opens the file a media URL names in the project at `root`, or answers null (serve 404). `urlPath` is
 * the URL's path as it arrived, still percent-encoded (`/media/a%20b.mp4`): each segment is decoded on
 * its own, an encoded slash or backslash inside a segment is refused rather than turned into a separator, and
 * the result must pass containedFile: a regular file under media/ or exports/ after resolving real
 * paths, no dotfiles. The file is opened without following a last-moment symlink and checked again.
 * Used by the app's storyreel-media:// protocol and the test bridge's /media route alike.
 */
export async function openProjectFile(root: string | null | undefined, urlPath: string): Promise<OpenedFile | null> {
  if (!root || urlPath.length > 4096) return null;
  let segments: string[];
  try {
    segments = urlPath.replace(/^\/+/, '').split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.some((s) => /[\\/]/.test(s))) return null;
  const real = await containedFile(root, segments.join('/'), SERVED_AREAS);
  if (!real) return null;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (stat.isFile()) return { file: real, size: stat.size, type: contentType(real), handle };
  } catch {
    // Fall through: not servable.
  }
  await handle.close();
  return null;
}
