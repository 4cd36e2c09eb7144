// "Clean up unused media": first what it would free (the files and their size), then, on the creator's word,
// only those files. Also reached from the File menu.
import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../shared/contract.ts';
import { getApi } from '../api.ts';
import { onMenuCommand } from '../menu-commands.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';

type Found = CallOutput<'cleanup', 'preview'>;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

const SHOWN = 8;

export function MediaCleanup() {
  const [found, setFound] = useState<Found | null>(null);
  const [done, setDone] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const look = async () => {
    setDone(null);
    try {
      setFound(await getApi().cleanup.preview({}));
    } catch (err) {
      useStore.getState().showError(err);
    }
  };
  useEffect(() => onMenuCommand('cleanup', () => void look()), []);
  const remove = async () => {
    if (!found) return;
    setBusy(true);
    try {
      setDone(await getApi().cleanup.run({ paths: found.files.map((f) => f.path) }));
    } catch (err) {
      useStore.getState().showError(err);
    } finally {
      setBusy(false);
      setFound(null);
    }
  };
  return (
    <section className="panel panel-cleanup">
      <button type="button" className="btn btn-sm btn-ghost" data-testid="cleanup-open" onClick={() => void look()}>
        Clean up unused media…
      </button>
      {done && (
        <p className="muted small" role="status" data-testid="cleanup-done">
          {done.files.length ? `Freed ${formatBytes(done.bytes)} (${done.files.length} ${done.files.length === 1 ? 'file' : 'files'}).` : 'Nothing was removed: those files are in use again.'}
        </p>
      )}
      {found && (
        <Modal titleId="cleanup-title" bodyId="cleanup-body" testId="cleanup" initialFocus={cancelRef} onClose={() => setFound(null)}>
          <h2 id="cleanup-title">{found.files.length ? `Free ${formatBytes(found.bytes)}?` : 'No unused media'}</h2>
          <div id="cleanup-body" data-testid="cleanup-body">
            {found.files.length ? (
              <>
                <p className="muted">
                  {found.files.length} {found.files.length === 1 ? 'file' : 'files'} in this project’s media folder that no scene uses any more (takes of deleted scenes, replaced reference images). Takes you kept, chosen or not, stay.
                </p>
                <ul className="cleanup-list">
                  {found.files.slice(0, SHOWN).map((f) => (
                    <li key={f.path}>
                      <code>{f.path}</code> <span className="muted">{formatBytes(f.bytes)}</span>
                    </li>
                  ))}
                  {found.files.length > SHOWN && <li className="muted">and {found.files.length - SHOWN} more</li>}
                </ul>
              </>
            ) : (
              <p className="muted">Every file in this project’s media folder is used by a scene.</p>
            )}
          </div>
          <div className="modal-actions">
            <button ref={cancelRef} type="button" className="btn" data-testid="cleanup-cancel" onClick={() => setFound(null)}>
              {found.files.length ? 'Keep them' : 'Close'}
            </button>
            {found.files.length > 0 && (
              <button type="button" className="btn btn-danger-solid" data-testid="cleanup-confirm" disabled={busy} onClick={() => void remove()}>
                Delete {found.files.length} {found.files.length === 1 ? 'file' : 'files'}
              </button>
            )}
          </div>
        </Modal>
      )}
    </section>
  );
}
