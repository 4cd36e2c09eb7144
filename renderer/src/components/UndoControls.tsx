// Undo, redo and the autosave state, above the strip. The labels come from main ("Undo delete scene 3").
import { redo, undo, useUndo } from '../lib/undo.ts';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl+';

export function UndoControls() {
  const undoLabel = useUndo((s) => s.undo);
  const redoLabel = useUndo((s) => s.redo);
  return (
    <div className="undo-controls">
      <button type="button" className="btn btn-sm btn-ghost btn-icon" data-testid="undo" disabled={!undoLabel} title={undoLabel ? `${undoLabel} (${mod}Z)` : 'Nothing to undo'} aria-label={undoLabel ?? 'Nothing to undo'} onClick={() => void undo()}>
        ↶
      </button>
      <button type="button" className="btn btn-sm btn-ghost btn-icon" data-testid="redo" disabled={!redoLabel} title={redoLabel ? `${redoLabel} (${mod}⇧Z)` : 'Nothing to redo'} aria-label={redoLabel ?? 'Nothing to redo'} onClick={() => void redo()}>
        ↷
      </button>
      <SaveIndicator />
    </div>
  );
}

export function SaveIndicator() {
  const save = useUndo((s) => s.save);
  const text = save.kind === 'saved' ? 'Saved' : save.kind === 'saving' ? 'Saving…' : 'Not saved';
  return (
    <span className={`save-state is-${save.kind}`} data-testid="save-state" data-state={save.kind} role="status" title={save.kind === 'failed' ? `Not saved: ${save.reason}` : undefined}>
      {text}
      {save.kind === 'failed' && <span className="save-reason">: {save.reason}</span>}
    </span>
  );
}
