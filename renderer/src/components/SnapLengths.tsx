// "Snap to nearest": when the model changed under the storyboard, every scene whose length its model cannot
// make is set to the nearest it can, in one undo step, and the note says which scenes changed from what to what.
import { useMemo, useState } from 'react';
import { describeSnapped, lengthsToSnap, type SnappedLength } from '../../../shared/snap.ts';
import { useCustomModels } from '../hooks.ts';
import { snapLengths } from '../lib/craft-actions.ts';
import { undo } from '../lib/undo.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

export function SnapLengths() {
  const custom = useCustomModels();
  const project = useStore((s) => s.view?.project ?? null);
  const off = useMemo(() => (project ? lengthsToSnap(project, custom) : []), [project, custom]);
  const version = useStore((s) => s.view?.version ?? -1);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ version: number; snapped: SnappedLength[] } | null>(null);

  if (off.length > 0) {
    const fix = async () => {
      setBusy(true);
      const result = await snapLengths();
      setBusy(false);
      if (result?.change) setDone({ version: result.change.version, snapped: result.snapped });
    };
    const models = new Set(off.map((o) => o.model));
    const who = models.size === 1 ? off[0]!.model : 'their models';
    return (
      <div className="issue issue-action" role="note">
        <Icon name="warn" />
        <span>
          {off.length === 1 ? '1 scene has a length' : `${off.length} scenes have lengths`} {who} cannot make.
        </span>
        <button type="button" className="btn btn-sm" data-testid="snap-durations" disabled={busy} onClick={() => void fix()}>
          Snap to nearest
        </button>
      </div>
    );
  }
  if (!done) return null;
  // Undo here takes back the snap only while it is the last change.
  const last = version === done.version;
  return (
    <div className="issue issue-action issue-done" role="status" data-testid="snapped-lengths">
      <Icon name="check" />
      <span>Snapped {describeSnapped(done.snapped)}.</span>
      <span className="issue-buttons">
        {last && (
          <button type="button" className="btn btn-sm" data-testid="snapped-undo" onClick={() => void undo().then(() => setDone(null))}>
            Undo
          </button>
        )}
        <button type="button" className="btn btn-sm btn-ghost" data-testid="snapped-dismiss" onClick={() => setDone(null)}>
          OK
        </button>
      </span>
    </div>
  );
}
