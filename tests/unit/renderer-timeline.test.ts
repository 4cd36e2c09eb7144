import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardWidth, dropTarget, gapAt, layoutTimeline, rulerTicks, stepIndex } from '../../renderer/src/lib/timeline.ts';
import type { TimelineOptions } from '../../renderer/src/lib/timeline.ts';
import { SceneSchema } from '../../shared/project.ts';
import { buildTimeline } from '../../shared/timeline.ts';

/** The film's clock for scenes of these lengths, with no takes yet (scenes as a hand-written file has them). */
const clock = (scenes: Array<{ id: string; seconds: number }>) => buildTimeline({ scenes: scenes.map((s) => SceneSchema.parse({ ...s, prompt: '' })) });

const opts: TimelineOptions = { pxPerSecond: 28, minCardWidth: 100, gap: 20, edge: 10 };

test('card width is proportional to duration, with a minimum', () => {
  assert.equal(cardWidth(8, opts), 224);
  assert.equal(cardWidth(12, opts), 336);
  assert.equal(cardWidth(2, opts), 100);
  assert.equal(cardWidth(0, opts), 100);
});

test('layout places cards in order with gaps and tracks the film clock', () => {
  const layout = layoutTimeline(
    clock([
      { id: 'a', seconds: 4 },
      { id: 'b', seconds: 8 },
      { id: 'c', seconds: 12 },
    ]),
    opts,
  );
  assert.deepEqual(
    layout.cards.map((c) => [c.id, c.x, c.width, c.start, c.end]),
    [
      ['a', 10, 112, 0, 4],
      ['b', 142, 224, 4, 12],
      ['c', 386, 336, 12, 24],
    ],
  );
  assert.equal(layout.width, 386 + 336 + 10);
  assert.equal(layout.totalSeconds, 24);
});

test('an empty storyboard is just its edges', () => {
  const layout = layoutTimeline(clock([]), opts);
  assert.deepEqual(layout.cards, []);
  assert.equal(layout.width, 20);
  assert.deepEqual(rulerTicks(layout), []);
});

test('ruler ticks follow the cards, even where the minimum width stretches a short scene', () => {
  const layout = layoutTimeline(
    clock([
      { id: 'a', seconds: 2 },
      { id: 'b', seconds: 6 },
    ]),
    opts,
  );
  const ticks = rulerTicks(layout, 5, 40);
  // 2 ticks in a (stretched to 100 px: 50 px apart), 6 in b, plus the end.
  assert.equal(ticks.length, 9);
  assert.deepEqual(ticks.slice(0, 3).map((t) => [t.x, t.t, t.kind]), [
    [10, 0, 'scene'],
    [60, 1, 'minor'],
    [130, 2, 'scene'],
  ]);
  assert.equal(ticks.find((t) => t.t === 5)?.kind, 'major');
  assert.deepEqual(ticks.at(-1), { x: 130 + 168, t: 8, kind: 'scene', label: true });
  // Scene boundaries are labelled; labels never crowd each other.
  const labelled = ticks.filter((t) => t.label).map((t) => t.x);
  for (let i = 1; i < labelled.length; i++) assert.ok(Math.abs((labelled[i] ?? 0) - (labelled[i - 1] ?? 0)) >= 40);
  assert.ok(ticks.filter((t) => t.kind === 'scene').every((t) => t.label));
});

test('the gap under the pointer is before the first card whose middle it has not passed', () => {
  const layout = layoutTimeline(
    clock([
      { id: 'a', seconds: 4 },
      { id: 'b', seconds: 4 },
    ]),
    opts,
  );
  assert.equal(gapAt(layout, 0), 0);
  assert.equal(gapAt(layout, 65), 0);
  assert.equal(gapAt(layout, 67), 1);
  assert.equal(gapAt(layout, 197), 1);
  assert.equal(gapAt(layout, 199), 2);
  assert.equal(gapAt(layout, 400), 2);
});

test('dropping into a gap gives the final index, or null when nothing moves', () => {
  assert.equal(dropTarget(0, 0), null);
  assert.equal(dropTarget(0, 1), null);
  assert.equal(dropTarget(0, 2), 1);
  assert.equal(dropTarget(0, 3), 2);
  assert.equal(dropTarget(3, 0), 0);
  assert.equal(dropTarget(3, 3), null);
  assert.equal(dropTarget(3, 4), null);
  assert.equal(dropTarget(3, 1), 1);
});

test('keyboard steps clamp at the ends', () => {
  assert.equal(stepIndex(0, -1, 3), null);
  assert.equal(stepIndex(0, 1, 3), 1);
  assert.equal(stepIndex(2, 1, 3), null);
  assert.equal(stepIndex(2, -1, 3), 1);
  assert.equal(stepIndex(0, 1, 1), null);
});
