// Continuity between scenes, as pure rules both processes use: which frames a scene starts and ends on, and
// why a scene's continuity cannot be generated as the project stands (checked before anything is sent).
//  - `continuity: "previous-last-frame"`: the scene starts from the previous scene's chosen take's last
//    usable frame, resolved when its job runs (electron/services/generation/continuity.ts).
//  - `boundaryKeyframe` on scene N: one image that is scene N's last frame and scene N+1's first frame.
import { imageProblems, modelProfile, sceneTarget, type CustomModels, type Problem } from './capabilities.ts';
import { chosenTakeOf, type Project, type Scene } from './project.ts';

/** The scene fields continuity reads (`boundaryKeyframe` is optional in the file). */
type ContinuityScene = Pick<Scene, 'id' | 'continuity' | 'referenceImage' | 'takes' | 'chosenTake' | 'provider' | 'model'> & { boundaryKeyframe?: string | null | undefined };

export function continuesFromPrevious(scene: Pick<Scene, 'continuity'>): boolean {
  return scene.continuity === 'previous-last-frame';
}

/**
 * The images a scene's job starts and ends on, known at admission (project-relative): its own first-frame
 * image or the keyframe it shares with the scene before, and the keyframe it shares with the scene after.
 * A continuity frame is not here: it is resolved when the job runs.
 */
export function sceneFrames(project: { scenes: readonly ContinuityScene[] }, sceneId: string): { first: string | null; last: string | null } {
  const i = project.scenes.findIndex((s) => s.id === sceneId);
  const scene = project.scenes[i];
  if (!scene) return { first: null, last: null };
  const shared = i > 0 ? (project.scenes[i - 1]!.boundaryKeyframe ?? null) : null;
  return { first: scene.referenceImage ?? shared, last: project.scenes[i + 1] ? (scene.boundaryKeyframe ?? null) : null };
}

/**
 * Why the continuity of these scenes cannot be generated now: a first scene that continues from nothing,
 * a previous scene with no take coming, two first frames for one scene, a model with no slot for the frame
 * (naming models that can), a keyframe with no scene after it. `pending`: scenes whose take is on its way
 * (being generated, or in this same request), which a continuing scene waits for.
 */
export function continuityProblems(project: Pick<Project, 'provider' | 'model'> & { scenes: readonly ContinuityScene[] }, sceneIds: readonly string[], pending: ReadonlySet<string> = new Set(), custom: CustomModels = []): Problem[] {
  const problems: Problem[] = [];
  const wanted = new Set(sceneIds);
  project.scenes.forEach((scene, i) => {
    if (!wanted.has(scene.id)) return;
    const name = `Scene ${i + 1}`;
    const prev = project.scenes[i - 1];
    const next = project.scenes[i + 1];
    const add = (field: Problem['field'], message: string): void => void problems.push({ sceneId: scene.id, field, message });
    const continues = continuesFromPrevious(scene);
    const sharedIn = prev?.boundaryKeyframe ?? null;
    if (continues && !prev) add('continuity', `${name} is set to continue from the scene before it, but it is the first scene. Set it to start fresh, or move it after another scene.`);
    if (continues && prev && !chosenTakeOf(prev) && !pending.has(prev.id)) {
      add('continuity', `${name} continues from scene ${i}, which has no take yet. Generate scene ${i} first, or both together.`);
    }
    const firsts = [continues && prev ? `scene ${i}'s last frame` : null, scene.referenceImage ? 'its own first-frame image' : null, sharedIn ? `the keyframe it shares with scene ${i}` : null].filter((x): x is string => x !== null);
    if (firsts.length > 1) add('continuity', `${name} has two first frames: ${firsts.join(' and ')}. Keep one.`);
    if (scene.boundaryKeyframe && !next) add('continuity', `${name} shares a keyframe with the scene after it, but it is the last scene. Remove the keyframe, or add a scene after it.`);
    // What the model is asked to take, beyond what sceneProblems already checks (its own first-frame image).
    const target = sceneTarget(project, scene);
    if (!modelProfile(target.provider, target.model, custom)) return;
    const first = (continues && !!prev) || !!sharedIn;
    const last = !!scene.boundaryKeyframe && !!next;
    if (!first && !last) return;
    for (const why of imageProblems(target.provider, target.model, { firstFrame: first, lastFrame: last, references: 0 })) {
      const what = [first ? (continues ? `starts from scene ${i}'s last frame` : `starts on the keyframe shared with scene ${i}`) : null, last ? `ends on the keyframe shared with scene ${i + 2}` : null].filter(Boolean).join(' and ');
      add('referenceImage', `${name} ${what}. ${why}`);
    }
  });
  return problems;
}

/**
 * Why a take made with continuity no longer fits (its source changed), or null: the scene before is another
 * scene now, or it has another chosen take than the one this take started from. Nothing regenerates by itself.
 */
export function continuityStale(project: { scenes: readonly ContinuityScene[] }, sceneId: string, take: { continuityFrom?: { sceneId: string; takeId: string } | undefined }): string | null {
  const from = take.continuityFrom;
  if (!from) return null;
  const i = project.scenes.findIndex((s) => s.id === sceneId);
  const prev = i > 0 ? project.scenes[i - 1] : undefined;
  if (!prev || prev.id !== from.sceneId) return 'It continues from a scene that is no longer the one before it.';
  if (chosenTakeOf(prev)?.id !== from.takeId) return `It continues from another take of scene ${i} than the one now chosen.`;
  return null;
}
