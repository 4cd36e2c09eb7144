// The export's sound and captions: a loudness target, a music bed chosen in main's file dialog (copied into
// the project's media/music/), and captions burned into the picture. Kept per project by main
// (.storyreel/export-choices.json) as the creator changes them, so the next session starts with them; main
// checks them again when the export starts.
import { useEffect, useRef, useState } from 'react';
import { LOUDNESS_CHOICES, LOUDNESS_LABELS, NO_CHOICES, type ExportChoices, type KeptChoices } from '../../../shared/export-options.ts';
import { keepExportChoices, pickMusic } from '../actions.ts';
import { getApi } from '../api.ts';
import { formatClock } from '../lib/format.ts';
import { useStore } from '../store.ts';
import '../export-options.css';

export type ExportOptionsValue = KeptChoices;

/** The panel's choices: those kept for the open project, then the creator's, each change kept for next time. */
export function useKeptOptions(): [ExportOptionsValue, (v: ExportOptionsValue) => void] {
  const projectId = useStore((s) => s.view?.project.id ?? null);
  const [value, setValue] = useState<ExportOptionsValue>(NO_CHOICES);
  // A change made before the kept choices arrive wins over them.
  const changed = useRef(false);
  useEffect(() => {
    changed.current = false;
    setValue(NO_CHOICES);
    if (!projectId) return;
    let live = true;
    getApi()
      .exports.keptChoices({})
      .then(
        (kept) => live && !changed.current && setValue(kept),
        () => {},
      );
    return () => {
      live = false;
    };
  }, [projectId]);
  const change = (v: ExportOptionsValue) => {
    changed.current = true;
    setValue(v);
    void keepExportChoices(v);
  };
  return [value, change];
}

/** What exports.start is sent. */
export function choicesOf(v: ExportOptionsValue): ExportChoices {
  return { loudness: v.loudness ?? null, music: v.music?.file ?? null, captions: v.burnCaptions ? 'burn' : 'none' };
}

export function ExportOptions({ value, onChange, disabled, captions }: { value: ExportOptionsValue; onChange: (v: ExportOptionsValue) => void; disabled?: boolean; captions: number }) {
  const choose = async () => {
    const picked = await pickMusic();
    if (picked) onChange({ ...value, music: picked });
  };
  return (
    <fieldset className="export-options" disabled={disabled} data-testid="export-options">
      <legend className="field-label">Sound and captions</legend>
      <label className="export-option">
        <span>Loudness</span>
        <select
          className="input select input-sm"
          data-testid="export-loudness"
          value={value.loudness ?? ''}
          onChange={(e) => onChange({ ...value, loudness: e.target.value === '' ? null : (Number(e.target.value) as (typeof LOUDNESS_CHOICES)[number]) })}
        >
          <option value="">As recorded</option>
          {LOUDNESS_CHOICES.map((l) => (
            <option key={l} value={l}>
              {LOUDNESS_LABELS[l]}
            </option>
          ))}
        </select>
      </label>
      <div className="export-option">
        <span>Music bed</span>
        {value.music ? (
          <span className="export-music" data-testid="export-music">
            <span className="export-music-name" title={value.music.file}>
              {value.music.name}
            </span>
            <span className="muted">{formatClock(value.music.seconds)}</span>
            <button type="button" className="btn btn-sm btn-ghost" data-testid="export-music-clear" onClick={() => onChange({ ...value, music: null })}>
              Remove
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-sm" data-testid="export-music-pick" onClick={() => void choose()}>
            Choose music…
          </button>
        )}
      </div>
      {value.music && <p className="field-hint">Looped or cut to the film, faded in and out, and lowered while the scenes’ own sound plays.</p>}
      <label className="export-option export-check">
        <input type="checkbox" data-testid="export-burn-captions" checked={value.burnCaptions} disabled={captions === 0} onChange={(e) => onChange({ ...value, burnCaptions: e.target.checked })} />
        <span>Burn captions into the picture</span>
      </label>
      <p className="field-hint" data-testid="export-captions-hint">
        {captions === 0 ? 'No scene has a caption yet.' : value.burnCaptions ? `${captions} caption${captions === 1 ? '' : 's'} drawn on the film; every frame is re-encoded.` : `${captions} caption${captions === 1 ? '' : 's'}: left out of the picture (the conform package has them as SRT).`}
      </p>
    </fieldset>
  );
}
