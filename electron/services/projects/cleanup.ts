// "Clean up unused media": files under media/ that nothing in the project refers to any more (takes and
// thumbnails of deleted scenes, replaced reference images). Conservative on purpose: a file is kept when any
// value in project.json names it, when it shares its base name with one that is named (a take's thumbnail or
// last frame), when its name carries the id of a job that is not finished (a paid job is never lost), or
// when it is a music bed chosen for exports (media/music/: the creator's own file, named by the window only).
// The window is shown the list and its size first; removal takes only files that are still unused then.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../../shared/project.ts';
import { MUSIC_DIR } from '../export/music.ts';
import { MEDIA_DIR } from './store.ts';

export interface UnusedFile {
  /** Relative to the project folder, with forward slashes. */
  path: string;
  bytes: number;
}

/** Every string anywhere in the project (fields this version does not know included). */
function strings(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value.replace(/\\/g, '/'));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** "media/scene_a-job_b.mp4" → "scene_a-job_b": a take, its thumbnail and its last frame share it. */
const baseOf = (rel: string): string => path.posix.basename(rel).split('.')[0] ?? rel;

async function walk(root: string, rel: string, out: UnusedFile[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(root, child, out);
    else if (e.isFile()) out.push({ path: child, bytes: (await fs.stat(path.join(root, child)).catch(() => ({ size: 0 }))).size });
  }
}

export async function findUnusedMedia(dir: string, project: Project, activeJobIds: readonly string[]): Promise<UnusedFile[]> {
  const named = strings(project, new Set());
  const namedBases = new Set([...named].filter((s) => s.startsWith(`${MEDIA_DIR}/`)).map(baseOf));
  const files: UnusedFile[] = [];
  await walk(dir, MEDIA_DIR, files);
  return files
    .filter((f) => !named.has(f.path) && !namedBases.has(baseOf(f.path)) && !activeJobIds.some((id) => f.path.includes(id)) && !f.path.startsWith(`${MUSIC_DIR}/`))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Removes the listed files that are still unused now; returns what was removed. */
export async function removeUnusedMedia(dir: string, project: Project, activeJobIds: readonly string[], wanted: readonly string[]): Promise<UnusedFile[]> {
  const still = new Map((await findUnusedMedia(dir, project, activeJobIds)).map((f) => [f.path, f]));
  const removed: UnusedFile[] = [];
  for (const rel of new Set(wanted)) {
    const f = still.get(rel);
    if (!f) continue; // named again since, or gone, or never a media file: left alone
    await fs.rm(path.join(dir, rel), { force: true });
    removed.push(f);
  }
  return removed;
}
