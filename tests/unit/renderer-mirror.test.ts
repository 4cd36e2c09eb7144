// The renderer's mirror is scoped by project: snapshots of another project are dropped, and opening another
// project empties what was mirrored of the last one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProjectJob, ProjectView } from '../../shared/contract.ts';
import { blankProject } from '../../electron/services/projects/store.ts';
import { useStore } from '../../renderer/src/store.ts';

const view = (id: string, version = 1): ProjectView => ({ project: { ...blankProject({ title: id }), id }, dir: `/films/${id}`, version });
const job = (id: string, projectId: string): ProjectJob => ({
  id, sceneId: 's', provider: 'preview', model: 'animatic', state: 'running', progress: 0.5, providerJobId: null, seconds: 4, size: '1280x720',
  costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z', error: null, takeId: null, projectId,
});

test('job and export snapshots of another project are dropped; a new project starts with an empty mirror', () => {
  const st = useStore.getState();
  st.applyView(view('a'));
  st.applyJob(job('j1', 'a'));
  st.applyJob(job('j2', 'b'));
  assert.deepEqual(Object.keys(useStore.getState().jobs), ['j1']);
  st.applyExport({ id: 'e1', state: 'running', progress: 0, etaSeconds: null, path: null, totalSeconds: 4, outputFile: null, error: null, startedAt: '', projectId: 'a' });
  st.applyView(view('b'));
  assert.deepEqual(useStore.getState().jobs, {}, "project a's jobs are gone");
  assert.deepEqual(useStore.getState().exports, {}, "project a's exports are gone");
  st.applyJob(job('j1', 'a'));
  assert.deepEqual(useStore.getState().jobs, {}, 'a late event from project a is dropped');
  st.applyJob(job('j2', 'b'));
  assert.deepEqual(Object.keys(useStore.getState().jobs), ['j2']);
  st.applyView({ ...view('b'), project: { ...view('b').project, updatedAt: '2099-01-01T00:00:00.000Z' } });
  assert.deepEqual(Object.keys(useStore.getState().jobs), ['j2'], 'a new snapshot of the same project keeps its jobs');
});

test('a change applies on top of the version held, once; a gap asks for the whole project', () => {
  const st = useStore.getState();
  const v = view('c', 10);
  st.applyView(v);
  const scene = { id: 's1', prompt: 'new', seconds: 4, transition: 'cut' as const, caption: null, continuity: 'none' as const, referenceImage: null, takes: [], chosenTake: null, lastError: null };
  const change = { projectId: 'c', from: 10, version: 11, origin: 'user' as const, label: 'Add scene', patches: [{ op: 'scene' as const, scene }] };
  assert.equal(st.applyChange(change), true);
  assert.equal(useStore.getState().view?.version, 11);
  assert.deepEqual(useStore.getState().view?.project.scenes.map((s) => s.id), ['s1']);
  assert.equal(st.applyChange(change), true, 'the same change again (reply and event) is a no-op');
  assert.equal(useStore.getState().view?.project.scenes.length, 1);
  assert.equal(st.applyChange({ ...change, from: 12, version: 13 }), false, 'a missing change in between');
  assert.equal(st.applyChange({ ...change, projectId: 'other', from: 11, version: 12 }), true, "another project's change is ignored");
  assert.equal(useStore.getState().view?.version, 11);
  st.applyView(view('c', 9));
  assert.equal(useStore.getState().view?.version, 11, 'an older whole snapshot does not replace a newer one');
});
