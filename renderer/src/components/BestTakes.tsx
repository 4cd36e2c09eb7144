// Board-wide take actions: the "best takes" rough cut (the highest-scored take of every scene into the film)
// and regenerating the board on another provider.
import { useShallow } from 'zustand/react/shallow';
import { bestTakesCut } from '../../../shared/rating.ts';
import { sceneTarget } from '../../../shared/capabilities.ts';
import { chosenTakeOf, type Scene } from '../../../shared/project.ts';
import { chooseBestTakes, generate } from '../actions.ts';
import { activeJobsFor } from '../lib/status.ts';
import { useStore } from '../store.ts';

/** Whether a scene's highest-scored take is not the one in the film: once per version of the scene. */
const wantsBest = new WeakMap<Scene, boolean>();
const betterTakeWaits = (scene: Scene): boolean => {
  let v = wantsBest.get(scene);
  if (v === undefined) wantsBest.set(scene, (v = bestTakesCut({ scenes: [scene] }).length > 0));
  return v;
};

export function BestTakesButton() {
  // Read on every change of the store (a job's progress too): an edit to one scene scores that scene again, not 200.
  const changes = useStore(useShallow((s) => (s.view ? s.view.project.scenes.filter(betterTakeWaits) : [])));
  return (
    <button
      type="button"
      className="btn btn-sm"
      data-testid="best-takes"
      disabled={changes.length === 0}
      title={changes.length ? `Puts the highest-scored take of ${changes.length} ${changes.length === 1 ? 'scene' : 'scenes'} into the film.` : 'Every scene already uses its highest-scored take (score takes to use this).'}
      onClick={() => void chooseBestTakes()}
    >
      Best takes cut
    </button>
  );
}

/**
 * After switching provider or model: one action generates every scene on the new one (the cost is confirmed
 * first, like any paid work). Each new take goes into the film when it arrives, except where the creator had
 * picked a take by hand (main's addTake rule).
 */
export function RegenerateBoardButton() {
  const target = useStore(useShallow((s) => ({ model: s.view?.project.model ?? '' })));
  const ids = useStore(
    useShallow((s) => {
      const project = s.view?.project;
      if (!project) return [];
      const busy = new Set(activeJobsFor(s.jobs).map((j) => j.sceneId));
      const elsewhere = project.scenes.some((sc) => {
        const chosen = chosenTakeOf(sc);
        const t = sceneTarget(project, sc);
        return chosen && (chosen.provider !== t.provider || chosen.model !== t.model);
      });
      return elsewhere ? project.scenes.filter((sc) => !busy.has(sc.id)).map((sc) => sc.id) : [];
    }),
  );
  if (!ids.length) return null;
  return (
    <button
      type="button"
      className="btn btn-sm"
      data-testid="regenerate-board"
      title={`Generates every scene again with ${target.model}; takes you picked by hand stay in the film.`}
      onClick={() => void generate(ids)}
    >
      Regenerate board on {target.model}
    </button>
  );
}
