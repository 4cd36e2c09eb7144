// One scene on the storyboard strip: its frame (chosen take, latest take, or a placeholder with the prompt's
// first words), number, duration, problems, and the latest job's status and progress.
import { memo, useEffect, useRef } from 'react';
import type { DragEvent, KeyboardEvent } from 'react';
import { sceneProblems, sceneTarget } from '../../../shared/capabilities.ts';
import { chosenTakeOf } from '../../../shared/project.ts';
import type { Scene, Take } from '../../../shared/project.ts';
import { getApi } from '../api.ts';
import { firstWords } from '../lib/format.ts';

const formatSeconds = (s: number) => `${Math.round(s * 10) / 10}s`;
import { latestJobFor, sceneStatus } from '../lib/status.ts';
import type { CardBox } from '../lib/timeline.ts';
import { useStore } from '../store.ts';
import { HoverScrub } from './HoverScrub.tsx';
import { SceneModelBadge } from './SceneModelPicker.tsx';
import { StaleFlag } from './StaleFlag.tsx';
import { ContinuityLink } from './ContinuityLink.tsx';
import { ProgressBar, StatusChip } from './ui.tsx';

interface Props {
  scene: Scene;
  index: number;
  box: CardBox;
  selected: boolean;
  /** One of several scenes picked for an action (Ctrl/Shift+click). */
  picked?: boolean;
  focusable: boolean;
  dragging: boolean;
  onSelect(): void;
  /** A click, with its modifiers (multi-select). */
  onPick?(e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): void;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>): void;
  onDragStart(e: DragEvent<HTMLDivElement>): void;
  onDragEnd(): void;
}

/**
 * Re-renders only when what it shows changes; its handlers are fresh closures over the strip's latest state
 * (Timeline routes them through a ref), so a drag step over a long film does not re-render every card.
 */
export const SceneCard = memo(SceneCardView, (a, b) =>
  a.scene === b.scene && a.index === b.index && a.box.x === b.box.x && a.box.width === b.box.width && a.box.start === b.box.start && a.box.end === b.box.end &&
  a.selected === b.selected && a.picked === b.picked && a.focusable === b.focusable && a.dragging === b.dragging);

