// "Snap to nearest": every scene whose length its model cannot make, with the allowed length nearest to it.
// Pure, so the window's warning, main's one-step change and the note saying what changed agree.
import { modelProfile, sceneTarget, snapDuration, type CustomModels } from './capabilities.ts';
import type { Project } from './project.ts';

export interface SnappedLength {
  sceneId: string;
  /** 1-based, as the creator counts scenes. */
  number: number;
  from: number;
  to: number;
  /** The model that cannot make `from`. */
  model: string;
}

/** The scenes whose length their own model (the scene's, else the project's) cannot make, and the nearest it can. */
export function lengthsToSnap(project: Pick<Project, 'provider' | 'model' | 'scenes'>, custom: CustomModels = []): SnappedLength[] {
  return project.scenes.flatMap((scene, i) => {
    const target = sceneTarget(project, scene);
    const profile = modelProfile(target.provider, target.model, custom);
    if (!profile?.durations.length || profile.durations.includes(scene.seconds)) return [];
    return [{ sceneId: scene.id, number: i + 1, from: scene.seconds, to: snapDuration(profile, scene.seconds), model: target.model }];
  });
}

/** "scene 1 from 6 s to 4 s, scene 3 from 10 s to 8 s". */
export function describeSnapped(snapped: readonly SnappedLength[]): string {
  return snapped.map((s) => `scene ${s.number} from ${s.from} s to ${s.to} s`).join(', ');
}
