// The film's clock as the window reads it: one Timeline (shared/timeline.ts) per version of the scene list,
// shared by the strip, the header and the scene editor, and the same object as long as nothing on the clock
// changed. A prompt edit, a rating or a new take that is not chosen leave every time where it was, so the
// strip's layout, its ruler and its transition markers are not worked out or drawn again (a 200-scene board
// edits one card, not the whole strip). Only a change to a length, a transition, the chosen take or the order
// gives a new one.
import type { Scene } from '../../../shared/project.ts';
import { buildTimeline, type Timeline, type TimelineBoundary, type TimelineScene } from '../../../shared/timeline.ts';

const byScenes = new WeakMap<readonly Scene[], Timeline>();
let last: Timeline | null = null;

/** The timeline of this scene list: computed once per list, and the previous one when its clock is the same. */
export function timelineOf(scenes: readonly Scene[]): Timeline {
  let t = byScenes.get(scenes);
  if (t) return t;
  t = buildTimeline({ scenes: scenes as Scene[] });
  if (last && sameClock(last, t)) t = last;
  last = t;
  byScenes.set(scenes, t);
  return t;
}

const sameScene = (a: TimelineScene, b: TimelineScene): boolean =>
  a.sceneId === b.sceneId &&
  a.index === b.index &&
  a.planned === b.planned &&
  a.start === b.start &&
  a.length === b.length &&
  a.end === b.end &&
  (a.take === b.take || (!!a.take && !!b.take && a.take.id === b.take.id && a.take.file === b.take.file && a.take.seconds === b.take.seconds && a.take.in === b.take.in && a.take.out === b.take.out));

const sameBoundary = (a: TimelineBoundary, b: TimelineBoundary): boolean =>
  a.index === b.index &&
  a.overlap === b.overlap &&
  a.at === b.at &&
  (a.transition === b.transition || (a.transition !== 'cut' && b.transition !== 'cut' && a.transition.type === b.transition.type && a.transition.seconds === b.transition.seconds));

/** Two timelines that place every scene, take and transition alike. */
export function sameClock(a: Timeline, b: Timeline): boolean {
  return (
    a.total === b.total &&
    a.complete === b.complete &&
    a.scenes.length === b.scenes.length &&
    a.boundaries.length === b.boundaries.length &&
    a.scenes.every((s, i) => sameScene(s, b.scenes[i]!)) &&
    a.boundaries.every((x, i) => sameBoundary(x, b.boundaries[i]!))
  );
}
