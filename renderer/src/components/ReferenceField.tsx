// A scene's optional first-frame reference image: shown as a small frame, chosen with the system's
// picker (main copies it into the project), removable. Offered only when the model takes image input.
import type { Scene } from '../../../shared/project.ts';
import { clearReference, pickReference } from '../actions.ts';
import { getApi } from '../api.ts';
import { continuesFromPrevious } from '../../../shared/continuity.ts';
import { useCapabilities } from '../hooks.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

export function ReferenceField({ scene }: { scene: Scene }) {
  const { model } = useCapabilities();
  const supported = model?.imageInput.firstFrame ?? false;
  // One first frame per scene: continuity or a keyframe shared with the scene before already gives it one.
  const index = useStore((s) => s.view?.project.scenes.findIndex((sc) => sc.id === scene.id) ?? -1);
  const sharedIn = useStore((s) => (index > 0 ? (s.view?.project.scenes[index - 1]?.boundaryKeyframe ?? null) : null));
  const taken = !scene.referenceImage && (continuesFromPrevious(scene) && index > 0 ? `This scene starts from scene ${index}'s last frame. Turn that off below to use an image of your own.` : sharedIn ? `This scene opens on the keyframe it shares with scene ${index}. Remove it at the boundary to use an image of your own.` : null);
  return (
    <div className="field reference-field">
      <span className="field-label">Reference image</span>
      <div className="reference-row">
        {scene.referenceImage ? (
          <img className="reference-thumb" data-testid="reference-thumb" src={getApi().mediaUrl(scene.referenceImage)} alt="First-frame reference" />
        ) : (
          <div className="reference-thumb reference-empty" aria-hidden="true">
            <Icon name="image" />
          </div>
        )}
        <div className="reference-actions">
          <button type="button" className="btn btn-sm" data-testid="reference-pick" disabled={!supported || !!taken} onClick={() => void pickReference(scene.id)}>
            {scene.referenceImage ? 'Replace…' : 'Choose image…'}
          </button>
          {scene.referenceImage && (
            <button type="button" className="btn btn-sm btn-ghost" data-testid="reference-clear" onClick={() => void clearReference(scene.id)}>
              Remove
            </button>
          )}
          <p className="muted small">
            {taken ?? (supported ? 'Used as the first frame, fitted to the frame size without cropping.' : `${model?.id ?? 'This model'} takes no image input.`)}
          </p>
        </div>
      </div>
    </div>
  );
}
