// The film's one clock: a project becomes its timeline here and nowhere else. The storyboard's layout and
// ruler, the header's film length, the CLI's summaries, the export and the estimate all read it, so they
// cannot disagree about how long a scene is or where it starts. Pure; both processes import it.
//
// A scene's length on the film is the part of its chosen take that is used (trim in → out), or, before a
// take is chosen, the seconds asked for. A transition into the next scene overlaps the two by its
// seconds (a cut by 0), at most half of either scene, so an effect never swallows a scene.
import { chosenTakeOf, type Project, type Transition } from './project.ts';
import { maxTransitionSeconds as maxBetween } from './transitions.ts';

export interface TimelineScene {
  sceneId: string;
  index: number;
  /** Seconds asked of the provider (scene.seconds): what a generation makes and costs. */
  planned: number;
  /** The chosen take and the part of it the film uses; null before a take is chosen. */
  take: { id: string; file: string; seconds: number; in: number; out: number } | null;
  /** On the film's clock, in seconds. end = start + length. */
  start: number;
  length: number;
  end: number;
}

export interface TimelineBoundary {
  /** Between scenes[index] and scenes[index + 1]. */
  index: number;
  transition: Transition;
  /** Seconds the two scenes share; 0 for a cut. */
  overlap: number;
  /** Where the next scene starts on the film's clock. */
  at: number;
}

export interface Timeline {
  scenes: TimelineScene[];
  boundaries: TimelineBoundary[];
  /** Length of the whole film, in seconds. */
  total: number;
  /** Every scene has a chosen take (the film can be exported). */
  complete: boolean;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function buildTimeline(project: Pick<Project, 'scenes'>): Timeline {
  const scenes: TimelineScene[] = project.scenes.map((scene, index) => {
    const chosen = chosenTakeOf(scene);
    let take: TimelineScene['take'] = null;
    let length = scene.seconds;
    if (chosen) {
      const whole = Math.max(0, chosen.seconds);
      const from = Math.min(whole, Math.max(0, chosen.trim?.in ?? 0));
      const to = Math.min(whole, Math.max(from, chosen.trim?.out ?? whole));
      take = { id: chosen.id, file: chosen.file, seconds: whole, in: from, out: to };
      length = to - from;
    }
    return { sceneId: scene.id, index, planned: scene.seconds, take, start: 0, length: round(length), end: 0 };
  });
  const boundaries: TimelineBoundary[] = [];
  let t = 0;
  scenes.forEach((s, i) => {
    if (i > 0) {
      const prev = scenes[i - 1]!;
      const transition = project.scenes[i - 1]!.transition;
      const wanted = transition === 'cut' ? 0 : transition.seconds;
      const overlap = round(Math.max(0, Math.min(wanted, prev.length / 2, s.length / 2)));
      t = round(t - overlap);
      boundaries.push({ index: i - 1, transition, overlap, at: t });
    }
    s.start = t;
    s.end = round(t + s.length);
    t = s.end;
  });
  return { scenes, boundaries, total: t, complete: scenes.every((s) => s.take !== null) };
}

/**
 * The longest transition the boundary after scene `index` can hold: half of the shorter neighbour (what
 * buildTimeline clamps to). null when there is no scene after it.
 */
export function maxTransitionSeconds(timeline: Pick<Timeline, 'scenes'>, index: number): number | null {
  const a = timeline.scenes[index];
  const b = timeline.scenes[index + 1];
  if (!a || !b) return null;
  return maxBetween(a.length, b.length); // the export's rule (shared/transitions.ts), so the two never disagree
}

/** Why a transition of `seconds` does not fit the boundary after scene `index`, in words; null when it fits. */
export function transitionProblem(timeline: Pick<Timeline, 'scenes'>, index: number, seconds: number): string | null {
  const most = maxTransitionSeconds(timeline, index);
  if (most === null) return 'The last scene has no scene after it to blend into.';
  if (seconds <= most + 1e-9) return null;
  return `A ${seconds} s transition is too long here: it can be at most ${most} s (half of the shorter of scenes ${index + 1} and ${index + 2}).`;
}

/** Shortest part of a take the film may keep, in seconds. */
export const MIN_TRIM_SECONDS = 0.1;

/** Why a trim of a take `seconds` long does not fit, in words; null when it does. */
export function trimProblem(seconds: number, trim: { in: number; out: number }): string | null {
  if (trim.in < 0 || trim.out > seconds + 1e-6) return `The trim must stay inside the take (0 to ${Math.round(seconds * 100) / 100} s).`;
  if (trim.out - trim.in < MIN_TRIM_SECONDS) return `The trim must keep at least ${MIN_TRIM_SECONDS} s (in ${trim.in} s, out ${trim.out} s).`;
  return null;
}
