// The renderer's mirror is scoped by project: snapshots of another project are dropped, and opening another
// project empties what was mirrored of the last one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProjectJob, ProjectView } from '../../shared/contract.ts';
import { blankProject } from '../../electron/services/projects/store.ts';
import { useStore } from '../../renderer/src/store.ts';

const view = (id: string): ProjectView => ({ project: { ...blankProject({ title: id }), id }, dir: `/films/${id}` });
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
