// Billing safety against answers a real gateway gives and the project's own emulator did not: a 5xx create
// followed by a list that fails, a resumed download answered with too many bytes or a 416, gateway list
// echoes (prompt null, the model under the gateway's own name), a "pending" status, a moderation block
// (not billed), and a thumbnail that is WebP or not an image at all. The rule under test everywhere: one
// create per scene, and a paid video is never turned into a failed scene while it can still be fetched.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import type { EngineTiming } from '../../electron/services/jobs/engine.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type EmulatorFaults, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { probeStreams } from '../helpers/probe.ts';

const KEY = 'sk-test-billing-0123456789';
const FAST: Partial<EngineTiming> = { pollMinMs: 40, pollMaxMs: 150, backoffBaseMs: 40, backoffMaxMs: 200, reconcileDelaysMs: [50, 100, 150], reconcileSettleMs: 1000 };
let root: string;
let emu: OpenAiVideosEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-billing-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, validateResponses: false });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh project with these scenes, opened in a fresh app; prompts are unique to this test run. */
async function open(scenes: number, faults: EmulatorFaults, timing: Partial<EngineTiming> = {}) {
  emu.resetStats();
  emu.setFaults({ moderationWord: 'FORBIDDEN', ...faults });
  const dir = path.join(root, `p${++n}`);
  const prompts = Array.from({ length: scenes }, (_, i) => `Run ${n} scene ${i + 1}: gulls over a harbour wall`);
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: prompts.map((prompt) => ({ prompt, seconds: 4 })) });
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'test.log'), secrets: () => [KEY] }),
    owner: 'test',
    concurrency: 2,
    timing: { ...FAST, ...timing },
  });
  await app.openProject(dir);
  return { app, dir, prompts };
}

async function run(app: Storyreel) {
  await app.generate([]);
  await app.current().engine.idle();
  return app.current().engine.list();
}

