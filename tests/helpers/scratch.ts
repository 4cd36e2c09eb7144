// A test file's own temporary folder, removed when the file's tests are done, with a fresh folder in it per
// case; and ffmpeg run quietly on the test's fixtures.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

const exec = promisify(execFile);

export interface Scratch {
  root: string;
  /** A new folder under root, `<name>-<n>`; with `media`, a media/ folder in it too (a project's shape). */
  freshDir(name?: string): Promise<string>;
}

/** Call at the top of a test file: the folder is removed after its tests. */
export async function scratch(prefix: string, o: { media?: boolean } = {}): Promise<Scratch> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  after(() => rm(root, { recursive: true, force: true }));
  let n = 0;
  return {
    root,
    freshDir: async (name = 'case') => {
      const dir = path.join(root, `${name}-${++n}`);
      await mkdir(o.media ? path.join(dir, 'media') : dir, { recursive: true });
      return dir;
    },
  };
}

/** ffmpeg (the one the app would use) with `args`, errors only, overwriting its output. */
export const ffmpeg = (args: string[]) => exec(resolveFfmpeg({ env: process.env }).ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
