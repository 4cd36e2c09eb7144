// Main's checks on storyboard edits (electron/services/projects/craft.ts, shared/timeline.ts): a transition
// longer than half a neighbour is refused with the most it can be; a trim must stay inside its take.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { checkTransition, trimTake } from '../../electron/services/projects/craft.ts';
import { createProject, ProjectStore } from '../../electron/services/projects/store.ts';
import { buildTimeline, maxTransitionSeconds, transitionProblem } from '../../shared/timeline.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-craft-'));
after(() => fs.rm(root, { recursive: true, force: true }));

test('the longest transition is half the shorter neighbour; longer is refused in words', async () => {
  const dir = path.join(root, 't');
  await createProject(dir, { scenes: [{ prompt: 'a', seconds: 4 }, { prompt: 'b', seconds: 3 }, { prompt: 'c', seconds: 8 }] });
  const store = await ProjectStore.open(dir);
  const tl = buildTimeline(store.get());
  assert.equal(maxTransitionSeconds(tl, 0), 1.5);
  assert.equal(maxTransitionSeconds(tl, 2), null);
  assert.equal(transitionProblem(tl, 1, 1.5), null);
  const [a] = store.get().scenes;
  assert.throws(() => checkTransition(store, a!.id, { type: 'crossfade', seconds: 2 }), /at most 1\.5 s/);
  assert.doesNotThrow(() => checkTransition(store, a!.id, { type: 'wipe-left', seconds: 1.5 }));
  await assert.rejects(trimTake(store, a!.id, 'nope', { in: 0, out: 1 }), /no longer exists/);
});
