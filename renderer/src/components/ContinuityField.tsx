// "Continue from the previous shot's last frame" for one scene (shared/continuity.ts): the scene's first
// frame becomes the sharpest, best-exposed frame of the last second of the scene before's chosen take,
// picked when this scene's job runs. Disabled, with the reason in words, where it cannot be done: the
// first scene, a scene with a first frame of its own, or a model that takes no first frame (naming one that can).
import { useState } from 'react';
import { continuesFromPrevious, continuityBlocked } from '../../../shared/continuity.ts';
import { chosenTakeOf, type Scene } from '../../../shared/project.ts';
import { updateScene } from '../actions.ts';
import { useStore } from '../store.ts';
import '../continuity.css';

export function ContinuityField({ scene, index }: { scene: Scene; index: number }) {
  const project = useStore((s) => s.view?.project ?? null);
  // The box follows the click at once; main's change (or its refusal) settles it.
  const [asked, setAsked] = useState<boolean | null>(null);
  if (!project) return null;
  const on = asked ?? continuesFromPrevious(scene);
  const toggle = (want: boolean): void => {
    setAsked(want);
    void updateScene(scene.id, { continuity: want ? 'previous-last-frame' : 'none' }).finally(() => setAsked(null));
  };
  const blocked = continuityBlocked(project, scene.id);
  const previous = project.scenes[index - 1];
  const source = previous ? chosenTakeOf(previous) : null;
  let note: string;
  if (blocked) note = blocked;
  else if (!on) note = `Scene ${index + 1} then opens on scene ${index}'s last frame, so the two shots join without a jump.`;
  else if (source) note = `Starts from take ${previous!.takes.indexOf(source) + 1} of scene ${index}: the sharpest, best-exposed frame of its last second, picked when this scene is generated.`;
  else note = `Scene ${index} has no take in the film yet. Generate it first, or both together.`;
  return (
    <div className="field continuity-field">
      <label className={`continuity-toggle ${blocked && !on ? 'is-disabled' : ''}`}>
        <input
          type="checkbox"
          data-testid="scene-continuity"
          checked={on}
          // A scene already set to continue can always be set back, even where it no longer could be turned on.
          disabled={!!blocked && !on}
          aria-describedby={`continuity-note-${scene.id}`}
          onChange={(e) => toggle(e.target.checked)}
        />
        Continue from the previous shot&apos;s last frame
      </label>
      <p id={`continuity-note-${scene.id}`} className={`muted small continuity-note ${blocked && on ? 'is-problem' : ''}`} data-testid="continuity-note">
        {note}
      </p>
    </div>
  );
}
