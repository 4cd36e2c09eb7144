import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost, generationProblems, modelProfile, sceneProblems, snapDuration } from '../../shared/capabilities.ts';
import { channels, makeClient, RemoteError, type Handlers } from '../../shared/contract.ts';
import { blankProject, newScene } from '../../electron/services/projects/store.ts';
import { dispatch } from '../../electron/services/dispatch.ts';

/** A handler table that records what reached it, built from the contract itself. */
function recordingHandlers(seen: Array<[string, unknown]>, value: (channel: string) => unknown): Handlers {
  const h: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const { group, method, channel } of channels()) {
    (h[group] ??= {})[method] = async (input) => {
      seen.push([channel, input]);
      return value(channel);
    };
  }
  return h as unknown as Handlers;
}

test('dispatch refuses unknown channels and invalid payloads before any handler runs', async () => {
  const seen: Array<[string, unknown]> = [];
  const handlers = recordingHandlers(seen, () => ({ ok: true }));
  const cases: Array<[string, unknown, RegExp]> = [
    ['fs.writeFile', { path: '/etc/passwd' }, /Unknown call/],
    ['scenes.update.extra', {}, /Unknown call/],
    ['__proto__.toString', {}, /Unknown call/],
    ['scenes.update', { id: 'a', patch: { seconds: 'eight' } }, /patch\.seconds/],
    ['scenes.update', { id: 'a', patch: { prompt: 'x', evil: true } }, /patch/],
    ['scenes.move', { id: 'a', toIndex: -1 }, /toIndex/],
    ['takes.rate', { sceneId: 'a', takeId: 'b', rating: 9 }, /rating/],
    ['keys.set', { provider: 'openai-videos', key: 'short' }, /key/],
    ['jobs.generate', { sceneIds: 'all' }, /sceneIds/],
    ['project.update', { size: '1280 by 720' }, /size/],
  ];
  for (const [channel, payload, message] of cases) {
    const reply = await dispatch(handlers, channel, payload);
    assert.equal(reply.ok, false, channel);
    if (!reply.ok) {
      assert.equal(reply.error.code, 'InvalidInput', channel);
      assert.match(reply.error.message, message, channel);
    }
  }
  assert.deepEqual(seen, [], 'no handler saw an invalid payload');
});

test('dispatch passes parsed input through and rejects outputs outside the contract', async () => {
  const seen: Array<[string, unknown]> = [];
  const handlers = recordingHandlers(seen, (channel) => (channel === 'jobs.generate' ? { jobIds: ['job_1'] } : { wrong: true }));
  const good = await dispatch(handlers, 'jobs.generate', { sceneIds: ['s1'], takes: 2 });
  assert.deepEqual(good, { ok: true, value: { jobIds: ['job_1'] } });
  assert.deepEqual(seen[0], ['jobs.generate', { sceneIds: ['s1'], takes: 2 }]);
  const bad = await dispatch(handlers, 'project.get', {});
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.code, 'Internal');
});

test('typed errors cross the envelope and come out as RemoteError with their code', async () => {
  const handlers = recordingHandlers([], () => null);
  (handlers.jobs as Record<string, unknown>).cancel = async () => {
    const { AppError } = await import('../../shared/errors.ts');
    throw new AppError('NotFound', 'That job no longer exists.');
  };
  const client = makeClient((channel, payload) => dispatch(handlers, channel, payload), () => () => undefined, (r) => r);
  await assert.rejects(client.jobs.cancel({ jobId: 'x' }), (err: unknown) => err instanceof RemoteError && err.code === 'NotFound' && err.message === 'That job no longer exists.');
  // Every contract call exists on the client.
  for (const { group, method } of channels()) assert.equal(typeof (client as unknown as Record<string, Record<string, unknown>>)[group]![method], 'function');
});

test('capability checks refuse values the model does not take, with what is allowed', () => {
  const project = { ...blankProject({ provider: 'openai-videos', model: 'sora-2', size: '1280x720' }), scenes: [newScene('ok', 8), newScene('too long', 6), newScene('', 4)] };
  const problems = generationProblems(project);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!.message, /Scene 2 is 6 s, but sora-2 only makes 4, 8, 12 s/);
  assert.match(problems[1]!.message, /Scene 3 has no prompt/);
  assert.match(generationProblems({ ...project, size: '1920x1080' })[0]!.message, /cannot render 1920x1080\. Allowed sizes: 1280x720, 720x1280/);
  assert.match(generationProblems({ ...project, provider: 'nope' })[0]!.message, /Unknown provider/);
  // Gateways serve other models under the same contract: unknown names use the fallback profile.
  assert.equal(modelProfile('openai-videos', 'veo-3.1-via-gateway')?.id, 'sora-2');
  assert.equal(modelProfile('preview', 'unknown'), undefined);
  assert.deepEqual(sceneProblems({ provider: 'preview', model: 'animatic', size: '1280x720' }, newScene('x', 7)), []);
  // The prompt is counted as sent (scene prompt + style) against the model's limit.
  const sora = { provider: 'openai-videos', model: 'sora-2', size: '1280x720' };
  assert.deepEqual(sceneProblems({ ...sora, style: '' }, newScene('x'.repeat(32_000), 4)), []);
  assert.match(sceneProblems({ ...sora, style: 'noir' }, newScene('x'.repeat(32_000), 4), 1)[0]!.message, /^Scene 2's prompt with the project style is 32,013 characters, but sora-2 takes at most 32,000\./);
  assert.equal(snapDuration(modelProfile('openai-videos', 'sora-2')!, 6), 8);
  assert.equal(snapDuration(modelProfile('openai-videos', 'sora-2')!, 11), 12);
});

test('the estimate multiplies seconds, takes and the price for the size', () => {
  const project = { ...blankProject({ provider: 'openai-videos', model: 'sora-2-pro', size: '1792x1024' }), scenes: [newScene('a', 4), newScene('b', 12)] };
  const est = estimateCost(project, project.scenes.map((s) => s.id), 3);
  assert.equal(est.pricePerSecond, 0.5);
  assert.deepEqual(est.lines.map((l) => l.usd), [6, 18]);
  assert.equal(est.totalUsd, 24);
  assert.equal(est.totalSeconds, 48);
  assert.equal(estimateCost(project, [project.scenes[0]!.id]).totalUsd, 2);
});
