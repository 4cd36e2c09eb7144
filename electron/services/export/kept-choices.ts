// The export panel's choices kept per project between sessions, in .storyreel/export-choices.json (not
// project.json: they are how this creator exports, not the film). Read back only what still holds: a
// music bed moved or deleted since is left out; an unreadable file is as if none were kept.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KeptChoicesSchema, NO_CHOICES, type KeptChoices } from '../../../shared/export-options.ts';
import { writeJsonAtomic } from '../fsutil.ts';
import { musicFile } from './music.ts';

export const keptChoicesFile = (projectDir: string): string => path.join(projectDir, '.storyreel', 'export-choices.json');

/** The choices last kept for the project, or none chosen. */
export async function readKeptChoices(projectDir: string): Promise<KeptChoices> {
  let kept: KeptChoices;
  try {
    kept = KeptChoicesSchema.parse(JSON.parse(await readFile(keptChoicesFile(projectDir), 'utf8')));
  } catch {
    return { ...NO_CHOICES };
  }
  if (kept.music && !(await musicFile(projectDir, kept.music.file).then(() => true, () => false))) kept = { ...kept, music: null };
  return kept;
}

/** Keeps `choices` for the next session; a music bed must be a file inside the project's media/. */
export async function keepChoices(projectDir: string, choices: KeptChoices): Promise<void> {
  if (choices.music) await musicFile(projectDir, choices.music.file);
  await writeJsonAtomic(keptChoicesFile(projectDir), choices);
}

