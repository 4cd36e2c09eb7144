// A music bed for the export: the file the creator picks in main's dialog is copied into the project
// (media/music/), so the project stays whole when moved and an export never reads a path the window names.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { MusicPick } from '../../../shared/export-options.ts';
import { containedFile, newId } from '../fsutil.ts';
import type { Session } from '../session.ts';

/** Where picked music beds are kept; "Clean up unused media" leaves this folder alone. */
export const MUSIC_DIR = 'media/music';

export const MUSIC_EXTENSIONS = ['mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg', 'opus'] as const;

/** Copies an audio file ffprobe can read into media/music/<id>/<its name>; returns its project-relative path. */
export async function importMusic(session: Session, file: string): Promise<MusicPick> {
  const ext = path.extname(file).toLowerCase().slice(1);
  const name = path.basename(file);
  if (!(MUSIC_EXTENSIONS as readonly string[]).includes(ext)) throw new AppError('InvalidInput', `A music bed must be an audio file (${MUSIC_EXTENSIONS.join(', ')}); ${name} is not one.`);
  const info = await session.ff.probe(file).catch(() => null);
  if (!info?.audio) throw new AppError('MediaInvalid', `${name} has no sound Storyreel can read. Choose another file.`);
  // A folder of its own keeps the file's own name, which the export's plan then shows (media/music/<id>/<name>).
  const own = name.replace(/[\\/:\0]/g, '-').replace(/^\.+/, '');
  const safe = own.length > 0 && own.length <= 120 ? own : `music.${ext}`;
  const rel = `${MUSIC_DIR}/${newId('mus').slice(4)}/${safe}`;
  await fs.mkdir(path.dirname(path.join(session.store.dir, rel)), { recursive: true });
  await fs.copyFile(file, path.join(session.store.dir, rel));
  return { file: rel, name, seconds: info.durationSeconds };
}

/** The music bed a window names, as an absolute path: only a regular file under the project's media/. */
export async function musicFile(projectDir: string, rel: string): Promise<string> {
  const real = await containedFile(projectDir, rel, ['media']);
  if (!real) throw new AppError('InvalidInput', 'The music bed is no longer in the project. Choose it again.', { detail: rel.slice(0, 500) });
  return real;
}
