// Stale takes: a take made for something other than what its scene now asks for (another frame size,
// style, prompt or length, or another continuity source). Marked on the card and warned about before an
// export; nothing regenerates by itself. Pure: the window, the export and the command line all use it.
import { sceneTarget } from './capabilities.ts';
import { chosenTakeOf, fullPrompt, type Project, type Scene, type Take } from './project.ts';

export type StaleField = 'size' | 'style' | 'prompt' | 'seconds' | 'continuity';
export interface StaleReason {
  field: StaleField;
  /** One sentence a creator understands. */
  message: string;
}

/** Measured lengths differ from the asked one by container rounding; half a second is a real change. */
const SECONDS_SLACK = 0.5;

/** Why `take` no longer matches what `scene` (in `project`) asks for; empty when it does. */
export function staleReasons(project: Pick<Project, 'size' | 'style' | 'scenes'>, scene: Scene, take: Take): StaleReason[] {
  const reasons: StaleReason[] = [];
  const made = take.provenance;
  if (take.size !== project.size) reasons.push({ field: 'size', message: `Made at ${take.size}; the film is now ${project.size}.` });
  if (made) {
    if (made.style.trim() !== project.style.trim()) reasons.push({ field: 'style', message: 'Made with another project style.' });
    if (made.scenePrompt.trim() !== scene.prompt.trim()) reasons.push({ field: 'prompt', message: 'Made from an earlier version of the prompt.' });
  } else if (take.prompt.trim() !== fullPrompt(project, scene).trim()) {
    // Older takes kept only the prompt as sent (scene text and style together).
    reasons.push({ field: 'prompt', message: 'Made from another prompt or style.' });
  }
  const asked = made?.seconds ?? take.seconds;
  // An extension is longer on purpose; it is stale only when shorter than the scene.
  const longerOnPurpose = made?.from?.kind === 'extend' && asked >= scene.seconds;
  if (!longerOnPurpose && Math.abs(asked - scene.seconds) > SECONDS_SLACK) {
    reasons.push({ field: 'seconds', message: `Made for ${formatSeconds(asked)}; the scene is now ${formatSeconds(scene.seconds)}.` });
  }
  const continuity = continuityReason(project, scene, take);
  if (continuity) reasons.push(continuity);
  return reasons;
}

function continuityReason(project: Pick<Project, 'scenes'>, scene: Scene, take: Take): StaleReason | null {
  // Takes made before their provenance recorded it still name their source on the take itself.
  const from = take.provenance?.continuityFrom ?? take.continuityFrom ?? null;
  if (scene.continuity !== 'previous-last-frame') {
    return from ? { field: 'continuity', message: 'Made to continue the scene before; this scene no longer does.' } : null;
  }
  if (!take.provenance) return null; // made before continuity sources were recorded: unknown, not stale
  const index = project.scenes.findIndex((s) => s.id === scene.id);
  const previous = index > 0 ? project.scenes[index - 1]! : null;
  const source = previous ? chosenTakeOf(previous) : null;
  if (!from) return source ? { field: 'continuity', message: 'Made without the scene before as its first frame.' } : null;
  if (!source || from.sceneId !== previous!.id || from.takeId !== source.id) {
    return { field: 'continuity', message: "Made from another take of the scene before; its chosen take has changed." };
  }
  return null;
}

const formatSeconds = (s: number): string => `${Math.round(s * 10) / 10} s`;

/** Every scene whose chosen take is stale, with the reasons (for the export's warning). */
export function staleChosenTakes(project: Pick<Project, 'size' | 'style' | 'scenes'>): Array<{ sceneId: string; index: number; takeId: string; reasons: StaleReason[] }> {
  return project.scenes.flatMap((scene, index) => {
    const take = chosenTakeOf(scene);
    const reasons = take ? staleReasons(project, scene, take) : [];
    return take && reasons.length ? [{ sceneId: scene.id, index, takeId: take.id, reasons }] : [];
  });
}

/** "Scene 2 (made at 1280x720; …)" lines, for a warning before an export. */
export function staleWarnings(project: Pick<Project, 'size' | 'style' | 'scenes'>): string[] {
  return staleChosenTakes(project).map((s) => `Scene ${s.index + 1}'s take is stale: ${s.reasons.map((r) => r.message).join(' ')}`);
}

/**
 * A scene with takes and none in the film (the creator pressed Unchoose): it waits for the creator to pick
 * one, not for another paid take.
 */
export function awaitsPick(scene: Pick<Scene, 'takes' | 'chosenTake'>): boolean {
  return !chosenTakeOf(scene) && scene.takes.length > 0;
}

/**
 * Whether "generate" (with no scenes named) should make this scene: it has no take at all, or the one in
 * the film was put there automatically by another provider or model than the scene now uses (a Preview
 * animatic after switching to a paid provider). A take the creator picked by hand is kept, and a scene
 * with takes but none chosen waits for a pick (awaitsPick): generating it would pay for a take more.
 */
export function needsGeneration(project: Pick<Project, 'provider' | 'model'>, scene: Scene): boolean {
  const chosen = chosenTakeOf(scene);
  if (!chosen) return scene.takes.length === 0;
  if (scene.chosenBy === 'creator') return false;
  const target = sceneTarget(project, scene);
  return chosen.provider !== target.provider || chosen.model !== target.model;
}
