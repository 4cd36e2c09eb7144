// What the viewer shows at a moment of the film (renderer/src/lib/playback.ts): the scene playing, its take
// time after the trim, both scenes inside a transition, and the J/K/L shuttle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameAt, shuttle } from '../../renderer/src/lib/playback.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import type { Scene, Take } from '../../shared/project.ts';

const take = (id: string, seconds: number, trim?: { in: number; out: number }): Take => ({ id, jobId: `j${id}`, provider: 'preview', model: 'animatic', file: `media/${id}.mp4`, thumbnail: null, seconds, size: '320x180', prompt: '', providerJobId: null, costUsd: 0, createdAt: '', rating: 0, ...(trim ? { trim } : {}) });
const scene = (id: string, t: Take | null, transition: Scene['transition'] = 'cut'): Scene => ({ id, prompt: id, seconds: 4, transition, caption: null, continuity: 'none', referenceImage: null, takes: t ? [t] : [], chosenTake: t?.id ?? null, lastError: null });

test('a moment of the film maps to its scene and the time in its trimmed take', () => {
  const tl = buildTimeline({ scenes: [scene('a', take('a', 4, { in: 1, out: 3 })), scene('b', take('b', 4)), scene('c', null)] });
  assert.deepEqual(frameAt(tl, 0.5)!.main, { index: 0, at: 1.5, file: 'media/a.mp4' });
  assert.deepEqual(frameAt(tl, 2)!.main, { index: 1, at: 0, file: 'media/b.mp4' });
  assert.deepEqual(frameAt(tl, 7)!.main, { index: 2, at: null, file: null }, 'a scene with no take plays for its planned seconds');
  assert.equal(frameAt(tl, 99)!.main.index, 2);
});

test('inside a crossfade both scenes show, the incoming one from its start', () => {
  const tl = buildTimeline({ scenes: [scene('a', take('a', 4), { type: 'crossfade', seconds: 1 }), scene('b', take('b', 4))] });
  const f = frameAt(tl, 3.5)!;
  assert.equal(f.main.index, 0);
  assert.equal(f.main.at, 3.5);
  assert.deepEqual({ index: f.incoming!.index, at: f.incoming!.at, progress: f.incoming!.progress }, { index: 1, at: 0.5, progress: 0.5 });
  assert.equal(frameAt(tl, 2.9)!.incoming, null);
});

test('J/K/L shuttle', () => {
  assert.equal(shuttle(0, 'l'), 1);
  assert.equal(shuttle(1, 'l'), 2);
  assert.equal(shuttle(4, 'l'), 4);
  assert.equal(shuttle(2, 'j'), -1);
  assert.equal(shuttle(-1, 'j'), -2);
  assert.equal(shuttle(-2, 'k'), 0);
});
