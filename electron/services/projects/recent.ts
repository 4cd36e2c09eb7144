// The recent-projects list: most recent first, one entry per folder, pruned of folders that no longer hold a
// project. Kept by the settings store (electron-store in the app, memory elsewhere); the window, the
// application menu and the OS's recent documents all read it from here. Nothing here imports electron.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_FILE } from '../../../shared/project.ts';

export interface RecentProject {
  /** Absolute folder of the project. */
  dir: string;
  /** The title when it was last open (for display; the file may have changed since). */
  title: string;
  /** ISO time it was last opened. */
  openedAt: string;
}

/** Where the list is kept. */
export interface RecentStore {
  recentProjects(): RecentProject[];
  setRecentProjects(list: RecentProject[]): void;
}

export const MAX_RECENT = 10;

/** The same folder written two ways (a trailing slash, `..`) is one entry. */
const key = (dir: string): string => path.resolve(dir);

/** `list` with `entry` at the front and no other entry for its folder, at most `max` long. Pure. */
export function withRecent(list: readonly RecentProject[], entry: RecentProject, max = MAX_RECENT): RecentProject[] {
  const dir = key(entry.dir);
  return [{ ...entry, dir }, ...list.filter((r) => key(r.dir) !== dir)].slice(0, max);
}

/** `list` without the folder. Pure. */
export function withoutRecent(list: readonly RecentProject[], dir: string): RecentProject[] {
  return list.filter((r) => key(r.dir) !== key(dir));
}

/** Whether a folder still holds a project (its project.json is a file). */
export async function holdsProject(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(dir, PROJECT_FILE))).isFile();
  } catch {
    return false;
  }
}

/** A list kept in memory (the CLI and the tests). */
export class MemoryRecentStore implements RecentStore {
  private list: RecentProject[] = [];
  recentProjects(): RecentProject[] {
    return [...this.list];
  }
  setRecentProjects(list: RecentProject[]): void {
    this.list = [...list];
  }
}

export class RecentProjects {
  constructor(
    private readonly store: RecentStore,
    private readonly exists: (dir: string) => Promise<boolean> = holdsProject,
  ) {}

  /** Records a project as just opened (moves it to the front). */
  add(dir: string, title: string, now = new Date()): RecentProject[] {
    const next = withRecent(this.store.recentProjects(), { dir, title, openedAt: now.toISOString() });
    this.store.setRecentProjects(next);
    return next;
  }

  /** Keeps the title shown for a folder up to date without moving it. */
  retitle(dir: string, title: string): void {
    const list = this.store.recentProjects();
    if (!list.some((r) => key(r.dir) === key(dir) && r.title !== title)) return;
    this.store.setRecentProjects(list.map((r) => (key(r.dir) === key(dir) ? { ...r, title } : r)));
  }

  remove(dir: string): RecentProject[] {
    const next = withoutRecent(this.store.recentProjects(), dir);
    this.store.setRecentProjects(next);
    return next;
  }

  clear(): void {
    this.store.setRecentProjects([]);
  }

  /** The list as stored, without checking the disk (for the menu, which is rebuilt often). */
  peek(): RecentProject[] {
    return this.store.recentProjects();
  }

  /** The list, most recent first, with folders that no longer hold a project dropped (and forgotten). */
  async list(): Promise<RecentProject[]> {
    const list = this.store.recentProjects();
    const alive = await Promise.all(list.map((r) => this.exists(r.dir)));
    const kept = list.filter((_, i) => alive[i]);
    if (kept.length !== list.length) this.store.setRecentProjects(kept);
    return kept;
  }

  /** Whether a folder is on the list: the window may reopen only these by name (others go through the picker). */
  has(dir: string): boolean {
    return this.store.recentProjects().some((r) => key(r.dir) === key(dir));
  }
}