test('a create answered 502, then a list that fails for a while: the job is adopted once the list answers, never sent twice', async () => {
  const { app, prompts } = await open(2, { serverErrorAfterCreate: { count: 2 }, serverError: { routes: ['list'] } }, { reconcileGiveUpMs: 120_000 });
  await app.generate([]);
  // The list keeps failing until it has failed 28 times (more than three reconcile reads of four tries each, for both jobs), or
  // until a create is resent (the bug): whichever comes first. Then it answers again.
  const until = Date.now() + 60_000;
  while ((emu.stats.faults.serverError ?? 0) < 28 && emu.stats.creates <= 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  emu.setFaults({});
  await app.current().engine.idle();
  const jobs = app.current().engine.list();
  await app.shutdown();
  assert.equal(emu.stats.creates, 2, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
  assert.equal(emu.stats.faults.serverErrorAfterCreate, 2);
  assert.ok((emu.stats.faults.serverError ?? 0) >= 28, `the list failed ${emu.stats.faults.serverError} times`);
  for (const p of prompts) assert.equal(emu.stats.createsByPrompt[p], 1, p);
  assert.deepEqual(jobs.map((j) => j.state), ['ready', 'ready'], JSON.stringify(jobs.map((j) => j.error)));
});

test('a list that never answers: the job is stopped as unknown, counted as possibly spent, and not sent again', async () => {
  const { app, prompts } = await open(2, { serverErrorAfterCreate: { count: 1 }, serverError: { routes: ['list'] } }, { reconcileGiveUpMs: 600 });
  const jobs = await run(app);
  const unknown = jobs.filter((j) => j.state === 'unknown');
  assert.equal(unknown.length, 1, JSON.stringify(jobs.map((j) => [j.state, j.error?.message])));
  assert.equal(jobs.filter((j) => j.state === 'ready').length, 1);
  assert.equal(emu.stats.creates, 2, 'one create per scene, none resent');
  assert.equal(unknown[0]!.error?.code, 'OutcomeUnknown');
  assert.match(unknown[0]!.error!.message, /could not confirm whether the provider received this scene/);
  assert.match(unknown[0]!.error!.message, /\$0\.40/, 'says what it may have cost');
  // It keeps its place: the scene is not generated again by "generate all", and its cost is counted.
  assert.deepEqual(await app.generate([]), []);
  const est = await app.estimate([]);
  assert.equal(est.spentUsd, 0.8, 'the accepted scene and the unconfirmed one');
  const project = app.current().store.get();
  const scene = project.scenes.find((s) => s.id === unknown[0]!.sceneId)!;
  assert.equal(scene.lastError?.code, 'OutcomeUnknown');
  // Only the creator's explicit word sends it again.
  emu.setFaults({});
  await app.handlers().jobs.resend({ jobId: unknown[0]!.id });
  await app.current().engine.idle();
  const after2 = app.current().engine.list();
  await app.shutdown();
  assert.deepEqual(after2.map((j) => j.state), ['ready', 'ready']);
  assert.equal(emu.stats.creates, 3);
  assert.equal(Object.values(emu.stats.createsByPrompt).reduce((a, b) => a + b, 0), 3);
  assert.ok(prompts.some((p) => emu.stats.createsByPrompt[p] === 2));
});

for (const fault of ['overlongPartial', 'rangeNotSatisfiable'] as const) {
  test(`a resumed download answered with ${fault === 'overlongPartial' ? 'a 206 longer than its Content-Range' : 'a 416'}: every paid scene is downloaded whole, one create each`, async () => {
    const { app, dir } = await open(3, { resetMidDownload: { count: 3, fraction: 0.5 }, [fault]: { count: 3 } });
    const jobs = await run(app);
    await app.shutdown();
    assert.deepEqual(jobs.map((j) => j.state), ['ready', 'ready', 'ready'], JSON.stringify(jobs.map((j) => j.error)));
    assert.equal(emu.stats.faults[fault], 3, `the fault fired: ${JSON.stringify(emu.stats.faults)}`);
    assert.equal(emu.stats.creates, 3);
    const project = await readProject(dir);
    for (const s of project.scenes) {
      const info = await probeStreams(path.join(dir, s.takes[0]!.file));
      assert.ok(Math.abs(info.duration - 4) < 0.2, `${s.takes[0]!.file}: ${info.duration}`);
    }
  });
}

test('a completed job whose download keeps failing is kept (not failed), and the next run downloads it instead of paying again', async () => {
  const first = await open(2, { resetMidDownload: { fraction: 0.3 }, rangeNotSatisfiable: {} }, { parkAfterFailures: 3, unreachableGiveUpMs: 60_000 });
  const jobs = await run(first.app);
  await first.app.shutdown();
  assert.deepEqual(jobs.map((j) => j.state), ['downloading', 'downloading'], JSON.stringify(jobs.map((j) => j.error)));
  assert.equal((await readProject(first.dir)).scenes.every((s) => s.lastError === null), true, 'no scene is marked failed');
  assert.equal(emu.stats.creates, 2);

  // The next start: the gateway behaves again; the same videos are fetched, nothing is created.
  emu.setFaults({});
  const app = new Storyreel({ ...first.app.opts });
  await app.openProject(first.dir);
  assert.deepEqual(await app.generate([]), [], 'no new job for scenes whose paid video is still downloadable');
  await app.current().engine.idle();
  const again = app.current().engine.list();
  await app.shutdown();
  assert.deepEqual(again.map((j) => j.state), ['ready', 'ready']);
  assert.equal(emu.stats.creates, 2, 'still one create per scene across both runs');
  assert.deepEqual((await readProject(first.dir)).scenes.map((s) => s.takes.length), [1, 1]);
});

test('reconcile adopts a job a gateway lists with prompt null and its own model name ("openai/sora-2")', async () => {
  const { app } = await open(2, { serverErrorAfterCreate: { count: 2 }, listEcho: { promptNull: true, modelPrefix: 'openai/' } });
  const jobs = await run(app);
  await app.shutdown();
  assert.deepEqual(jobs.map((j) => j.state), ['ready', 'ready'], JSON.stringify(jobs.map((j) => j.error)));
  assert.equal(emu.stats.creates, 2);
});

test('a "pending" status is waited out, not a failure', async () => {
  const { app } = await open(1, { queuedStatus: { status: 'pending' } });
  const jobs = await run(app);
  await app.shutdown();
  assert.equal(jobs[0]!.state, 'ready', JSON.stringify(jobs[0]!.error));
  assert.ok(emu.stats.retrieveCalls > 0);
});

test('a moderation block is recorded as not billed, and the spend goes back down', async () => {
  const { app, dir } = await open(0, {});
  await app.handlers().scenes.add({ prompt: `FORBIDDEN: a famous actor ${n}`, seconds: 4 });
  await app.handlers().scenes.add({ afterId: app.current().store.get().scenes[0]!.id, prompt: `An empty pier at dawn ${n}`, seconds: 4 });
  const jobs = await run(app);
  const spent = await app.spent();
  await app.shutdown();
  assert.deepEqual(jobs.map((j) => j.state).sort(), ['failed', 'ready']);
  const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
  const blocked = jobs.find((j) => j.state === 'failed')!;
  const lines = spend.filter((e) => e.jobId === blocked.id);
  assert.deepEqual(lines.map((e) => e.usd), [0.4, -0.4]);
  assert.equal(lines[1]!.billed, false);
  assert.equal(spent, 0.4, 'only the scene that was made counts');
});

test('thumbnails are stored as what they are (WebP per the spec), and a thumbnail that is not an image is replaced by a poster frame', async () => {
  const a = await open(1, {});
  await run(a.app);
  await a.app.shutdown();
  const takeA = (await readProject(a.dir)).scenes[0]!.takes[0]!;
  assert.match(takeA.thumbnail ?? '', /\.(webp|jpg)$/);
  const head = await fs.readFile(path.join(a.dir, takeA.thumbnail!));
  if (takeA.thumbnail!.endsWith('.webp')) assert.equal(head.subarray(8, 12).toString('latin1'), 'WEBP');

  const b = await open(1, { thumbnailNotImage: true });
  await run(b.app);
  await b.app.shutdown();
  const takeB = (await readProject(b.dir)).scenes[0]!.takes[0]!;
  assert.match(takeB.thumbnail ?? '', /\.jpg$/);
  const jpg = await fs.readFile(path.join(b.dir, takeB.thumbnail!));
  assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a real JPEG cut from the video, not the HTML page');
});

test('a job already at the provider is kept, not failed, when its key is missing at the next start; it finishes once the key is back', async () => {
  const first = await open(1, {});
  await first.app.generate([]);
  // Wait for the thing itself: the job is at the provider (it has the provider's id).
  while (!first.app.current().engine.list()[0]?.providerJobId) await new Promise((r) => setTimeout(r, 10));
  await first.app.shutdown();

  const noKey = new Storyreel({ ...first.app.opts, secrets: new EnvSecrets({}) });
  await noKey.openProject(first.dir);
  await noKey.current().engine.idle();
  const kept = noKey.current().engine.list();
  await noKey.shutdown();
  assert.equal(kept[0]!.state, 'running', JSON.stringify(kept[0]!.error));
  assert.equal(kept[0]!.error?.code, 'MissingKey');

  const again = new Storyreel({ ...first.app.opts });
  await again.openProject(first.dir);
  await again.current().engine.idle();
  const done = again.current().engine.list();
  await again.shutdown();
  assert.equal(done[0]!.state, 'ready');
  assert.equal(emu.stats.creates, 1);
});

