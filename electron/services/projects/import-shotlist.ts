// Shot lists in: a pasted or opened list becomes scenes in one change (one undo step), added after a scene
// or at the end. The reading is shared/shotlist.ts; here the lengths are fitted to the project's model and
// the list's style line becomes the project style when the project has none.
import { modelProfile, type CustomModels } from '../../../shared/capabilities.ts';
import type { ProjectChange } from '../../../shared/change.ts';
import { AppError } from '../../../shared/errors.ts';
import { describeShotList, fitShots, parseShotList } from '../../../shared/shotlist.ts';
import { newScene, type ProjectStore } from './store.ts';

/** More shots than this in one paste is almost surely not a shot list (a whole book). */
export const MAX_IMPORTED_SHOTS = 500;

export interface ShotListImport {
  change: ProjectChange;
  /** The new scenes' ids, in film order. */
  added: string[];
  /** What was changed on the way in (lengths snapped, the style taken), in words. */
  notes: string[];
  summary: string;
}

export async function importShotList(store: ProjectStore, text: string, opts: { afterId?: string | null; custom?: CustomModels } = {}): Promise<ShotListImport> {
  const parsed = parseShotList(text);
  if (!parsed.shots.length) throw new AppError('InvalidInput', 'No shots were found in that text. Write one shot per paragraph, numbered line or heading, e.g. "1. A lighthouse at dusk [8s]".');
  if (parsed.shots.length > MAX_IMPORTED_SHOTS) throw new AppError('InvalidInput', `That text reads as ${parsed.shots.length} shots; Storyreel imports at most ${MAX_IMPORTED_SHOTS} at once. Split the list.`);
  const project = store.get();
  if (opts.afterId) store.scene(opts.afterId);
  const { scenes, notes } = fitShots(parsed.shots, modelProfile(project.provider, project.model, opts.custom));
  const made = scenes.map((s) => newScene(s.prompt, s.seconds));
  const takeStyle = parsed.style !== null && !project.style.trim();
  if (takeStyle) notes.push(`The list's style ("${parsed.style}") is now the project style.`);
  else if (parsed.style && !project.style.includes(parsed.style)) notes.push(`The list names a style ("${parsed.style}"); the project keeps its own.`);
  const change = await store.mutate({ origin: 'user', label: `Import shot list (${made.length} scene${made.length === 1 ? '' : 's'})` }, [], (p) => {
    const at = opts.afterId ? p.scenes.findIndex((s) => s.id === opts.afterId) + 1 : p.scenes.length;
    p.scenes.splice(at, 0, ...made);
    if (takeStyle) p.style = parsed.style!.slice(0, 4000);
  });
  return { change, added: made.map((s) => s.id), notes, summary: describeShotList(parsed) };
}
