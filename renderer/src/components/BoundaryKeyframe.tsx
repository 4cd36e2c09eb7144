// A keyframe shared by a boundary (shared/continuity.ts): one image that is the last frame of the scene
// before and the first frame of the scene after. Chosen in the transition picker with the system's picker
// (main copies it into the project); refused in words where a model cannot take it, naming one that can.
import { keyframeBlocked } from '../../../shared/continuity.ts';
import { clearKeyframe, pickKeyframe } from '../actions.ts';
import { getApi } from '../api.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';
import '../continuity.css';

/** The keyframe the boundary after scene `index` shares, or null. */
export const useBoundaryKeyframe = (index: number): string | null => useStore((s) => s.view?.project.scenes[index]?.boundaryKeyframe ?? null);

/** On the boundary marker: the shared keyframe, small. */
export function KeyframeMark({ file }: { file: string }) {
  return <img className="boundary-keyframe" data-testid="boundary-keyframe" src={getApi().mediaUrl(file)} alt="" draggable={false} />;
}

/** In the transition picker: the keyframe, and the actions to share, replace or remove one. */
export function KeyframeShare({ index, sceneId }: { index: number; sceneId: string }) {
  const project = useStore((s) => s.view?.project ?? null);
  const keyframe = useBoundaryKeyframe(index);
  if (!project) return null;
  const blocked = keyframeBlocked(project, sceneId);
  const a = index + 1;
  const b = index + 2;
  const note = blocked ?? (keyframe ? `Scene ${a} ends on this image and scene ${b} opens on it.` : `One image as scene ${a}'s last frame and scene ${b}'s first, so the cut lands on the same picture.`);
  return (
    <div className="keyframe-share" data-testid="keyframe-share">
      <h4 className="picker-sub">Shared keyframe</h4>
      <div className="keyframe-row">
        {keyframe ? (
          <img className="keyframe-thumb" data-testid="keyframe-thumb" src={getApi().mediaUrl(keyframe)} alt={`Keyframe shared by scenes ${a} and ${b}`} />
        ) : (
          <div className="keyframe-thumb is-empty" aria-hidden="true">
            <Icon name="image" />
          </div>
        )}
        <div className="keyframe-actions">
          <div className="keyframe-buttons">
            <button type="button" className="btn btn-sm" data-testid="keyframe-pick" disabled={!!blocked} onClick={() => void pickKeyframe(sceneId)}>
              {keyframe ? 'Replace…' : 'Share a keyframe…'}
            </button>
            {keyframe && (
              <button type="button" className="btn btn-sm btn-ghost" data-testid="keyframe-clear" onClick={() => void clearKeyframe(sceneId)}>
                Remove
              </button>
            )}
          </div>
        </div>
      </div>
      <p className={`small keyframe-note ${blocked ? 'is-problem' : 'muted'}`} data-testid="keyframe-note">
        {note}
      </p>
    </div>
  );
}
