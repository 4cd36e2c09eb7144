// Export the film: enabled once every scene has a chosen take; the sound and caption choices; progress, ETA,
// the exports waiting their turn (each can be canceled), the result or why it failed, and the films exported before.
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { saysWhatToDo } from '../../../shared/errors.ts';
import type { ExportSnapshot } from '../../../shared/jobs.ts';
import { chosenTakeOf } from '../../../shared/project.ts';
import { cancelExport, revealExport, startExport } from '../actions.ts';
import { getApi } from '../api.ts';
import { describeAppError } from '../lib/errors.ts';
import { failureDetail } from '../lib/export-failure.ts';
import { formatClock, formatEta, formatPercent, joinForDisplay, listScenes } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { ConformPackageButton } from './ConformPackageButton.tsx';
import { choicesOf, ExportOptions, useKeptOptions } from './ExportOptions.tsx';
import { PastExports } from './PastExports.tsx';
import { StaleWarnings } from './StaleFlag.tsx';
import { Icon, ProgressBar } from './ui.tsx';

/** The export to show: the one running, else the latest asked for that is not waiting. */
function currentExport(exports: Record<string, ExportSnapshot>): ExportSnapshot | null {
  let best: ExportSnapshot | null = null;
  for (const e of Object.values(exports)) {
    if (e.state === 'running') return e;
    if (e.state !== 'queued' && (!best || e.startedAt > best.startedAt)) best = e;
  }
  return best;
}

export function ExportPanel() {
  const current = useStore((s) => currentExport(s.exports));
  const queued = useStore(useShallow((s) => Object.values(s.exports).filter((e) => e.state === 'queued').sort((a, b) => (a.queuePosition ?? 0) - (b.queuePosition ?? 0))));
  const missing = useStore(useShallow((s) => (s.view?.project.scenes ?? []).flatMap((sc, i) => (chosenTakeOf(sc) ? [] : [i + 1]))));
  const sceneCount = useStore((s) => s.view?.project.scenes.length ?? 0);
  const ffmpegOk = useStore((s) => s.info?.ffmpeg.ok ?? true);
  const running = current?.state === 'running';
  const captions = useStore((s) => (s.view?.project.scenes ?? []).filter((sc) => sc.caption?.trim()).length);
  const [options, setOptions] = useKeptOptions();

  let blocker: string | null = null;
  if (sceneCount === 0) blocker = 'Add scenes and generate them first.';
  else if (missing.length > 0) blocker = `${listScenes(missing)} ${missing.length === 1 ? 'has' : 'have'} no chosen take yet.`;
  else if (!ffmpegOk) blocker = 'Export needs ffmpeg (see the banner above).';

  return (
    <section className="panel panel-export" aria-labelledby="export-title">
      <h2 id="export-title" className="panel-title">
        Export
      </h2>
      {/* Open while one runs: the choices go with the export asked for next (it queues). */}
      <ExportOptions value={options} onChange={setOptions} captions={captions} />
      <button
        type="button"
        className="btn btn-primary btn-block"
        data-testid="export-start"
        disabled={blocker !== null}
        aria-describedby={blocker ? 'export-blocker' : undefined}
        onClick={() => void startExport(choicesOf(options))}
      >
        <Icon name="film" />
        {running ? 'Queue another export' : current?.state === 'done' ? 'Export again' : 'Export MP4'}
      </button>
      <StaleWarnings />
      {blocker && !running && (
        <p id="export-blocker" className="field-hint" data-testid="export-blocker">
          {blocker}
        </p>
      )}
      {current && <ExportStatus snapshot={current} />}
      {queued.length > 0 && <ExportQueue queued={queued} />}
      <ConformPackageButton disabled={blocker !== null} />
      <PastExports />
    </section>
  );
}

