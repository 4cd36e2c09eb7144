// Timeline layout math (pure; unit-tested in tests/unit/renderer-timeline.test.ts).
// Cards are laid out left to right, their widths proportional to duration with a minimum, separated by a
// transition gap. Times come from the film's one clock (shared/timeline.ts); nothing here adds them up.
// The ruler is drawn against those same positions, so it stays aligned with the cards even where the
// minimum width stretches a short scene.
import type { Timeline } from '../../../shared/timeline.ts';

export interface TimelineOptions {
  pxPerSecond: number;
  minCardWidth: number;
  /** Width of the transition marker between two cards. */
  gap: number;
  /** Padding before the first card and after the last one. */
  edge: number;
}

export const DEFAULT_TIMELINE: TimelineOptions = { pxPerSecond: 32, minCardWidth: 120, gap: 24, edge: 16 };

export interface CardBox {
  id: string;
  index: number;
  /** Left edge in px from the start of the strip. */
  x: number;
  width: number;
  /** Start and end on the film's clock, in seconds. */
  start: number;
  end: number;
}

export interface TimelineLayout {
  cards: CardBox[];
  /** Total width including both edges. */
  width: number;
  totalSeconds: number;
}

export function cardWidth(seconds: number, opts: TimelineOptions = DEFAULT_TIMELINE): number {
  return Math.max(opts.minCardWidth, Math.round(Math.max(0, seconds) * opts.pxPerSecond));
}

export function layoutTimeline(timeline: Pick<Timeline, 'scenes' | 'total'>, opts: TimelineOptions = DEFAULT_TIMELINE): TimelineLayout {
  const cards: CardBox[] = [];
  let x = opts.edge;
  timeline.scenes.forEach((s, index) => {
    if (index > 0) x += opts.gap;
    const width = cardWidth(s.length, opts);
    cards.push({ id: s.sceneId, index, x, width, start: s.start, end: s.end });
    x += width;
  });
  return { cards, width: x + opts.edge, totalSeconds: timeline.total };
}

export interface Tick {
  x: number;
  /** Seconds on the film's clock. */
  t: number;
  kind: 'scene' | 'major' | 'minor';
  /** Only ticks that have room for a label carry one. */
  label: boolean;
}

/**
 * One minor tick per second inside each card, a "scene" tick at every scene boundary and a "major" tick on
 * every multiple of `majorEvery` seconds. Labels are kept only where they do not crowd each other (scene
 * boundaries win).
 */
export function rulerTicks(layout: TimelineLayout, majorEvery = 5, minLabelSpacing = 46): Tick[] {
  const ticks: Tick[] = [];
  for (const card of layout.cards) {
    const seconds = card.end - card.start;
    for (let s = 0; s < seconds; s++) {
      const t = card.start + s;
      const x = card.x + (seconds === 0 ? 0 : (card.width * s) / seconds);
      const kind: Tick['kind'] = s === 0 ? 'scene' : t % majorEvery === 0 ? 'major' : 'minor';
      ticks.push({ x: Math.round(x), t, kind, label: false });
    }
  }
  const last = layout.cards.at(-1);
  if (last) ticks.push({ x: last.x + last.width, t: last.end, kind: 'scene', label: false });

  // Labels: scene boundaries first, then majors, each only if far enough from every label kept so far.
  const kept: number[] = [];
  const fits = (x: number): boolean => kept.every((k) => Math.abs(k - x) >= minLabelSpacing);
  for (const kind of ['scene', 'major'] as const) {
    for (const tick of ticks) {
      if (tick.kind === kind && fits(tick.x)) {
        tick.label = true;
        kept.push(tick.x);
      }
    }
  }
  return ticks;
}

/** Which gap (0..cards.length) a pointer at `x` is over: before the card whose middle it has not passed. */
export function gapAt(layout: TimelineLayout, x: number): number {
  // Cards are sorted by x (a drag step over 200 scenes must not walk them all): binary search.
  const { cards } = layout;
  let lo = 0;
  let hi = cards.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (x < cards[m]!.x + cards[m]!.width / 2) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/**
 * The final index (for scenes.move's `toIndex`) when the card at `from` is dropped into `gap`.
 * Returns null when the drop would leave the order unchanged.
 */
export function dropTarget(from: number, gap: number): number | null {
  const to = gap > from ? gap - 1 : gap;
  return to === from ? null : to;
}

/** Index after a keyboard move by `delta`, clamped; null when it cannot move. */
export function stepIndex(from: number, delta: number, count: number): number | null {
  const to = Math.min(count - 1, Math.max(0, from + delta));
  return to === from ? null : to;
}

/** x on the strip of film time `t`: inside the card that plays then (the outgoing one inside a transition). */
export function xAtTime(layout: TimelineLayout, t: number): number {
  const { cards } = layout;
  if (!cards.length) return DEFAULT_TIMELINE.edge;
  for (const card of cards) {
    if (t < card.end || card === cards.at(-1)) {
      const span = card.end - card.start;
      const f = span > 0 ? Math.min(1, Math.max(0, (t - card.start) / span)) : 0;
      return card.x + f * card.width;
    }
  }
  return cards.at(-1)!.x + cards.at(-1)!.width;
}

/** Film time under strip x (the inverse of xAtTime; a gap between cards is the later card's start). */
export function timeAtX(layout: TimelineLayout, x: number): number {
  for (const card of layout.cards) {
    if (x < card.x) return card.start;
    if (x <= card.x + card.width) return card.start + ((x - card.x) / card.width) * (card.end - card.start);
  }
  return layout.cards.at(-1)?.end ?? 0;
}

/** Zoom: pixels per second, from "fit the film" up to close work on one scene. */
export const MIN_PPS = 2;
export const MAX_PPS = 160;

/** Layout options at a zoom: cards shrink with it down to a compact width, so a long film can fit. */
export function zoomOptions(pxPerSecond: number): TimelineOptions {
  const pps = Math.min(MAX_PPS, Math.max(MIN_PPS, pxPerSecond));
  return { ...DEFAULT_TIMELINE, pxPerSecond: pps, minCardWidth: Math.round(Math.min(DEFAULT_TIMELINE.minCardWidth, Math.max(44, pps * 3))), gap: pps < 12 ? 14 : DEFAULT_TIMELINE.gap };
}

/** The zoom at which the whole film fits `width` px (scenes at their minimum width included). */
export function fitZoom(timeline: Pick<Timeline, 'scenes' | 'total'>, width: number): number {
  let lo = MIN_PPS;
  let hi = MAX_PPS;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (layoutTimeline(timeline, zoomOptions(mid)).width <= width) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Indexes of the cards that overlap [left, right] px, plus `overscan` px either side (virtualised strip). */
export function visibleRange(layout: TimelineLayout, left: number, right: number, overscan = 400): { from: number; to: number } {
  const { cards } = layout;
  const lo = left - overscan;
  const hi = right + overscan;
  // Cards are sorted by x: binary search the first one that ends after lo.
  let a = 0;
  let b = cards.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (cards[m]!.x + cards[m]!.width < lo) a = m + 1;
    else b = m;
  }
  let to = a;
  while (to < cards.length && cards[to]!.x <= hi) to++;
  return { from: a, to };
}