function SceneCardView({ scene, index, box, selected, picked = false, focusable, dragging, onSelect, onPick, onKeyDown, onDragStart, onDragEnd }: Props) {
  const provider = useStore((s) => s.view?.project.provider ?? '');
  const model = useStore((s) => s.view?.project.model ?? '');
  const size = useStore((s) => s.view?.project.size ?? '');
  const job = useStore((s) => latestJobFor(s.jobs, scene.id));
  const ref = useRef<HTMLDivElement>(null);
  const byPointer = useRef(false);

  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selected]);

  const problems = sceneProblems({ size, ...sceneTarget({ provider, model }, scene) }, scene, index);
  const hardProblem = problems.find((p) => p.field !== 'prompt');
  const chosen = chosenTakeOf(scene);
  const shownTake = chosen ?? scene.takes.at(-1) ?? null;
  const status = sceneStatus(job);
  const busy = status.tone === 'active' || status.tone === 'waiting';

  // The chip says what the creator needs to know: a job in progress or failed wins; otherwise the takes.
  let chip = <StatusChip tone={status.tone}>{status.label}</StatusChip>;
  if (!busy && status.tone !== 'failed') {
    if (chosen) {
      chip = (
        <StatusChip tone="ready">
          Take {scene.takes.indexOf(chosen) + 1} of {scene.takes.length}
        </StatusChip>
      );
    } else if (scene.takes.length > 0) {
      chip = <StatusChip tone="waiting">Pick a take ({scene.takes.length})</StatusChip>;
    } else if (status.tone === 'muted') {
      chip = <StatusChip tone="muted">Canceled</StatusChip>;
    }
  }
  const failure = status.tone === 'failed' ? (job?.error?.message ?? scene.lastError?.message ?? 'The provider gave no reason.') : null;

  const label =
    [
      `Scene ${index + 1}`,
      `${scene.seconds} seconds`,
      scene.prompt.trim() ? firstWords(scene.prompt, 12) : 'no prompt yet',
      status.tone === 'idle' || status.tone === 'ready' ? '' : status.sentence,
      chosen ? `take ${scene.takes.indexOf(chosen) + 1} of ${scene.takes.length} chosen` : scene.takes.length ? `${scene.takes.length} takes, none chosen` : 'no takes yet',
      scene.continuity === 'previous-last-frame' && index > 0 ? `continues from scene ${index}'s last frame` : '',
      ...problems.map((p) => p.message),
    ]
      .map((part) => part.replace(/[.…\s]+$/, ''))
      .filter(Boolean)
      .join('. ') + '.';

  return (
    <div
      ref={ref}
      role="option"
      aria-selected={selected}
      aria-label={label}
      tabIndex={focusable ? 0 : -1}
      className={`card ${selected ? 'is-selected' : ''} ${picked ? 'is-picked' : ''} ${dragging ? 'is-dragging' : ''} ${hardProblem ? 'has-problem' : ''} tone-${status.tone}`}
      style={{ left: box.x, width: box.width }}
      data-testid="scene-card"
      data-scene-id={scene.id}
      data-status={status.state}
      data-index={index}
      data-picked={picked ? 'true' : undefined}
      draggable
      onPointerDown={() => (byPointer.current = true)}
      onClick={(e) => {
        byPointer.current = false;
        if (onPick) onPick(e);
        else onSelect();
      }}
      // Focus from the keyboard selects; from a click, the click decides (Shift/Ctrl pick from the selection).
      onFocus={() => !selected && !byPointer.current && onSelect()}
      onKeyDown={onKeyDown}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
    >
      <div className="card-frame">
        {shownTake ? <TakeFrame take={shownTake} dim={!chosen} /> : <Placeholder prompt={scene.prompt} />}
        {shownTake && <HoverScrub take={shownTake} />}
        <span className="card-num">{index + 1}</span>
        {scene.continuity === 'previous-last-frame' && index > 0 && <ContinuityLink sceneId={scene.id} index={index} />}
        {/* Its length on the film (the trimmed take), which is what the card's width shows. */}
        <span className="card-dur" title={`${scene.seconds} s asked of the provider`}>{formatSeconds(box.end - box.start)}</span>
        <SceneModelBadge scene={scene} />
        <StaleFlag scene={scene} take={chosen} />
        {hardProblem && (
          <span className="card-flag" title={hardProblem.message}>
            !
          </span>
        )}
      </div>
      <div className="card-meta">
        {chip}
        {status.progress !== null && busy && <ProgressBar value={status.progress} label={`Scene ${index + 1} progress`} className="progress-thin" />}
        {failure && (
          <p className="card-reason" title={failure}>
            {failure}
          </p>
        )}
        {!failure && hardProblem && (
          <p className="card-reason card-reason-problem" title={hardProblem.message}>
            {hardProblem.message}
          </p>
        )}
        {!failure && !hardProblem && !busy && shownTake && (
          <p className="card-caption" title={scene.prompt}>
            {firstWords(scene.prompt, 10) || <span className="muted">No prompt yet</span>}
          </p>
        )}
      </div>
    </div>
  );
}

function TakeFrame({ take, dim }: { take: Take; dim: boolean }) {
  const api = getApi();
  const cls = `frame-media ${dim ? 'is-dim' : ''}`;
  if (take.thumbnail) return <img className={cls} src={api.mediaUrl(take.thumbnail)} alt="" draggable={false} />;
  return <video className={cls} src={`${api.mediaUrl(take.file)}#t=0.5`} preload="metadata" muted playsInline tabIndex={-1} aria-hidden="true" />;
}

function Placeholder({ prompt }: { prompt: string }) {
  const words = firstWords(prompt, 9);
  return (
    <div className={`frame-placeholder ${words ? '' : 'is-empty'}`}>
      <span>{words || 'Write a prompt'}</span>
    </div>
  );
}
