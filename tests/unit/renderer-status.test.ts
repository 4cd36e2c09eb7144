import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSnapshot } from '../../shared/jobs.ts';
import { activeJobsFor, latestJobFor, sceneStatus } from '../../renderer/src/lib/status.ts';
import { describeError } from '../../renderer/src/lib/errors.ts';
import { RemoteError } from '../../shared/contract.ts';

const job = (id: string, sceneId: string, state: JobSnapshot['state'], createdAt: string, extra: Partial<JobSnapshot> = {}): JobSnapshot => ({
  id,
  sceneId,
  provider: 'preview',
  model: 'animatic',
  state,
  progress: 0,
  providerJobId: null,
  seconds: 4,
  size: '1280x720',
  costUsd: 0,
  createdAt,
  updatedAt: createdAt,
  error: null,
  takeId: null,
  ...extra,
});

test('the latest job of a scene is the most recently created one', () => {
  const jobs = {
    a: job('a', 's1', 'ready', '2025-01-01T00:00:01Z'),
    b: job('b', 's1', 'running', '2025-01-01T00:00:03Z'),
    c: job('c', 's2', 'queued', '2025-01-01T00:00:09Z'),
  };
  assert.equal(latestJobFor(jobs, 's1')?.id, 'b');
  assert.equal(latestJobFor(jobs, 's2')?.id, 'c');
  assert.equal(latestJobFor(jobs, 's3'), null);
  assert.deepEqual(activeJobsFor(jobs).map((j) => j.id), ['b', 'c']);
  assert.deepEqual(activeJobsFor(jobs, 's1').map((j) => j.id), ['b']);
});

test('status words for every state', () => {
  assert.deepEqual(sceneStatus(null).state, 'idle');
  assert.equal(sceneStatus(job('j', 's', 'queued', 't')).label, 'Queued');
  assert.equal(sceneStatus(job('j', 's', 'submitted', 't')).label, 'Submitting');
  assert.equal(sceneStatus(job('j', 's', 'running', 't', { progress: 0.434 })).label, 'Generating 43%');
  assert.equal(sceneStatus(job('j', 's', 'downloading', 't')).label, 'Downloading');
  assert.equal(sceneStatus(job('j', 's', 'ready', 't')).tone, 'ready');
  const failed = sceneStatus(job('j', 's', 'failed', 't', { error: { code: 'ModerationBlocked', message: 'The provider refused this prompt.' } }));
  assert.equal(failed.state, 'failed');
  assert.equal(failed.sentence, 'Failed: The provider refused this prompt.');
  assert.equal(sceneStatus(job('j', 's', 'canceled', 't')).progress, null);
});

test('errors become a sentence and a next step; aborts are silent; stacks never show', () => {
  const shown = describeError(new RemoteError({ code: 'MissingKey', message: 'There is no API key.' }));
  assert.equal(shown?.message, 'There is no API key.');
  assert.match(shown?.nextStep ?? '', /API key/);
  assert.equal(describeError(new RemoteError({ code: 'Aborted', message: 'Canceled.' })), null);
  const abort = new Error('x');
  abort.name = 'AbortError';
  assert.equal(describeError(abort), null);
  const bug = describeError(new TypeError('Cannot read properties of undefined'));
  assert.equal(bug?.code, 'Internal');
  assert.equal(bug?.message, 'Something went wrong inside Storyreel.');
  assert.equal(bug?.detail, 'Cannot read properties of undefined');
  assert.equal(describeError({ code: 'NotAThing', message: 'raw' })?.code, 'Internal');
});

test('a live job carrying an error says it is retrying or being checked, not "Generating"', () => {
  const unreachable = { code: 'ProviderUnavailable' as const, message: 'The video provider could not be reached.' };
  const running = sceneStatus(job('j1', 's1', 'running', '2026-01-01T00:00:00Z', { progress: 0.4, error: unreachable }));
  assert.equal(running.label, 'Retrying soon');
  assert.equal(running.tone, 'waiting');
  assert.match(running.sentence, /could not be reached.*tries again by itself/);
  const checking = sceneStatus(job('j2', 's1', 'submitted', '2026-01-01T00:00:00Z', { error: unreachable }));
  assert.equal(checking.label, 'Checking…');
  assert.match(checking.sentence, /never paid for twice/);
  // A failed job still reads as failed, with its reason.
  assert.equal(sceneStatus(job('j3', 's1', 'failed', '2026-01-01T00:00:00Z', { error: unreachable })).label, 'Failed');
});

test('chip labels stay short enough for the narrowest card (a 4 s scene)', () => {
  const states: Array<JobSnapshot['state'] | null> = [null, 'queued', 'submitted', 'running', 'downloading', 'ready', 'failed', 'canceled'];
  const unreachable = { code: 'ProviderUnavailable' as const, message: 'The video provider could not be reached.' };
  const jobs = [
    null,
    ...states.filter((s) => s !== null).map((s) => job('j', 's', s!, '2026-01-01T00:00:00Z', { progress: 0.99 })),
    job('j', 's', 'running', '2026-01-01T00:00:00Z', { error: unreachable }),
    job('j', 's', 'submitted', '2026-01-01T00:00:00Z', { error: unreachable }),
  ];
  for (const j of jobs) {
    const label = sceneStatus(j).label;
    assert.ok(label.length <= 14, `"${label}" is too long for a 128 px card`);
  }
});
