// "Copy diagnostics": main builds the text (versions, ffmpeg, settings' state, redacted log lines; never a
// key); the creator sees exactly what would be copied, and prompts are left out unless they tick the box.
import { useEffect, useRef, useState } from 'react';
import { getApi } from '../api.ts';
import { updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';

export function DiagnosticsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-sm btn-ghost" data-testid="open-diagnostics" title="Versions and recent log lines for a bug report" onClick={() => setOpen(true)}>
        Diagnostics…
      </button>
      {open && <DiagnosticsDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function DiagnosticsDialog({ onClose }: { onClose: () => void }) {
  const [includePrompts, setIncludePrompts] = useState(false);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const copyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let live = true;
    setCopied(false);
    getApi()
      .app.diagnostics({ includePrompts })
      .then((r) => live && setText(r.text))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [includePrompts]);
  const copy = async () => {
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setError('The clipboard refused the text: select it below and copy it by hand.');
    }
  };
  return (
    <Modal titleId="diag-title" bodyId="diag-body" testId="diagnostics" initialFocus={copyRef} onClose={onClose}>
      <h2 id="diag-title">Diagnostics</h2>
      <div id="diag-body">
        <p>For a bug report. It holds no API key; prompts are hidden as [prompt] unless you include them.</p>
        <label className="check">
          <input type="checkbox" data-testid="diagnostics-prompts" checked={includePrompts} onChange={(e) => setIncludePrompts(e.target.checked)} /> Include prompts and titles
        </label>
        <CrashReports />
        {error && <p className="field-error">{error}</p>}
        <textarea className="input diagnostics-text" data-testid="diagnostics-text" readOnly rows={14} value={text ?? 'Collecting…'} aria-label="Diagnostics text" />
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        <button ref={copyRef} type="button" className="btn btn-primary" data-testid="diagnostics-copy" aria-disabled={!text} onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </Modal>
  );
}

/** Crash reports: kept on this computer; uploaded only if the creator ticks this and the build has an address. */
function CrashReports() {
  const info = useStore((s) => s.info);
  const crash = info?.crashReports;
  if (!crash) return null;
  const share = info.settings.shareCrashReports;
  return (
    <div className="crash-reports">
      <label className="check">
        <input type="checkbox" data-testid="share-crash-reports" checked={share && crash.uploadAddress !== null} disabled={crash.uploadAddress === null} onChange={(e) => void updateSettings({ shareCrashReports: e.target.checked })} /> Send crash
        reports to the Storyreel developers
      </label>
      <p className="muted">
        {crash.uploadAddress === null
          ? `This build has no address to send them to: crash reports stay on this computer${crash.folder ? ` in ${crash.folder}` : ''}.`
          : share
            ? `Sent to ${crash.uploadAddress}. They hold the app's memory at the crash, which can include prompts.`
            : `Off: crash reports stay on this computer${crash.folder ? ` in ${crash.folder}` : ''}.`}
      </p>
    </div>
  );
}
