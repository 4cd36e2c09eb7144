// Past exports of a project, kept in .storyreel/exports.json: the file, when, how long, the preset, and the
// cut it was made from (shared/export-history.ts says whether that cut is older than the one now). Written
// by the app's export service and by `storyreel export` after a film is complete; newest first.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PastExportSchema, type PastExport } from '../../../shared/export-history.ts';
import { exists, writeJsonAtomic } from '../fsutil.ts';
import { Mutex } from '../mutex.ts';

/** Kept per project; the oldest are forgotten (their files stay where they are). */
const KEEP = 50;
const FileSchema = z.object({ version: z.literal(1), exports: z.array(z.unknown()) });

export const historyFile = (projectDir: string): string => path.join(projectDir, '.storyreel', 'exports.json');

// One writer at a time per file within a process (two exports can finish together).
const locks = new Map<string, Mutex>();

/** The recorded exports, newest first; an unreadable file or entry is skipped (it is a record, not the films). */
async function read(projectDir: string): Promise<PastExport[]> {
  try {
    const data = FileSchema.parse(JSON.parse(await readFile(historyFile(projectDir), 'utf8')));
    return data.exports.flatMap((e) => {
      const parsed = PastExportSchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    });
  } catch {
    return [];
  }
}

export async function recordExport(projectDir: string, entry: PastExport): Promise<void> {
  const file = historyFile(projectDir);
  let lock = locks.get(file);
  if (!lock) locks.set(file, (lock = new Mutex()));
  await lock.run(async () => {
    const { missing: _missing, ...kept } = entry;
    const all = [kept, ...(await read(projectDir)).filter((e) => e.id !== entry.id)].slice(0, KEEP);
    await writeJsonAtomic(file, { version: 1, exports: all });
  });
}

/** The past exports, newest first, each marked `missing` when its file is gone. */
export async function listExports(projectDir: string): Promise<PastExport[]> {
  const all = await read(projectDir);
  return Promise.all(all.map(async (e) => ((await exists(path.join(projectDir, e.file))) ? e : { ...e, missing: true })));
}
