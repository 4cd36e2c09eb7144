// A project is a folder: project.json, media/ (downloaded takes, thumbnails, reference images),
// exports/, and .storyreel/ (job ledger, spend ledger, caches). This module makes new projects and reads
// project.json (migrated and validated, corrupt or newer files refused) without ever writing it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { readProjectBytes, type LoadedProject } from '../../../shared/project-file.ts';
import { PROJECT_FILE, PROJECT_FORMAT_VERSION, ProjectSchema, type Project, type Scene } from '../../../shared/project.ts';
import { newId, writeJsonAtomic } from '../fsutil.ts';

export const MEDIA_DIR = 'media';
export const EXPORTS_DIR = 'exports';
export const STATE_DIR = '.storyreel';

export interface NewProjectOptions {
  title?: string;
  provider?: string;
  model?: string;
  size?: string;
  style?: string;
  scenes?: Array<{ prompt: string; seconds: number }>;
}

export function newScene(prompt = '', seconds = 4): Scene {
  return { id: newId('scene'), prompt, seconds, transition: 'cut', caption: null, continuity: 'none', referenceImage: null, takes: [], chosenTake: null, lastError: null };
}

export function blankProject(opts: NewProjectOptions = {}): Project {
  const now = new Date().toISOString();
  return {
    formatVersion: PROJECT_FORMAT_VERSION,
    id: newId('proj'),
    title: opts.title ?? 'Untitled film',
    provider: opts.provider ?? 'preview',
    model: opts.model ?? 'animatic',
    size: opts.size ?? '1280x720',
    style: opts.style ?? '',
    scenes: (opts.scenes ?? []).map((s) => newScene(s.prompt, s.seconds)),
    createdAt: now,
    updatedAt: now,
  };
}

/** Reads, migrates and validates project.json. Throws ProjectCorrupt / ProjectTooNew / NotFound; never writes. */
export async function loadProject(dir: string): Promise<LoadedProject & { bytes: Uint8Array }> {
  const file = path.join(dir, PROJECT_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NotFound', `There is no Storyreel project in ${dir} (no ${PROJECT_FILE}).`);
    throw err;
  }
  return { ...readProjectBytes(bytes, `${PROJECT_FILE} in ${dir}`), bytes };
}

/** The project in a folder, as it would open (migrated, defaults filled in, repairs made); never writes. */
export async function readProject(dir: string): Promise<Project> {
  return (await loadProject(dir)).project;
}

/** Creates the folder layout and project.json. Refuses to overwrite an existing project. */
export async function createProject(dir: string, opts: NewProjectOptions = {}): Promise<Project> {
  await fs.mkdir(dir, { recursive: true });
  try {
    await fs.access(path.join(dir, PROJECT_FILE));
    throw new AppError('InvalidInput', `${dir} already holds a Storyreel project.`);
  } catch (err) {
    if (err instanceof AppError) throw err;
  }
  const project = blankProject(opts);
  await Promise.all([MEDIA_DIR, EXPORTS_DIR, STATE_DIR].map((d) => fs.mkdir(path.join(dir, d), { recursive: true })));
  await writeJsonAtomic(path.join(dir, PROJECT_FILE), ProjectSchema.parse(project));
  return project;
}
