// Editing the project bible (shared/bible.ts) and a scene's composer parts (shared/composer.ts). The window sends the whole bible as the creator edits it;
// image paths come only from main (addBibleImage copies the file into media/refs/), so an edit may keep or
// drop an entry's images but never name a new path.
import { MAX_ENTRY_IMAGES, type Bible, type BibleKind, type StylePresetId } from '../../../shared/bible.ts';
import type { ProjectChange } from '../../../shared/change.ts';
import { composeParts, type Composer } from '../../../shared/composer.ts';
import { AppError } from '../../../shared/errors.ts';
import { MAX_PROMPT_CHARS } from '../../../shared/project.ts';
import { newId } from '../fsutil.ts';
import { copyImage } from '../generation/references.ts';
import type { Session } from '../session.ts';
import type { ProjectStore } from './store.ts';

export interface BibleEdit {
  entries: Array<{ id?: string | undefined; kind: BibleKind; name: string; description: string; images: string[] }>;
  presets: StylePresetId[];
}

export async function updateBible(store: ProjectStore, edit: BibleEdit): Promise<ProjectChange> {
  const before = new Map((store.get().bible?.entries ?? []).map((e) => [e.id, e]));
  const entries = edit.entries.map((e) => {
    const old = e.id ? before.get(e.id) : undefined;
    const stray = e.images.find((img) => !old?.images.includes(img));
    if (stray) throw new AppError('InvalidInput', `@${e.name}: add images with "Add image…"; ${stray} is not one of its images.`);
    return { ...(old ?? {}), id: old?.id ?? newId('bible'), kind: e.kind, name: e.name, description: e.description, images: [...e.images] };
  });
  return store.mutate({ origin: 'user', label: 'Edit bible' }, [], (p) => {
    p.bible = { ...(p.bible ?? {}), entries, presets: [...new Set(edit.presets)] } as Bible;
  });
}

/** Copies an image into media/refs/ and adds it to a bible entry's reference images. */
export async function addBibleImage(session: Session, entryId: string, file: string): Promise<ProjectChange> {
  const entry = session.store.get().bible?.entries.find((e) => e.id === entryId);
  if (!entry) throw new AppError('NotFound', 'That bible entry no longer exists.');
  if (entry.images.length >= MAX_ENTRY_IMAGES) throw new AppError('InvalidInput', `@${entry.name} already has ${MAX_ENTRY_IMAGES} images; remove one first.`);
  const rel = await copyImage(session, `bible-${entry.name.toLowerCase()}`, file);
  return session.store.mutate({ origin: 'user', label: `Add image to @${entry.name}` }, [], (p) => {
    const bible = p.bible!;
    p.bible = { ...bible, entries: bible.entries.map((e) => (e.id === entryId ? { ...e, images: [...e.images, rel] } : e)) };
  });
}

/** Sets a scene's composer parts and the prompt they compose (shared/composer.ts), in one change. */
export async function setComposer(store: ProjectStore, sceneId: string, parts: Composer): Promise<ProjectChange> {
  store.scene(sceneId);
  return store.mutate({ origin: 'user', label: 'Compose prompt' }, [sceneId], (p) => {
    const scene = p.scenes.find((s) => s.id === sceneId)!;
    scene.composer = { ...parts };
    scene.prompt = composeParts(parts).slice(0, MAX_PROMPT_CHARS);
  });
}
