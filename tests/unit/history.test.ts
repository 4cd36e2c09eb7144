// Undo and redo in main (electron/services/projects/history.ts): steps are the fields the creator changed,
// so a take that arrived in between survives an undo; typing bursts are one step; labels name the scene.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { duplicateScenes, moveScenes, removeScenes, splitScene, trimTake } from '../../electron/services/projects/craft.ts';
import { ProjectHistory } from '../../electron/services/projects/history.ts';
import { createProject, ProjectStore } from '../../electron/services/projects/store.ts';
import type { Take } from '../../shared/project.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-history-'));
after(() => fs.rm(root, { recursive: true, force: true }));

const take = (id: string, seconds = 4): Take => ({ id, jobId: `job_${id}`, provider: 'preview', model: 'animatic', file: `media/${id}.mp4`, thumbnail: null, seconds, size: '1280x720', prompt: 'p', providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0 });

async function open(name: string) {
  const dir = path.join(root, name);
  await createProject(dir, { scenes: [{ prompt: 'one', seconds: 4 }, { prompt: 'two', seconds: 4 }, { prompt: 'three', seconds: 4 }] });
  const store = await ProjectStore.open(dir);
  let now = 1000;
  const history = new ProjectHistory(store, () => now);
  return { store, history, ids: store.get().scenes.map((s) => s.id) as [string, string, string], tick: (ms: number) => (now += ms) };
}

const prompts = (store: ProjectStore) => store.get().scenes.map((s) => s.prompt);

test('undo puts back a deleted scene where it was; redo deletes it again; labels name the scene', async () => {
  const { store, history, ids } = await open('delete');
  await store.removeScene(ids[2]);
  assert.deepEqual(history.state(), { undo: 'Undo delete scene 3', redo: null });
  await history.undo();
  assert.deepEqual(prompts(store), ['one', 'two', 'three']);
  assert.deepEqual(history.state(), { undo: null, redo: 'Redo delete scene 3' });
  await history.redo();
  assert.deepEqual(prompts(store), ['one', 'two']);
});

test('a take arriving from a provider is never undone away', async () => {
  const { store, history, ids } = await open('take');
  await store.updateScene(ids[0], { prompt: 'one, rewritten' });
  assert.ok(await store.addTake(ids[0], take('arrived')));
  await history.undo();
  const scene = store.get().scenes[0]!;
  assert.equal(scene.prompt, 'one');
  assert.deepEqual(scene.takes.map((t) => t.id), ['arrived']);
  assert.equal(scene.chosenTake, 'arrived');
});

test('typing bursts are one step; a pause longer than a burst starts another', async () => {
  const { store, history, ids, tick } = await open('burst');
  for (const text of ['o', 'on', 'one more']) {
    await store.updateScene(ids[1], { prompt: text });
    tick(500);
  }
  tick(5000);
  await store.updateScene(ids[1], { prompt: 'one more, later' });
  await history.undo();
  assert.equal(store.get().scenes[1]!.prompt, 'one more');
  await history.undo();
  assert.equal(store.get().scenes[1]!.prompt, 'two');
  assert.equal(history.state().undo, null);
});

test('move, multi-delete, duplicate, split and trim each undo as one step', async () => {
  const { store, history, ids } = await open('many');
  await moveScenes(store, [ids[2]], 0);
  assert.equal(history.state().undo, 'Undo move scene 3');
  await history.undo();
  assert.deepEqual(prompts(store), ['one', 'two', 'three']);

  await removeScenes(store, [ids[0], ids[2]]);
  assert.equal(history.state().undo, 'Undo delete 2 scenes');
  await history.undo();
  assert.deepEqual(prompts(store), ['one', 'two', 'three']);

  await duplicateScenes(store, [ids[1]]);
  assert.deepEqual(prompts(store), ['one', 'two', 'two', 'three']);
  await history.undo();
  assert.deepEqual(prompts(store), ['one', 'two', 'three']);

  assert.ok(await store.addTake(ids[0], take('t8', 8)));
  await trimTake(store, ids[0], 't8', { in: 1, out: 7 });
  await splitScene(store, ids[0], 2);
  const [a, b] = store.get().scenes;
  assert.deepEqual([a!.takes[0]!.trim, b!.takes[0]!.trim], [{ in: 1, out: 3 }, { in: 3, out: 7 }]);
  await history.undo();
  assert.equal(store.get().scenes.length, 3);
  assert.deepEqual(store.get().scenes[0]!.takes[0]!.trim, { in: 1, out: 7 });
  await history.undo();
  assert.equal(store.get().scenes[0]!.takes[0]!.trim, undefined);
});
