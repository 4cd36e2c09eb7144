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

/** Whether the scene opens on an image: its own, a keyframe shared with the scene before, or (resolved later) the previous scene's last frame. */
export function opensOnImage(project: { scenes: readonly ContinuityScene[] }, sceneId: string): boolean {
  const i = project.scenes.findIndex((s) => s.id === sceneId);
  const scene = project.scenes[i];
  return !!scene && (sceneFrames(project, sceneId).first !== null || (continuesFromPrevious(scene) && i > 0));
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

/**
 * Why scene `sceneId` cannot be set to continue from the scene before it, in words, or null when it can:
 * it is the first scene, it already has a first frame of its own (its image, or a keyframe shared with the
 * scene before), or its model takes no first frame (naming models that can). The window disables its
 * control with this sentence; admission checks the same rules (continuityProblems) before anything is sent.
 */
export function continuityBlocked(project: Pick<Project, 'provider' | 'model'> & { scenes: readonly ContinuityScene[] }, sceneId: string): string | null {
  const i = project.scenes.findIndex((s) => s.id === sceneId);
  const scene = project.scenes[i];
  if (!scene) return 'That scene no longer exists.';
  if (i === 0) return 'The first scene has no shot before it to continue from.';
  if (scene.referenceImage) return `This scene has its own first-frame image. Remove it to continue from scene ${i} instead.`;
  if (project.scenes[i - 1]!.boundaryKeyframe) return `This scene opens on the keyframe it shares with scene ${i}. Remove the keyframe (at the boundary) to continue from scene ${i} instead.`;
  const target = sceneTarget(project, scene);
  return imageProblems(target.provider, target.model, { firstFrame: true, lastFrame: false, references: 0 })[0] ?? null;
}

/**
 * Why the boundary after scene `sceneId` cannot share a keyframe, in words, or null when it can: there is
 * no scene after it; the scene after already has a first frame (its own image, or continuity); the scene
 * before the boundary cannot end on an image, or the one after cannot open on one (naming models that can).
 */
export function keyframeBlocked(project: Pick<Project, 'provider' | 'model'> & { scenes: readonly ContinuityScene[] }, sceneId: string): string | null {
  const i = project.scenes.findIndex((s) => s.id === sceneId);
  const scene = project.scenes[i];
  if (!scene) return 'That scene no longer exists.';
  const next = project.scenes[i + 1];
  if (!next) return `Scene ${i + 1} is the last scene: a keyframe is shared with the scene after it. Add a scene after it first.`;
  if (continuesFromPrevious(next)) return `Scene ${i + 2} already starts from scene ${i + 1}'s last frame. Turn that off in scene ${i + 2} to share a keyframe instead.`;
  if (next.referenceImage) return `Scene ${i + 2} has its own first-frame image. Remove it to share a keyframe instead.`;
  const ends = sceneTarget(project, scene);
  const endProblem = imageProblems(ends.provider, ends.model, { firstFrame: false, lastFrame: true, references: 0 })[0];
  if (endProblem) return `Scene ${i + 1} would end on the keyframe: ${endProblem}`;
  const opens = sceneTarget(project, next);
  const openProblem = imageProblems(opens.provider, opens.model, { firstFrame: true, lastFrame: false, references: 0 })[0];
  if (openProblem) return `Scene ${i + 2} would open on the keyframe: ${openProblem}`;
  return null;
}
