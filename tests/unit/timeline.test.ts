// The film's one clock (shared/timeline.ts): starts, lengths, trims, overlaps and the total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost } from '../../shared/capabilities.ts';
import { ProjectSchema, type Project, type SceneInput, type Take } from '../../shared/project.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import { layoutTimeline, rulerTicks } from '../../renderer/src/lib/timeline.ts';

const project = (scenes: SceneInput[]): Project => ProjectSchema.parse({ formatVersion: 2, model: 'animatic', scenes });
const take = (id: string, seconds: number, trim?: Take['trim']): Take => ({
  id,
  jobId: `job_${id}`,
  provider: 'preview',
  model: 'animatic',
  file: `media/${id}.mp4`,
  thumbnail: null,
  seconds,
  size: '1280x720',
  prompt: 'x',
  providerJobId: null,
  costUsd: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  rating: 0,
  ...(trim ? { trim } : {}),
});

test('scenes without takes follow each other at the seconds asked for', () => {
  const t = buildTimeline(project([{ id: 'a', prompt: 'a', seconds: 4 }, { id: 'b', prompt: 'b', seconds: 8 }, { id: 'c', prompt: 'c', seconds: 4 }]));
  assert.deepEqual(t.scenes.map((s) => [s.sceneId, s.start, s.length, s.end, s.planned, s.take]), [
    ['a', 0, 4, 4, 4, null],
    ['b', 4, 8, 12, 8, null],
    ['c', 12, 4, 16, 4, null],
  ]);
  assert.deepEqual(t.boundaries.map((b) => [b.index, b.transition, b.overlap, b.at]), [
    [0, 'cut', 0, 4],
    [1, 'cut', 0, 12],
  ]);
  assert.equal(t.total, 16);
  assert.equal(t.complete, false);
  assert.deepEqual(buildTimeline(project([])), { scenes: [], boundaries: [], total: 0, complete: true });
});

test("a chosen take gives the scene its measured length, and its trim the part that is used", () => {
  const t = buildTimeline(
    project([
      { id: 'a', prompt: 'a', seconds: 4, takes: [take('a1', 4.04)], chosenTake: 'a1' },
      { id: 'b', prompt: 'b', seconds: 8, takes: [take('b1', 8, { in: 1, out: 6.5 }), take('b2', 8)], chosenTake: 'b1' },
      { id: 'c', prompt: 'c', seconds: 4, takes: [take('c1', 4, { in: 1, out: 9 })], chosenTake: 'c1' },
      { id: 'd', prompt: 'd', seconds: 4, takes: [take('d1', 4)], chosenTake: null },
    ]),
  );
  assert.deepEqual(t.scenes.map((s) => s.take && [s.take.id, s.take.in, s.take.out]), [['a1', 0, 4.04], ['b1', 1, 6.5], ['c1', 1, 4], null]);
  assert.deepEqual(t.scenes.map((s) => [s.start, s.length]), [
    [0, 4.04],
    [4.04, 5.5],
    [9.54, 3], // a trim past the take's end is read as its end
    [12.54, 4], // takes but none chosen: the seconds asked for
  ]);
  assert.equal(t.total, 16.54);
  assert.equal(t.complete, false);
});

test("a transition overlaps the two scenes by its seconds, at most half of either, and a cut by nothing", () => {
  const t = buildTimeline(
    project([
      { id: 'a', prompt: 'a', seconds: 4, transition: { type: 'crossfade', seconds: 1 } },
      { id: 'b', prompt: 'b', seconds: 4, transition: { type: 'fade-black', seconds: 5 } },
      { id: 'c', prompt: 'c', seconds: 2, transition: 'cut' },
      { id: 'd', prompt: 'd', seconds: 4, transition: { type: 'wipe-left', seconds: 1 } }, // the last scene: no boundary
    ]),
  );
  assert.deepEqual(t.boundaries.map((b) => [b.index, b.overlap, b.at]), [
    [0, 1, 3],
    [1, 1, 6], // 5 s wanted; c is 2 s long, so 1 s
    [2, 0, 8],
  ]);
  assert.deepEqual(t.scenes.map((s) => [s.start, s.end]), [
    [0, 4],
    [3, 7],
    [6, 8],
    [8, 12],
  ]);
  assert.equal(t.total, 12);
});

test('the storyboard layout, its ruler and the estimate read the same clock', () => {
  const p = project([
    { id: 'a', prompt: 'a', seconds: 4, takes: [take('a1', 4, { in: 0, out: 2 })], chosenTake: 'a1' },
    { id: 'b', prompt: 'b', seconds: 8 },
  ]);
  const t = buildTimeline(p);
  const layout = layoutTimeline(t, { pxPerSecond: 10, minCardWidth: 10, gap: 5, edge: 5 });
  assert.deepEqual(layout.cards.map((c) => [c.id, c.start, c.end, c.width]), [
    ['a', 0, 2, 20],
    ['b', 2, 10, 80],
  ]);
  assert.equal(layout.totalSeconds, t.total);
  assert.equal(rulerTicks(layout).at(-1)!.t, 10);
  // Generation is priced by the seconds asked for, not the part of a take the film uses.
  const est = estimateCost({ ...p, provider: 'openai-videos', model: 'sora-2' }, ['a', 'b'], 2);
  assert.deepEqual(est.lines.map((l) => [l.sceneId, l.seconds]), [
    ['a', 4],
    ['b', 8],
  ]);
  assert.equal(est.totalSeconds, 24);
});
