// The emulator kit's pure parts: the seeded fault plan (replayable schedules, skip/count/burst, default routes by
// kind), the job clock (phases, fal-style queueing with queue positions, billing), output sizes, schema issues.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSchema, describeIssue, FaultPlan, JobStore, ManualClock, sizeFor } from '../emulators/kit/index.ts';
import type { KitFaults, RouteRef } from '../emulators/kit/index.ts';

const create: RouteRef = { name: 'create', kind: 'create' };
const poll: RouteRef = { name: 'get', kind: 'poll' };
const download: RouteRef = { name: 'content', kind: 'download' };

test('fault plan: the same seed gives the same schedule; another seed another one', () => {
  const schedule = (seed: number): boolean[] => {
    const p = new FaultPlan(1, { seed, serverError: { probability: 0.5 } });
    return Array.from({ length: 40 }, () => p.fires('serverError', poll));
  };
  assert.deepEqual(schedule(42), schedule(42));
  assert.notDeepEqual(schedule(42), schedule(43));
  assert.ok(schedule(42).includes(true) && schedule(42).includes(false));
});

test('fault plan: skip, count and burst; counts what fired; default routes by kind; explicit routes', () => {
  const p = new FaultPlan(1, { serverError: { skip: 1, count: 1, burst: 3, statuses: [500, 502, 503] }, resetAfterCreate: {}, resetMidDownload: { routes: ['other-download'] } });
  assert.deepEqual(Array.from({ length: 6 }, () => p.fires('serverError', poll)), [false, true, true, true, false, false]);
  assert.equal(p.counts.serverError, 3);
  assert.equal(p.fires('resetAfterCreate', poll), false, 'a lost create reply only hits creates');
  assert.equal(p.fires('resetAfterCreate', create), true);
  assert.equal(p.fires('resetMidDownload', download), false, 'explicit routes replace the default kinds');
  assert.equal(p.fires('resetMidDownload', { name: 'other-download', kind: 'download' }), true);
  p.set({});
  assert.equal(p.fires('serverError', poll), false);
});

test('job clock: queued → running → done; moderation fails 30 % into the run; off-contract status; expiry; billing counts successes only', () => {
  const clock = new ManualClock();
  let faults: KitFaults = { offSpecStatus: [{ word: 'ODD', status: 'weird' }], expireContent: { word: 'SHORT', afterMs: 50 } };
  const jobs = new JobStore<null>({ queuedMs: 100, runningMs: 1000 }, clock.now, () => faults, 3_600_000);
  const mk = (prompt: string, usd = 1): ReturnType<typeof jobs.create> => jobs.create({ idPrefix: 'j_', prompt, seconds: 4, width: 64, height: 36, audio: true, priceUsd: usd, data: null });
  const ok = mk('fine', 0.4);
  const bad = mk('a FORBIDDEN one');
  const odd = mk('ODD one');
  const short = mk('SHORT one', 0.25);
  assert.equal(jobs.phase(ok), 'queued');
  clock.advance(100);
  assert.equal(jobs.phase(ok), 'running');
  clock.advance(500);
  assert.equal(jobs.progress(ok), 50);
  assert.equal(jobs.phase(bad), 'moderated');
  clock.advance(500);
  assert.deepEqual([jobs.phase(ok), jobs.phase(odd), jobs.phase(short)], ['done', 'offspec', 'done']);
  assert.equal(jobs.contentExpired(short), false);
  clock.advance(50);
  assert.equal(jobs.contentExpired(short), true);
  assert.equal(jobs.contentExpired(ok), false);
  assert.deepEqual(jobs.billed(), { totalUsd: 0.65, jobs: [{ id: ok.id, prompt: 'fine', usd: 0.4 }, { id: short.id, prompt: 'SHORT one', usd: 0.25 }] });
  faults = { moderationWord: null };
  assert.equal(jobs.phase(mk('FORBIDDEN but allowed now')), 'queued');
});

test('job clock with queueing: at most N run at once, the rest wait with a queue position; cancel only before the end', () => {
  const clock = new ManualClock();
  const jobs = new JobStore<null>({ queuedMs: 0, runningMs: 100 }, clock.now, () => ({ queueing: { concurrency: 2 } }), 3_600_000);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((prompt) => jobs.create({ idPrefix: '', prompt, seconds: 1, width: 2, height: 2, audio: false, priceUsd: 0, data: null }));
  assert.deepEqual([a, b, c, d].map((j) => jobs.phase(j!)), ['running', 'running', 'queued', 'queued']);
  assert.deepEqual([c, d].map((j) => jobs.queuePosition(j!)), [0, 1]);
  clock.advance(100);
  assert.deepEqual([a, b, c, d].map((j) => jobs.phase(j!)), ['done', 'done', 'running', 'running']);
  assert.equal(jobs.cancel(a!), false);
  assert.equal(jobs.cancel(c!), true);
  assert.equal(jobs.phase(c!), 'cancelled');
});

test('sizes follow aspect and resolution (short side = the resolution)', () => {
  assert.deepEqual(sizeFor('16:9', '720p'), { width: 1280, height: 720 });
  assert.deepEqual(sizeFor('9:16', '1080p'), { width: 1080, height: 1920 });
  assert.deepEqual(sizeFor('16:9', '480p'), { width: 854, height: 480 });
  assert.deepEqual(sizeFor('1:1', '720p'), { width: 720, height: 720 });
  assert.deepEqual(sizeFor('16:9', '4k'), { width: 3840, height: 2160 });
});

test('schema issues name the most specific field and what is allowed', () => {
  const schema = { type: 'object', required: ['prompt'], additionalProperties: false, properties: { prompt: { type: 'string' }, duration: { enum: ['4s', '8s'] }, items: { type: 'array', items: { type: 'object', properties: { role: { enum: ['a', 'b'] } } } } } };
  assert.equal(checkSchema(schema, { prompt: 'x', duration: '8s' }), null);
  assert.deepEqual(checkSchema(schema, {})?.path, ['prompt']);
  const e = checkSchema(schema, { prompt: 'x', duration: 8 })!;
  assert.deepEqual([e.keyword, e.path, e.allowed], ['enum', ['duration'], ['4s', '8s']]);
  assert.equal(describeIssue(e), "Field 'duration' must be one of '4s', '8s'.");
  assert.deepEqual(checkSchema(schema, { prompt: 'x', extra: 1 })?.path, ['extra']);
  assert.deepEqual(checkSchema(schema, { prompt: 'x', items: [{ role: 'a' }, { role: 'c' }] })?.path, ['items', '1', 'role']);
});
