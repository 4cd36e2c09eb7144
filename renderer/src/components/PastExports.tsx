// Films exported before, newest first (from .storyreel/exports.json through exports.history): file, date,
// length and preset, the sound and captions it was made with ("−14 LUFS · music: rain.wav · captions
// burned in"), and, compared live with the cut as it is now, whether each came from an older cut and what
// changed since ("made from an older cut: scene 3's take changed"). Show in folder for a file still there.
import { useEffect, useMemo, useState } from 'react';
import { choicesInWords, cutOf, olderCutNote, type PastExport } from '../../../shared/export-history.ts';
import { revealPastExport } from '../actions.ts';
import { getApi } from '../api.ts';
import { formatClock } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { Icon } from './ui.tsx';

/** Shown until "Show all" is clicked. */
const FIRST = 4;

const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

const presetOf = (e: PastExport): string => [e.preset.aspect ?? e.preset.size, e.preset.aspect ? e.preset.fit : null, e.preset.quality].filter(Boolean).join(' · ');

export function PastExports() {
  const project = useStore((s) => s.view?.project ?? null);
  // Read again when a project opens and whenever an export of it finishes.
  const finished = useStore((s) => Object.values(s.exports).filter((e) => e.state === 'done').length);
  const projectId = project?.id ?? null;
  const [past, setPast] = useState<PastExport[]>([]);
  const [all, setAll] = useState(false);
  // Read again when a film could not be shown (moved or deleted since): its button then goes.
  const [reads, setReads] = useState(0);
  const reveal = async (id: string) => {
    if ((await revealPastExport(id)) === undefined) setReads((n) => n + 1);
  };
  useEffect(() => {
    if (!projectId) return;
    let live = true;
    getApi()
      .exports.history({})
      .then(
        (list) => live && setPast(list),
        () => live && setPast([]),
      );
    return () => {
      live = false;
    };
  }, [projectId, finished, reads]);
  const now = useMemo(() => (project ? cutOf(project) : null), [project]);
  if (!past.length || !now) return null;
  const shown = all ? past : past.slice(0, FIRST);
  return (
    <section className="past-exports" aria-labelledby="past-exports-title" data-testid="past-exports">
      <h3 id="past-exports-title" className="past-exports-title">
        Past exports
      </h3>
      <ul>
        {shown.map((e) => {
          const older = olderCutNote(e.cut, now);
          const name = e.file.split('/').pop() ?? e.file;
          const choices = choicesInWords(e.choices);
          return (
            <li key={e.id} className={`past-export${older ? ' is-older' : ''}${e.missing ? ' is-missing' : ''}`} data-testid="past-export" data-file={e.file}>
              <span className="past-export-name" title={e.file}>
                {name}
              </span>
              <span className="past-export-meta muted">
                {when(e.finishedAt)} · {formatClock(e.seconds)} · {presetOf(e)}
              </span>
              {choices && (
                <span className="past-export-meta past-export-choices" data-testid="past-export-choices">
                  {choices.charAt(0).toUpperCase() + choices.slice(1)}
                </span>
              )}
              {older && (
                <span className="past-export-note" data-testid="past-export-older">
                  {older.charAt(0).toUpperCase() + older.slice(1)}.
                </span>
              )}
              {e.missing && (
                <span className="past-export-note muted" data-testid="past-export-missing">
                  The file is no longer where it was exported: it was moved or deleted.
                </span>
              )}
              {!e.missing && (
                <button type="button" className="btn btn-sm btn-ghost past-export-reveal" data-testid="past-export-reveal" aria-label={`Show ${name} in its folder`} onClick={() => void reveal(e.id)}>
                  <Icon name="folder" />
                  Show in folder
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {past.length > FIRST && (
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${past.length}`}
        </button>
      )}
    </section>
  );
}
