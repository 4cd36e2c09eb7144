// Reference images: copied into the project when the creator picks one, and fitted to the output size once,
// before they are sent anywhere.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { ProjectChange } from '../../../shared/change.ts';
import { containedFile, newId } from '../fsutil.ts';
import { fitImage } from '../media/animatic.ts';
import type { Session } from '../session.ts';

/**
 * Copies an image into the project (media/refs/<stem>-….ext) and returns its path relative to the project.
 * The file must be a PNG, JPEG or WebP that ffprobe can read; the original is left where it was.
 */
export async function importReference(session: Session, sceneId: string, file: string): Promise<ProjectChange> {
  return session.store.setReference(sceneId, await copyImage(session, sceneId, file));
}

/** Copies an image into the project and makes it the keyframe this scene shares with the next (shared/continuity.ts). */
export async function importKeyframe(session: Session, sceneId: string, file: string): Promise<ProjectChange> {
  return session.store.setBoundaryKeyframe(sceneId, await copyImage(session, sceneId, file));
}

/** Copies a PNG, JPEG or WebP that ffprobe can read into media/refs/<stem>-…; returns its project-relative path. */
export async function copyImage(session: Session, stem: string, file: string): Promise<string> {
  const { store } = session;
  const ext = path.extname(file).toLowerCase();
  if (!['.png', '.jpg', '.jpeg', '.webp'].includes(ext)) throw new AppError('InvalidInput', 'A reference image must be a PNG, JPEG or WebP file.');
  const info = await session.ff.probe(file).catch(() => null);
  if (!info?.video || info.video.width < 16 || info.video.height < 16) throw new AppError('MediaInvalid', `${path.basename(file)} is not an image Storyreel can read.`);
  const rel = `media/refs/${stem}-${newId('ref').slice(4)}${ext}`;
  await fs.mkdir(path.join(store.dir, 'media', 'refs'), { recursive: true });
  await fs.copyFile(file, path.join(store.dir, rel));
  return rel;
}

/** Resizes/pads a scene's reference image to the output size once, before it is sent anywhere. */
export async function fittedReference(session: Session, rel: string, size: string): Promise<string> {
  const src = await containedFile(session.store.dir, rel, ['media']);
  if (!src) throw new AppError('InvalidInput', "The reference image must be a file inside the project's media folder.");
  const out = session.store.stateDir('refs', `${path.basename(rel).replace(/\.[^.]+$/, '')}-${size}.png`);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fitImage(session.ff, src, out, size);
  return out;
}
