// The window's film clock (renderer/src/lib/film-clock.ts): one timeline per version of the scene list, and
// the same object while nothing on the clock changed, so a one-scene edit on a 200-scene board does not lay
// out or draw the whole strip again. Edits arrive as patches (shared/change.ts), as they do in the window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timelineOf } from '../../renderer/src/lib/film-clock.ts';
import { gapAt, layoutTimeline } from '../../renderer/src/lib/timeline.ts';
import { applyPatches } from '../../shared/change.ts';
import { ProjectSchema, SceneSchema, type Project, type Scene } from '../../shared/project.ts';
import { buildTimeline } from '../../shared/timeline.ts';

function board(n: number): Project {
  const scenes = Array.from({ length: n }, (_, i) => {
    const scene = SceneSchema.parse({ id: `s${i}`, prompt: `Shot ${i + 1}`, seconds: 4 });
    const take = { id: `t${i}`, jobId: `j${i}`, provider: 'preview', model: 'animatic', file: `media/${i}.mp4`, thumbnail: null, seconds: 4, size: '1280x720', prompt: scene.prompt, providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0 };
    return { ...scene, takes: [take, { ...take, id: `t${i}b`, seconds: 6 }], chosenTake: take.id };
  });
  return ProjectSchema.parse({ formatVersion: 2, model: 'animatic', size: '1280x720', scenes });
}

/** The project after one scene is patched, as the window applies main's change. */
const patched = (p: Project, i: number, edit: (s: Scene) => Scene): Project => applyPatches(p, [{ op: 'scene', scene: edit(p.scenes[i]!) }]);

test('a prompt edit or a rating keeps the same timeline object; the scene list is new', () => {
  const p0 = board(200);
  const t0 = timelineOf(p0.scenes);
  assert.equal(timelineOf(p0.scenes), t0, 'read twice, computed once');
  const p1 = patched(p0, 17, (s) => ({ ...s, prompt: 'A gull steals a sardine' }));
  assert.notEqual(p1.scenes, p0.scenes);
  assert.equal(timelineOf(p1.scenes), t0, 'a prompt edit does not move anything on the clock');
  const p2 = patched(p1, 3, (s) => ({ ...s, takes: s.takes.map((t) => ({ ...t, rating: 4 })) }));
  assert.equal(timelineOf(p2.scenes), t0, 'nor does a rating');
  assert.deepEqual(timelineOf(p2.scenes), buildTimeline({ scenes: p2.scenes }), 'and it is still the right timeline');
});

test('a change to a length, a transition, the chosen take or the order gives a new timeline, and the right one', () => {
  const p0 = board(12);
  const t0 = timelineOf(p0.scenes);
  const cases: Array<[string, Project]> = [
    ['seconds asked, before a take is chosen', patched(p0, 2, (s) => ({ ...s, seconds: 8, chosenTake: null }))],
    ['another take chosen (6 s instead of 4 s)', patched(p0, 5, (s) => ({ ...s, chosenTake: `t5b` }))],
    ['the same length, but another take (its file plays)', patched(p0, 5, (s) => ({ ...s, takes: s.takes.map((t) => (t.id === 't5' ? { ...t, file: 'media/other.mp4' } : t)) }))],
    ['a trim', patched(p0, 7, (s) => ({ ...s, takes: s.takes.map((t) => (t.id === 't7' ? { ...t, trim: { in: 1, out: 4 } } : t)) }))],
    ['a crossfade', patched(p0, 0, (s) => ({ ...s, transition: { type: 'crossfade', seconds: 1 } }))],
    ['a reorder', applyPatches(p0, [{ op: 'order', ids: [...p0.scenes.map((s) => s.id)].reverse() }])],
  ];
  for (const [what, p] of cases) {
    timelineOf(p0.scenes); // back to the first version each time
    const t = timelineOf(p.scenes);
    assert.notEqual(t, t0, what);
    assert.deepEqual(t, buildTimeline({ scenes: p.scenes }), what);
  }
  // A crossfade of another type, same seconds: the marker shows it.
  const fade = patched(p0, 0, (s) => ({ ...s, transition: { type: 'crossfade', seconds: 1 } }));
  const t1 = timelineOf(fade.scenes);
  const wipe = patched(fade, 0, (s) => ({ ...s, transition: { type: 'wipe-left', seconds: 1 } }));
  assert.notEqual(timelineOf(wipe.scenes), t1);
});

test('gapAt (a binary search) finds the gap before the first card whose middle the pointer has not passed', () => {
  const p = board(40);
  const layout = layoutTimeline(timelineOf(applyPatches(p, [{ op: 'scene', scene: { ...p.scenes[3]!, chosenTake: 't3b' } }]).scenes));
  const linear = (x: number) => layout.cards.find((c) => x < c.x + c.width / 2)?.index ?? layout.cards.length;
  for (let x = -50; x <= layout.width + 50; x += 7) assert.equal(gapAt(layout, x), linear(x), `x = ${x}`);
  assert.equal(gapAt(layoutTimeline(buildTimeline({ scenes: [] })), 30), 0);
});
