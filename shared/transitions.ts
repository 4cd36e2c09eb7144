// How long each transition may be, and the words for one that is too long. Pure: the window uses it to
// size a transition as the creator drags, the export refuses a film that breaks it. The rule is the
// timeline's (shared/timeline.ts): a transition overlaps the two scenes it joins by its seconds, at most
// half of either, so the transitions at both ends of a scene can never meet inside it.
import type { Timeline } from './timeline.ts';
import type { Transition, TransitionType } from './project.ts';

export const TRANSITION_LABELS: Record<TransitionType, string> = {
  crossfade: 'crossfade',
  'fade-black': 'fade through black',
  'dip-white': 'dip to white',
  'wipe-left': 'wipe left',
  'wipe-right': 'wipe right',
  'slide-left': 'slide left',
  'slide-right': 'slide right',
};

/** The most seconds a transition between scenes of these lengths may last, floored to a millisecond. */
export function maxTransitionSeconds(before: number, after: number): number {
  return Math.floor((Math.min(before, after) / 2) * 1000) / 1000;
}

export interface TransitionProblem {
  /** The boundary: between scene `index` and `index + 1` (0-based). */
  index: number;
  wanted: number;
  max: number;
  message: string;
}

const fmt = (s: number): string => `${Number(s.toFixed(3))} s`;

/** Every transition longer than its scenes allow, with a sentence that says the most it can be. */
export function transitionProblems(timeline: Pick<Timeline, 'scenes' | 'boundaries'>): TransitionProblem[] {
  const problems: TransitionProblem[] = [];
  for (const b of timeline.boundaries) {
    const t: Transition = b.transition;
    if (t === 'cut') continue;
    const before = timeline.scenes[b.index]!;
    const after = timeline.scenes[b.index + 1]!;
    const max = maxTransitionSeconds(before.length, after.length);
    if (t.seconds <= max + 1e-6) continue;
    const shorter = before.length <= after.length ? before : after;
    problems.push({
      index: b.index,
      wanted: t.seconds,
      max,
      message:
        `The ${TRANSITION_LABELS[t.type]} between scene ${b.index + 1} and scene ${b.index + 2} is ${fmt(t.seconds)}, longer than those scenes allow: ` +
        `it can be at most ${fmt(max)} (half of scene ${shorter.index + 1}'s ${fmt(shorter.length)}). Shorten it, or make the scene longer.`,
    });
  }
  return problems;
}
