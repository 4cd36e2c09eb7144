// The storyboard's editing actions beyond one field: trim a take, check a transition against its
// neighbours, duplicate, split, delete and move several scenes at once. Each is one store.mutate, so it is
// one validated, saved change and one undo step (projects/history.ts).
import { AppError } from '../../../shared/errors.ts';
import { chosenTakeOf, type Scene, type Transition } from '../../../shared/project.ts';
import { buildTimeline, MIN_TRIM_SECONDS, transitionProblem, trimProblem } from '../../../shared/timeline.ts';
import type { ProjectChange } from '../../../shared/change.ts';
import type { CustomModels } from '../../../shared/capabilities.ts';
import { lengthsToSnap, type SnappedLength } from '../../../shared/snap.ts';
import { newId } from '../fsutil.ts';
import type { ProjectStore } from './store.ts';

const user = (label: string) => ({ origin: 'user' as const, label });

/** Refuses a transition longer than the boundary after `sceneId` can hold, saying the most it can be. */
export function checkTransition(store: ProjectStore, sceneId: string, transition: Transition): void {
  if (transition === 'cut') return;
  const project = store.get();
  const index = project.scenes.findIndex((s) => s.id === sceneId);
  const problem = transitionProblem(buildTimeline(project), index, transition.seconds);
  if (problem) throw new AppError('InvalidInput', problem);
}

export async function trimTake(store: ProjectStore, sceneId: string, takeId: string, trim: { in: number; out: number } | null): Promise<ProjectChange> {
  const take = store.scene(sceneId).takes.find((t) => t.id === takeId);
  if (!take) throw new AppError('NotFound', 'That take no longer exists.');
  const problem = trim && trimProblem(take.seconds, trim);
  if (problem) throw new AppError('InvalidInput', problem);
  return store.mutate(user('Trim take'), [sceneId], (p) => {
    const t = p.scenes.find((s) => s.id === sceneId)!.takes.find((k) => k.id === takeId)!;
    if (trim) t.trim = { in: trim.in, out: trim.out };
    else delete t.trim;
  });
}

/** A copy of a scene with new ids for it and its takes (the media files are shared, not copied). */
function copyScene(scene: Scene): Scene {
  const ids = new Map(scene.takes.map((t) => [t.id, newId('take')]));
  return {
    ...structuredClone(scene),
    id: newId('scene'),
    takes: scene.takes.map((t) => ({ ...structuredClone(t), id: ids.get(t.id)! })),
    chosenTake: scene.chosenTake ? (ids.get(scene.chosenTake) ?? null) : null,
    lastError: null,
  };
}

export async function duplicateScenes(store: ProjectStore, ids: readonly string[]): Promise<ProjectChange> {
  ids.forEach((id) => store.scene(id));
  const wanted = new Set(ids);
  return store.mutate(user(ids.length === 1 ? 'Duplicate scene' : 'Duplicate scenes'), [], (p) => {
    p.scenes = p.scenes.flatMap((s) => (wanted.has(s.id) ? [s, copyScene(s)] : [s]));
  });
}

/**
 * Splits a scene at `at` seconds into it. With a chosen take, both halves keep that take, trimmed to their
 * part; without one, the seconds asked for are shared out (whole seconds, as providers take them).
 */
export async function splitScene(store: ProjectStore, id: string, at: number): Promise<ProjectChange> {
  const scene = store.scene(id);
  const chosen = chosenTakeOf(scene);
  const from = chosen?.trim?.in ?? 0;
  const to = chosen ? (chosen.trim?.out ?? chosen.seconds) : scene.seconds;
  const length = to - from;
  const cut = chosen ? from + at : Math.round(at);
  if (at < MIN_TRIM_SECONDS || length - at < MIN_TRIM_SECONDS || (!chosen && (cut < 1 || cut >= scene.seconds))) {
    throw new AppError('InvalidInput', `A scene ${Math.round(length * 100) / 100} s long can only be split between ${chosen ? MIN_TRIM_SECONDS : 1} s and ${Math.round((length - (chosen ? MIN_TRIM_SECONDS : 1)) * 100) / 100} s.`);
  }
  return store.mutate(user('Split scene'), [id], (p) => {
    const i = p.scenes.findIndex((s) => s.id === id);
    const first = p.scenes[i]!;
    const second = copyScene(first);
    if (chosen) {
      first.takes.find((t) => t.id === first.chosenTake)!.trim = { in: from, out: cut };
      second.takes.find((t) => t.id === second.chosenTake)!.trim = { in: cut, out: to };
      first.seconds = Math.max(1, Math.round(cut - from));
      second.seconds = Math.max(1, Math.round(to - cut));
    } else {
      first.seconds = cut;
      second.seconds = scene.seconds - cut;
    }
    // The second half inherits the way out; the first cuts into it.
    first.transition = 'cut';
    p.scenes.splice(i + 1, 0, second);
  });
}

export async function removeScenes(store: ProjectStore, ids: readonly string[]): Promise<ProjectChange> {
  ids.forEach((id) => store.scene(id));
  const gone = new Set(ids);
  return store.mutate(user(ids.length === 1 ? 'Delete scene' : 'Delete scenes'), [], (p) => {
    p.scenes = p.scenes.filter((s) => !gone.has(s.id));
  });
}

export async function moveScenes(store: ProjectStore, ids: readonly string[], toIndex: number): Promise<ProjectChange> {
  ids.forEach((id) => store.scene(id));
  const moving = new Set(ids);
  return store.mutate(user(ids.length === 1 ? 'Move scene' : 'Move scenes'), [], (p) => {
    const block = p.scenes.filter((s) => moving.has(s.id));
    const rest = p.scenes.filter((s) => !moving.has(s.id));
    rest.splice(Math.min(Math.max(0, toIndex), rest.length), 0, ...block);
    p.scenes = rest;
  });
}

/**
 * "Snap to nearest": every scene whose length its model cannot make gets the nearest allowed one, in one
 * change (one undo step), and the caller learns which scenes changed from what to what.
 */
export async function snapLengths(store: ProjectStore, custom: CustomModels): Promise<{ change: ProjectChange | null; snapped: SnappedLength[] }> {
  const snapped = lengthsToSnap(store.get(), custom);
  if (!snapped.length) return { change: null, snapped };
  const change = await store.mutate(user('Snap lengths'), snapped.map((s) => s.sceneId), (p) => {
    for (const s of snapped) p.scenes.find((sc) => sc.id === s.sceneId)!.seconds = s.to;
  });
  return { change, snapped };
}
