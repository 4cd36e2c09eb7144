// The staleness rule for past exports (shared/export-history.ts): a past export is from an older cut
// exactly when a scene, its chosen take, its trim, the transition after it, the order or the frame changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutChanges, cutOf, olderCutNote } from '../../shared/export-history.ts';
import { ProjectSchema, type Project, type SceneInput, type Take } from '../../shared/project.ts';

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

const scene = (id: string, takes: Take[], chosen: string, extra: Partial<SceneInput> = {}): SceneInput => ({ id, prompt: id, seconds: 4, takes, chosenTake: chosen, ...extra });

function film(edit: (scenes: SceneInput[]) => void = () => {}, size = '1280x720'): Project {
  const scenes = [
    scene('s1', [take('a1', 4)], 'a1', { transition: { type: 'crossfade', seconds: 0.5 } }),
    scene('s2', [take('b1', 4), take('b2', 4)], 'b1'),
    scene('s3', [take('c1', 6, { in: 1, out: 5 })], 'c1'),
    scene('s4', [take('d1', 4)], 'd1'),
  ];
  edit(scenes);
  return ProjectSchema.parse({ formatVersion: 2, model: 'animatic', size, scenes });
}

test('the same cut is not older, whatever else changed (prompts, unchosen takes, ratings)', () => {
  const then = cutOf(film());
  const now = cutOf(
    film((s) => {
      s[1]!.prompt = 'a new prompt';
      (s[1]!.takes as Take[]).push(take('b3', 4));
    }),
  );
  assert.deepEqual(cutChanges(then, now), []);
  assert.equal(olderCutNote(then, now), null);
});

test('a changed take, trim or transition is named by the scene it is in, numbered as now', () => {
  const then = cutOf(film());
  const changed = cutOf(
    film((s) => {
      s[1]!.chosenTake = 'b2';
      (s[2]!.takes as Take[])[0] = take('c1', 6, { in: 1, out: 4.5 });
      s[0]!.transition = { type: 'crossfade', seconds: 1 };
    }),
  );
  assert.deepEqual(cutChanges(then, changed), ['the transition after scene 1 changed', "scene 2's take changed", "scene 3's trim changed"]);
  assert.equal(olderCutNote(then, cutOf(film((s) => (s[1]!.chosenTake = 'b2')))), "made from an older cut: scene 2's take changed");
});

test('scenes added, removed or moved, and a new frame, are said; more than three changes are counted', () => {
  const then = cutOf(film());
  assert.deepEqual(cutChanges(then, cutOf(film((s) => s.splice(1, 1)))), ['scene 2 of that cut was removed']);
  assert.deepEqual(cutChanges(then, cutOf(film((s) => s.push(scene('s5', [take('e1', 4)], 'e1'))))), ['scene 5 is new']);
  // Swapping scenes 3 and 4: the order changed; their transitions (both cuts) are not compared across new neighbours.
  assert.deepEqual(cutChanges(then, cutOf(film((s) => s.splice(2, 2, s[3]!, s[2]!)))), ['the scenes are in another order']);
  assert.deepEqual(cutChanges(then, cutOf(film(undefined, '720x1280'))), ["the film's frame changed from 1280x720 to 720x1280"]);
  const many = cutOf(
    film((s) => {
      s[1]!.chosenTake = 'b2';
      s.splice(3, 1);
      s.push(scene('s5', [take('e1', 4)], 'e1'), scene('s6', [take('f1', 4)], 'f1'));
    }),
  );
  assert.equal(olderCutNote(then, many), "made from an older cut: scene 4 of that cut was removed, scene 4 is new, scene 5 is new and 1 more change");
});
