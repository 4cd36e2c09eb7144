// A scene's optional first-frame reference image: shown as a small frame, chosen with the system's
// picker (main copies it into the project), removable. Offered only when the model takes image input.
import type { Scene } from '../../../shared/project.ts';
import { clearReference, pickReference } from '../actions.ts';
import { getApi } from '../api.ts';
import { useCapabilities } from '../hooks.ts';
import { Icon } from './ui.tsx';

export function ReferenceField({ scene }: { scene: Scene }) {
  const { model } = useCapabilities();
  const supported = model?.imageInput.firstFrame ?? false;
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
          <button type="button" className="btn btn-sm" data-testid="reference-pick" disabled={!supported} onClick={() => void pickReference(scene.id)}>
            {scene.referenceImage ? 'Replace…' : 'Choose image…'}
          </button>
          {scene.referenceImage && (
            <button type="button" className="btn btn-sm btn-ghost" data-testid="reference-clear" onClick={() => void clearReference(scene.id)}>
              Remove
            </button>
          )}
          <p className="muted small">
            {supported ? 'Used as the first frame, fitted to the frame size without cropping.' : `${model?.id ?? 'This model'} takes no image input.`}
          </p>
        </div>
      </div>
    </div>
  );
}
