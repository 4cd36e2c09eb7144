// "Conform package for editors…": the chosen takes and the cut as OTIO, FCPXML, Premiere XML, EDL and
// captions, written by main into a new folder under the project's exports/ and shown in the file manager.
// The result is this button's own state: main keeps no record of packages.
import { useState } from 'react';
import type { CallOutput } from '../../../shared/contract.ts';
import { makeConformPackage } from '../actions.ts';
import { joinForDisplay } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

export function ConformPackageButton({ disabled }: { disabled: boolean }) {
  const dir = useStore((s) => s.view?.dir ?? '');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<CallOutput<'exports', 'package'> | null>(null);
  const run = async () => {
    setBusy(true);
    setDone(null);
    const result = await makeConformPackage();
    setBusy(false);
    if (result) setDone(result);
  };
  const takes = done?.files.filter((f) => f.startsWith('media/')).length ?? 0;
  return (
    <div className="conform-package">
      <button type="button" className="btn btn-block" data-testid="conform-package" disabled={disabled || busy} onClick={() => void run()}>
        <Icon name="folder" />
        {busy ? 'Writing the package…' : 'Conform package for editors…'}
      </button>
      {done && (
        <div className="conform-done" data-testid="conform-done" aria-live="polite">
          <p className="export-ok">
            <Icon name="check" /> Package written: {done.scenes} scene{done.scenes === 1 ? '' : 's'}, {takes} take{takes === 1 ? '' : 's'}
          </p>
          <p className="export-path" title={joinForDisplay(dir, done.folder)}>
            {joinForDisplay(dir, done.folder)}
          </p>
          <p className="field-hint">
            For Resolve, Final Cut Pro and Premiere: {done.files.filter((f) => !f.startsWith('media/')).join(' · ')}
          </p>
        </div>
      )}
    </div>
  );
}
