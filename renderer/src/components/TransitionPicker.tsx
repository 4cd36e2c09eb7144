// The boundary between two cards: a button naming its transition, and the picker it opens (the effect and its
// seconds). A transition longer than the two scenes allow is refused here with the most it can be, by the
// same rule main applies when the change arrives (shared/timeline.ts transitionProblem).
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Transition, TransitionType } from '../../../shared/project.ts';
import { maxTransitionSeconds, transitionProblem, type Timeline } from '../../../shared/timeline.ts';
import { updateScene } from '../actions.ts';
import { KeyframeMark, KeyframeShare, useBoundaryKeyframe } from './BoundaryKeyframe.tsx';

type Choice = 'cut' | TransitionType;
const CHOICES: Array<{ id: Choice; label: string }> = [
  { id: 'cut', label: 'Cut' },
  { id: 'crossfade', label: 'Crossfade' },
  { id: 'fade-black', label: 'Fade through black' },
  { id: 'dip-white', label: 'Dip to white' },
  { id: 'wipe-left', label: 'Wipe left' },
  { id: 'wipe-right', label: 'Wipe right' },
  { id: 'slide-left', label: 'Slide left' },
  { id: 'slide-right', label: 'Slide right' },
];

export const transitionName = (t: Transition): string => (t === 'cut' ? 'Cut' : (CHOICES.find((c) => c.id === t.type)?.label ?? t.type));
const SHORT: Record<TransitionType, string> = { crossfade: 'mix', 'fade-black': 'fade', 'dip-white': 'dip', 'wipe-left': 'wipe ←', 'wipe-right': 'wipe →', 'slide-left': 'slide ←', 'slide-right': 'slide →' };
/** Fits the marker's height (the full name is in its title and label). */
const shortName = (t: Transition): string => (t === 'cut' ? 'cut' : `${SHORT[t.type]} ${t.seconds}s`);

interface BoundaryProps {
  /** Between scenes[index] and scenes[index + 1]. */
  index: number;
  sceneId: string;
  transition: Transition;
  timeline: Timeline;
  /** Left edge of the gap between the two cards, and its width, in strip px. */
  x: number;
  width: number;
  /** The overlap drawn across the two cards' edges, in strip px (0 for a cut). */
  overlap: { left: number; right: number };
}

export function Boundary({ index, sceneId, transition, timeline, x, width, overlap }: BoundaryProps) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLButtonElement>(null);
  const name = transitionName(transition);
  const keyframe = useBoundaryKeyframe(index);
  return (
    <>
      {overlap.left + overlap.right > 0 && (
        <div className="transition-overlap" style={{ left: x - overlap.left, width: overlap.left + width + overlap.right }} data-testid="transition-overlap" aria-hidden="true" />
      )}
      <button
        ref={ref}
        type="button"
        className={`transition-marker ${transition === 'cut' ? '' : 'is-effect'} ${open ? 'is-open' : ''} ${keyframe ? 'has-keyframe' : ''}`}
        style={{ left: x, width }}
        data-testid="boundary"
        data-index={index}
        data-transition={transition === 'cut' ? 'cut' : transition.type}
        aria-label={`Transition between scenes ${index + 1} and ${index + 2}: ${name}${transition === 'cut' ? '' : `, ${transition.seconds} seconds`}${keyframe ? '; they share a keyframe' : ''}. Change it.`}
        title={`${name}${keyframe ? ' · shared keyframe' : ''} — click to change`}
        onClick={() => setOpen((o) => !o)}
      >
        <span>{shortName(transition)}</span>
        {keyframe && <KeyframeMark file={keyframe} />}
      </button>
      {open && <Picker anchor={ref} index={index} sceneId={sceneId} transition={transition} timeline={timeline} onClose={() => setOpen(false)} />}
    </>
  );
}

function Picker({ anchor, index, sceneId, transition, timeline, onClose }: { anchor: React.RefObject<HTMLButtonElement | null>; index: number; sceneId: string; transition: Transition; timeline: Timeline; onClose(): void }) {
  const most = maxTransitionSeconds(timeline, index) ?? 0;
  const [choice, setChoice] = useState<Choice>(transition === 'cut' ? 'cut' : transition.type);
  const [seconds, setSeconds] = useState(String(transition === 'cut' ? Math.min(0.5, most) : transition.seconds));
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const r = anchor.current?.getBoundingClientRect();
    if (!r) return;
    const w = 280;
    setPos({ left: Math.max(8, Math.min(window.innerWidth - w - 8, r.left + r.width / 2 - w / 2)), top: r.bottom + 6 });
  }, [anchor]);
  // Focus moves into the picker once it is placed (a hidden element cannot take it).
  useEffect(() => {
    if (pos) box.current?.querySelector<HTMLElement>('input:checked')?.focus();
  }, [pos]);
  useEffect(() => {
    const away = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node) && !anchor.current?.contains(e.target as Node)) onClose();
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
      anchor.current?.focus();
    };
    window.addEventListener('pointerdown', away, true);
    window.addEventListener('keydown', escape, true);
    return () => {
      window.removeEventListener('pointerdown', away, true);
      window.removeEventListener('keydown', escape, true);
    };
  }, [anchor, onClose]);

  const value = Number(seconds);
  const problem = choice === 'cut' ? null : !Number.isFinite(value) || value <= 0 ? 'Give the transition a length in seconds, above 0.' : transitionProblem(timeline, index, value);

  const apply = async () => {
    if (problem) return;
    const next: Transition = choice === 'cut' ? 'cut' : { type: choice, seconds: Math.round(value * 100) / 100 };
    if (await updateScene(sceneId, { transition: next })) onClose();
  };

  return (
    <div
      ref={box}
      className="transition-picker"
      role="dialog"
      aria-label={`Transition between scenes ${index + 1} and ${index + 2}`}
      data-testid="transition-picker"
      style={pos ? { left: pos.left, top: pos.top } : { visibility: 'hidden' }}
    >
      <h3 className="picker-title">
        Scene {index + 1} → {index + 2}
      </h3>
      <div className="picker-choices" role="radiogroup" aria-label="Effect">
        {CHOICES.map((c) => (
          <label key={c.id} className={`picker-choice ${choice === c.id ? 'is-on' : ''}`}>
            <input type="radio" name={`transition-${index}`} value={c.id} checked={choice === c.id} onChange={() => setChoice(c.id)} data-testid={`transition-${c.id}`} />
            {c.label}
          </label>
        ))}
      </div>
      {choice !== 'cut' && (
        <label className="picker-seconds">
          Length
          <input className="input input-num" type="number" min={0.1} step={0.1} max={most} value={seconds} onChange={(e) => setSeconds(e.target.value)} data-testid="transition-seconds" aria-invalid={problem ? true : undefined} />
          <span className="muted">s · at most {most} s here</span>
        </label>
      )}
      {problem && (
        <p className="picker-problem" role="alert" data-testid="transition-problem">
          {problem}
        </p>
      )}
      <div className="picker-actions">
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-sm btn-primary" data-testid="transition-apply" disabled={!!problem} onClick={() => void apply()}>
          Apply
        </button>
      </div>
      {/* Acts at once (it is not part of Apply, which sets the effect). */}
      <KeyframeShare index={index} sceneId={sceneId} />
    </div>
  );
}