function ExportStatus({ snapshot }: { snapshot: ExportSnapshot }) {
  const dir = useStore((s) => s.view?.dir ?? '');
  if (snapshot.state === 'canceled') return null; // silent
  // The bar stays after the export ends (full when done), so the result never jumps the layout.
  const bar = <ProgressBar value={snapshot.state === 'done' ? 1 : snapshot.progress} label="Export progress" testId="export-progress" className={`export-bar is-${snapshot.state}`} />;
  if (snapshot.state === 'running') {
    const eta = formatEta(snapshot.etaSeconds);
    return (
      <div className="export-status" aria-live="polite">
        {bar}
        <div className="export-line">
          <span className="export-pct">{formatPercent(snapshot.progress)}</span>
          <span className="muted">
            {eta || 'working…'} · {formatClock(snapshot.totalSeconds)} film
            {snapshot.path === 'normalize' ? ' · re-encoding' : snapshot.path === 'fast' ? ' · fast join' : ''}
          </span>
          <div className="spacer" />
          <button type="button" className="btn btn-sm btn-ghost" data-testid="export-cancel" onClick={() => void cancelExport(snapshot.id)}>
            Cancel
          </button>
        </div>
        <PlanLines snapshot={snapshot} />
      </div>
    );
  }
  if (snapshot.state === 'done' && snapshot.outputFile) {
    const file = snapshot.outputFile;
    return (
      <div className="export-status export-done" data-testid="export-done" data-file={file}>
        {bar}
        <p className="export-ok">
          <Icon name="check" /> Exported {formatClock(snapshot.totalSeconds)}
        </p>
        <video className="export-video" controls preload="metadata" src={getApi().mediaUrl(file)} aria-label="The exported film" />
        <p className="export-path" title={joinForDisplay(dir, file)}>
          {joinForDisplay(dir, file)}
        </p>
        <button type="button" className="btn btn-sm" data-testid="export-reveal" onClick={() => void revealExport(snapshot.id)}>
          <Icon name="folder" />
          Show in folder
        </button>
        <PlanLines snapshot={snapshot} />
      </div>
    );
  }
  if (snapshot.state === 'failed') return <ExportFailure snapshot={snapshot} bar={bar} />;
  return null;
}

const ordinal = (n: number): string => (n === 1 ? 'next' : `${n}${n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'} in line`);

/** Exports asked for while one runs: each waits its turn and can be taken out of the queue. */
function ExportQueue({ queued }: { queued: ExportSnapshot[] }) {
  return (
    <ul className="export-queue" aria-label="Exports waiting their turn" data-testid="export-queue">
      {queued.map((e) => (
        <li key={e.id} className="export-queued" data-testid="export-queued" data-position={e.queuePosition}>
          <span>
            Waiting · <strong>{e.queuePosition ? ordinal(e.queuePosition) : 'in line'}</strong> · {formatClock(e.totalSeconds)} film
          </span>
          <div className="spacer" />
          <button type="button" className="btn btn-sm btn-ghost" data-testid="export-queued-cancel" onClick={() => void cancelExport(e.id)}>
            Cancel
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Why an export failed, in words; ffmpeg's command line and its last lines behind "Details". */
function ExportFailure({ snapshot, bar }: { snapshot: ExportSnapshot; bar: ReactNode }) {
  const shown = describeAppError(snapshot.error);
  if (!shown) return null;
  const detail = failureDetail(shown.detail);
  const next = saysWhatToDo(shown.message) ? '' : shown.nextStep;
  return (
    <div className="export-status" role="alert" data-testid="export-error">
      {bar}
      <div className="export-failed error-text">
        <p className="error-message">The export failed: {shown.message}</p>
        {next && <p className="error-next">{next}</p>}
        {detail && (
          <details className="export-failure-detail" data-testid="export-error-details">
            <summary>Details</summary>
            <p className="export-failure-label">{detail.command ? 'What ffmpeg said last' : 'What went wrong'}</p>
            <pre data-testid="export-error-lines">{detail.lines.join('\n')}</pre>
            {detail.command && (
              <>
                <p className="export-failure-label">The ffmpeg command (to run it again in a terminal)</p>
                <pre data-testid="export-error-command">{detail.command}</pre>
              </>
            )}
          </details>
        )}
      </div>
    </div>
  );
}

const PATH_LABEL = { copy: 'copied', window: 'window', conform: 're-encoded' } as const;

/** Which path each scene took and why: open while the export runs, a click away once it is done. */
function PlanLines({ snapshot }: { snapshot: ExportSnapshot }) {
  if (!snapshot.plan?.length) return null;
  return (
    <details className="export-plan" data-testid="export-plan" open={snapshot.state === 'running'}>
      <summary>How each scene is made</summary>
      {snapshot.planReason && <p className="muted export-plan-reason">{snapshot.planReason.charAt(0).toUpperCase() + snapshot.planReason.slice(1)}.</p>}
      <ul>
        {snapshot.plan.map((s, i) => (
          <li key={i}>
            <span className={`plan-path is-${s.path}`}>{PATH_LABEL[s.path]}</span> Scene {s.scene}: {s.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
