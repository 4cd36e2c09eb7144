// The job engine against the /v1/videos emulator with every fault switched on together: every scene must
// complete, with exactly one create per scene counted by the emulator, and every request valid per the spec.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MemorySettings, Storyreel, EnvSecrets } from '../../electron/services/app.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { ALL_FAULTS } from '../helpers/faults.ts';
import { NO_SPEC } from '../helpers/openapi-spec.ts';
import { probeStreams } from '../helpers/probe.ts';

const KEY = 'sk-test-engine-0123456789';
let root: string;
let emu: OpenAiVideosEmulator;


before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-jobs-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, faults: ALL_FAULTS });
  if (NO_SPEC) console.log(`# note: ${NO_SPEC}`);
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

function makeApp(dir: string, settings = new MemorySettings({ openaiBaseUrl: emu.url })) {
  return new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings,
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'test.log'), secrets: () => [KEY] }),
    owner: 'test',
    concurrency: 3,
    timing: { pollMinMs: 50, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 400, reconcileDelaysMs: [100, 300, 600], reconcileSettleMs: 1000 },
  });
}

test('with every fault on at once, all scenes complete with exactly one create each', { timeout: 180000 }, async () => {
  emu.resetStats();
  const dir = path.join(root, 'faults');
  const prompts = Array.from({ length: 6 }, (_, i) => `Scene ${i + 1}: a paper boat drifts past lantern ${i + 1}`);
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: prompts.map((p, i) => ({ prompt: p, seconds: i % 2 ? 8 : 4 })) });
  const app = makeApp(dir);
  await app.openProject(dir);
  const est = await app.estimate([]);
  assert.equal(est.totalUsd, 3.6, '(4+8)*3 = 36 s at $0.10/s');
  const ids = await app.generate([]);
  assert.equal(ids.length, 6);
  await app.current().engine.idle();
  const jobs = app.current().engine.list();
  await app.shutdown();

  assert.deepEqual(jobs.map((j) => j.state), Array(6).fill('ready'), JSON.stringify(jobs.map((j) => j.error)));
  assert.equal(emu.stats.creates, 6, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
  for (const p of prompts) assert.equal(Object.entries(emu.stats.createsByPrompt).filter(([k]) => k.startsWith(p)).reduce((a, [, n]) => a + n, 0), 1, p);
  // The faults really fired (otherwise this test proves nothing).
  for (const f of ['rateLimit', 'resetAfterCreate', 'serverErrorAfterCreate', 'resetMidDownload']) assert.ok((emu.stats.faults[f] ?? 0) > 0, `fault ${f} fired: ${JSON.stringify(emu.stats.faults)}`);
  // Every request we sent was valid per the OpenAPI extract.
  if (emu.validating) {
    const invalid = emu.stats.requests.filter((r) => r.validation !== 'valid');
    assert.deepEqual(invalid.map((r) => `${r.method} ${r.path}: ${r.validation} ${r.validationError ?? ''}`), []);
  }
  const project = await readProject(dir);
  for (const scene of project.scenes) {
    assert.equal(scene.takes.length, 1);
    const info = await probeStreams(path.join(dir, scene.takes[0]!.file));
    assert.ok(Math.abs(info.duration - scene.seconds) < 0.2, `${scene.takes[0]!.file}: ${info.duration}`);
    assert.equal(info.video[0]?.codec, 'h264');
    assert.equal(info.audio[0]?.codec, 'aac');
  }
  // The spend ledger holds exactly what was submitted.
  const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
  assert.equal(spend.length, 6);
  assert.equal(Math.round(spend.reduce((a, e) => a + e.usd, 0) * 100) / 100, 3.6);
});

test('the budget cap refuses work that would exceed it, saying by how much, and nothing is sent', async () => {
  emu.resetStats();
  const dir = path.join(root, 'budget');
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', scenes: [{ prompt: 'a', seconds: 12 }, { prompt: 'b', seconds: 12 }] });
  const app = makeApp(dir, new MemorySettings({ openaiBaseUrl: emu.url, budgetUsd: 2 }));
  await app.openProject(dir);
  await assert.rejects(app.generate([]), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'BudgetExceeded');
    assert.match(err.message, /\$2\.40.*budget of \$2\.00 by \$0\.40\b/);
    return true;
  });
  assert.equal(emu.stats.creates, 0);
  assert.deepEqual(await fs.readdir(path.join(dir, '.storyreel', 'jobs')).catch(() => []), [], 'no job written');
  await app.shutdown();
});

test('invalid durations and a missing key are refused before money is spent', async () => {
  emu.resetStats();
  const dir = path.join(root, 'invalid');
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', scenes: [{ prompt: 'a', seconds: 5 }] });
  const app = makeApp(dir);
  await app.openProject(dir);
  await assert.rejects(app.generate([]), /Scene 1 is 5 s, but sora-2 only makes 4, 8, 12 s/);
  await app.shutdown();
  const noKey = new Storyreel({ ...makeApp(dir).opts, secrets: new EnvSecrets({}) });
  await noKey.openProject(dir);
  await noKey.current().store.updateScene(noKey.current().store.get().scenes[0]!.id, { seconds: 4 });
  await assert.rejects(noKey.generate([]), (err: { code: string }) => err.code === 'MissingKey');
  await noKey.shutdown();
  assert.equal(emu.stats.creates, 0);
});

test('a job parked while the provider is unreachable is tried again by itself and finishes, with one create', { timeout: 60000 }, async () => {
  emu.resetStats();
  // Every status read fails for a while (more than the adapter's and the engine's retries together).
  emu.setFaults({ serverError: { count: 12, statuses: [503], routes: ['retrieve'] } });
  const dir = path.join(root, 'parked');
  await createProject(dir, { provider: 'openai-videos', model: 'sora-2', scenes: [{ prompt: 'A lighthouse in fog', seconds: 4 }] });
  const app = new Storyreel({
    ...makeApp(dir).opts,
    timing: { pollMinMs: 50, pollMaxMs: 100, backoffBaseMs: 20, backoffMaxMs: 50, parkAfterFailures: 2, unparkAfterMs: 300 },
  });
  await app.openProject(dir);
  const seen: Array<{ state: string; error: string | null }> = [];
  app.current().engine.on('job', (j) => seen.push({ state: j.state, error: j.error?.code ?? null }));
  await app.generate([]);
  const deadline = Date.now() + 45000;
  while (app.current().engine.list()[0]?.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const job = app.current().engine.list()[0]!;
  await app.shutdown();
  assert.equal(job.state, 'ready', JSON.stringify(job.error));
  assert.ok(seen.some((s) => s.state === 'running' && s.error === 'ProviderUnavailable'), 'it was parked with the reason shown');
  assert.equal(emu.stats.faults.serverError, 12);
  assert.equal(emu.stats.creates, 1);
});
