// On a card set to continue from the scene before: "↤ continues from 2" (shorter on a narrow card), which selects that scene. Marked
// when the take in the film was made from another source than the one there now (shared/stale.ts).
import { chosenTakeOf } from '../../../shared/project.ts';
import { staleReasons } from '../../../shared/stale.ts';
import { useStore } from '../store.ts';
import '../continuity.css';

export function ContinuityLink({ sceneId, index }: { sceneId: string; index: number }) {
  const previousId = useStore((s) => s.view?.project.scenes[index - 1]?.id ?? null);
  const changed = useStore((s) => {
    const project = s.view?.project;
    const scene = project?.scenes[index];
    const take = scene ? chosenTakeOf(scene) : null;
    return !!(project && scene && scene.id === sceneId && take && staleReasons(project, scene, take).some((r) => r.field === 'continuity'));
  });
  const select = useStore((s) => s.select);
  if (!previousId) return null;
  const what = `Continues from scene ${index}'s last frame${changed ? ', which has changed since this take was made' : ''}. Show scene ${index}.`;
  return (
    <button
      type="button"
      className={`card-continuity ${changed ? 'is-stale' : ''}`}
      data-testid="card-continuity"
      data-stale={changed ? 'true' : undefined}
      title={what}
      aria-label={what}
      // The card's own click selects this scene; this one goes to the scene it continues from.
      onPointerDown={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation();
        select(previousId);
      }}
    >
      {/* As much of "continues from 2" as the card's width allows (continuity.css). */}
      <span aria-hidden="true">↤</span>
      <span className="cc-long"> continues</span>
      <span className="cc-mid"> from</span> {index}
    </button>
  );
}
