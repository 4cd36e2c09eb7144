// "Import shot list…": paste (or open) a plain-text or Markdown shot list, see the scenes it makes (lengths
// snapped to the model, with the reason), and add them after the selected scene in one undoable step.
// The reading is shared/shotlist.ts, the same code main imports with.
import { useMemo, useRef, useState } from 'react';
import { modelProfile } from '../../../shared/capabilities.ts';
import { describeShotList, fitShots, parseShotList } from '../../../shared/shotlist.ts';
import { getApi } from '../api.ts';
import { resyncProject, useStore } from '../store.ts';
import '../craft.css';
import { Modal } from './Modal.tsx';
import { Icon } from './ui.tsx';

const EXAMPLE = `1. Wide aerial of a lighthouse on a cliff at dusk [8s]
   - Camera: slow drone push-in from the sea
   - Lighting: last sun on the tower
2. The keeper climbs the spiral stairs [4s]`;

export function ImportShotListButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-sm btn-ghost" data-testid="import-shotlist" onClick={() => setOpen(true)}>
        <Icon name="film" />
        Import shot list…
      </button>
      {open && <ImportShotList onClose={() => setOpen(false)} />}
    </>
  );
}

function ImportShotList({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [notes, setNotes] = useState<string[] | null>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const provider = useStore((s) => s.view?.project.provider ?? '');
  const model = useStore((s) => s.view?.project.model ?? '');
  const afterId = useStore((s) => s.selectedSceneId);
  const parsed = useMemo(() => parseShotList(text), [text]);
  const fitted = useMemo(() => fitShots(parsed.shots, modelProfile(provider, model)), [parsed, provider, model]);

  const run = async () => {
    setBusy(true);
    try {
      const result = await getApi().shotList.import({ text, afterId });
      const s = useStore.getState();
      if (!s.applyChange(result.change)) await resyncProject(getApi());
      if (result.added[0]) useStore.getState().select(result.added[0]);
      if (result.notes.length) setNotes(result.notes);
      else onClose();
    } catch (err) {
      useStore.getState().showError(err);
    } finally {
      setBusy(false);
    }
  };

  const openFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };

  if (notes) {
    return (
      <Modal titleId="shotlist-title" bodyId="shotlist-body" testId="shotlist-done" initialFocus={areaRef} onClose={onClose}>
        <h2 id="shotlist-title">Shot list imported</h2>
        <ul id="shotlist-body" className="shotlist-notes" data-testid="shotlist-notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
        <div className="modal-actions">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            OK
          </button>
        </div>
      </Modal>
    );
  }

  const n = parsed.shots.length;
  return (
    <Modal titleId="shotlist-title" bodyId="shotlist-body" testId="shotlist-dialog" initialFocus={areaRef} onClose={onClose}>
      <div className="shotlist-modal">
        <h2 id="shotlist-title">Import a shot list</h2>
        <p id="shotlist-body" className="muted small">
          One scene per paragraph, numbered item or heading. <code>[8s]</code> sets a length; sub-bullets (camera, lighting) stay in the shot. Numbered bold titles with <code>Shot:</code> or <code>镜头</code> lines work too.
        </p>
        <textarea
          ref={areaRef}
          className="input shotlist-input"
          data-testid="shotlist-text"
          aria-label="Shot list"
          value={text}
          placeholder={EXAMPLE}
          onChange={(e) => setText(e.target.value)}
        />
        <input ref={fileRef} type="file" accept=".txt,.md,.markdown,text/plain,text/markdown" hidden onChange={(e) => void openFile(e.target.files?.[0])} />
        <p className="small shotlist-summary" data-testid="shotlist-summary" aria-live="polite">
          {n ? `${describeShotList(parsed)}${parsed.style ? ` · style: ${parsed.style}` : ''}` : 'Paste a shot list to see its scenes.'}
        </p>
        {n > 0 && (
          <ol className="shotlist-preview" data-testid="shotlist-preview">
            {fitted.scenes.slice(0, 50).map((s, i) => (
              <li key={i}>
                <span className="shotlist-seconds">{s.seconds} s</span> {s.prompt.length > 140 ? `${s.prompt.slice(0, 140)}…` : s.prompt}
              </li>
            ))}
          </ol>
        )}
        {fitted.notes.map((note) => (
          <p key={note} className="small shotlist-note">
            <Icon name="warn" /> {note}
          </p>
        ))}
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" onClick={() => fileRef.current?.click()}>
            <Icon name="folder" />
            Open file…
          </button>
          <div className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" data-testid="shotlist-import" disabled={!n || busy} onClick={() => void run()}>
            Add {n || ''} scene{n === 1 ? '' : 's'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
