// The job engine with the offline Preview provider: the state machine as the app drives it.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import type { JobSnapshot } from '../../shared/jobs.ts';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-preview-jobs-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const makeApp = () =>
  new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'test',
    concurrency: 1,
    timing: { pollMinMs: 50, pollMaxMs: 100 },
  });

test('cancel: a queued job is never sent, a running one leaves no take, the others finish', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'cancel');
  await createProject(dir, { size: '640x360', scenes: [{ prompt: 'long one', seconds: 20 }, { prompt: 'waiting', seconds: 2 }, { prompt: 'kept', seconds: 2 }] });
  const app = makeApp();
  await app.openProject(dir);
  const states = new Map<string, string[]>();
  app.current().engine.on('job', (j: JobSnapshot) => states.set(j.id, [...(states.get(j.id) ?? []), j.state]));
  const [first, second, third] = await app.generate([]);
  // With one slot, the first renders while the others wait.
  while (app.current().engine.get(first!)?.state !== 'running') await new Promise((r) => setTimeout(r, 20));
  assert.equal(app.current().engine.get(second!)?.state, 'queued');

  const canceledQueued = await app.current().engine.cancel(second!);
  assert.equal(canceledQueued.state, 'canceled');
  assert.equal(canceledQueued.providerJobId, null, 'never sent');
  const canceledRunning = await app.current().engine.cancel(first!);
  assert.equal(canceledRunning.state, 'canceled');
  await app.current().engine.idle();

  const jobs = new Map(app.current().engine.list().map((j) => [j.id, j]));
  assert.equal(jobs.get(third!)?.state, 'ready');
  assert.deepEqual(states.get(second!), ['queued', 'canceled']);
  assert.ok(!states.get(first!)!.includes('ready'));
  // Cancel is final and idempotent.
  assert.equal((await app.current().engine.cancel(first!)).state, 'canceled');
  await app.shutdown();

  const project = await readProject(dir);
  assert.deepEqual(project.scenes.map((s) => s.takes.length), [0, 0, 1]);
  // The ledger on disk agrees, and the next start resumes nothing.
  const ledger = await fs.readdir(path.join(dir, '.storyreel', 'jobs'));
  const onDisk = await Promise.all(ledger.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await fs.readFile(path.join(dir, '.storyreel', 'jobs', n), 'utf8')).state));
  assert.deepEqual(onDisk.sort(), ['canceled', 'canceled', 'ready']);
  const again = makeApp();
  await again.openProject(dir);
  assert.equal(again.current().engine.list().filter((j) => !['ready', 'failed', 'canceled'].includes(j.state)).length, 0);
  await again.shutdown();
});

test('closing the app mid-render keeps the job; reopening resumes it to a take', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'resume');
  await createProject(dir, { size: '640x360', scenes: [{ prompt: 'interrupted', seconds: 6 }] });
  const app = makeApp();
  await app.openProject(dir);
  const [id] = await app.generate([]);
  while (app.current().engine.get(id!)?.state !== 'running') await new Promise((r) => setTimeout(r, 20));
  await app.shutdown();
  const saved = JSON.parse(await fs.readFile(path.join(dir, '.storyreel', 'jobs', `${id}.json`), 'utf8'));
  assert.equal(saved.state, 'running');

  const reopened = makeApp();
  await reopened.openProject(dir);
  await reopened.current().engine.idle();
  assert.equal(reopened.current().engine.get(id!)?.state, 'ready');
  await reopened.shutdown();
  const project = await readProject(dir);
  assert.equal(project.scenes[0]!.takes.length, 1);
  assert.equal(project.scenes[0]!.takes[0]!.jobId, id);
});

test('export of a film whose scene 2 take is damaged fails naming scene 2, and leaves no file', { timeout: 120000 }, async () => {
  const dir = path.join(root, 'damaged');
  await createProject(dir, { size: '640x360', scenes: [{ prompt: 'one', seconds: 1 }, { prompt: 'two', seconds: 1 }] });
  const app = makeApp();
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  const take = app.current().store.get().scenes[1]!.takes[0]!;
  const file = path.join(dir, take.file);
  const bytes = await fs.readFile(file);
  await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const started = app.startExport();
  const done = await app.waitExport(started.id);
  await app.shutdown();
  assert.equal(done.state, 'failed');
  assert.equal(done.error?.code, 'MediaInvalid');
  assert.match(done.error!.message, /^Scene 2's chosen take cannot be used: /);
  assert.deepEqual(await fs.readdir(path.join(dir, 'exports')), [], 'no film and no temporary file were left');
});
