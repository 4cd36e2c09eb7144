// Asks before a scene (and its takes) leaves the storyboard.
import { useRef } from 'react';
import { removeScene } from '../actions.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';
import { focusCard } from './Timeline.tsx';

export function ConfirmDelete() {
  const pending = useStore((s) => s.pendingDelete);
  const index = useStore((s) => s.view?.project.scenes.findIndex((sc) => sc.id === s.pendingDelete) ?? -1);
  const takes = useStore((s) => s.view?.project.scenes.find((sc) => sc.id === s.pendingDelete)?.takes.length ?? 0);
  const askDelete = useStore((s) => s.askDelete);
  // The safe button has the focus: an Enter pressed out of habit keeps the scene.
  const keepRef = useRef<HTMLButtonElement>(null);

  if (!pending || index < 0) return null;

  const confirm = async () => {
    askDelete(null);
    await removeScene(pending);
    const selected = useStore.getState().selectedSceneId;
    if (selected) focusCard(selected);
  };

  return (
    <Modal titleId="confirm-title" bodyId="confirm-body" testId="confirm-delete" initialFocus={keepRef} onClose={() => askDelete(null)}>
      <h2 id="confirm-title">Delete scene {index + 1}?</h2>
      <p id="confirm-body" className="muted">
        {takes > 0 ? `Its prompt and ${takes} ${takes === 1 ? 'take' : 'takes'} leave the storyboard.` : 'Its prompt leaves the storyboard.'}
      </p>
      <div className="modal-actions">
        <button ref={keepRef} type="button" className="btn" data-testid="confirm-delete-no" onClick={() => askDelete(null)}>
          Keep it
        </button>
        <button type="button" className="btn btn-danger-solid" data-testid="confirm-delete-yes" onClick={() => void confirm()}>
          Delete
        </button>
      </div>
    </Modal>
  );
}
