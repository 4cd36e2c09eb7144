// The OpenRouter adapter against the OpenRouter emulator: every fault on together, the billed usage.cost in
// the spend ledger (not the estimate), frame images, moderation not billed (the models endpoint refreshing the
// profiles: models-refresh.test.ts), SIGKILL of the CLI mid-run, and a sentinel key found nowhere it was not sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { OpenRouterProvider } from '../../electron/services/providers/openrouter/adapter.ts';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { makeSolidPng } from '../emulators/kit/index.ts';
import { whereKeyWent } from '../emulators/kit/testing.ts';
import { OPENROUTER_FAULTS_ALL, startOpenRouterEmulator } from '../emulators/openrouter/server.ts';
import type { OpenRouterEmulator } from '../emulators/openrouter/server.ts';
import { appFor, cli, jobsOnDisk, leaksOf, makeProject, spendOf, sumUsd, until } from '../helpers/module-cli.ts';
import { probeStreams } from '../helpers/probe.ts';

const KEY = `sk-or-SENTINEL-${randomBytes(10).toString('hex')}`;
const MODEL = 'alibaba/wan-2.7';
let root: string;
let emu: OpenRouterEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-openrouter-'));
  // The reported cost differs from the list price (±30 %), as real bills do.
  emu = await startOpenRouterEmulator({ apiKey: KEY, costVariance: 0.3, seed: 5 });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: emu.url });
/** What the emulator billed for these jobs (its totals run across the whole file). */
const billedFor = (jobs: Array<{ providerJobId: string | null }>): number => sumUsd(emu.billed().jobs.filter((b) => jobs.some((j) => j.providerJobId === b.id)));
const invalid = (): string[] => emu.stats.requests.filter((r) => r.validation === 'invalid').map((r) => `${r.method} ${r.path}: ${r.validationError}`);

test('every fault on: each answered scene completes, one create per scene, valid requests only; the spend ledger sums to what OpenRouter billed', { timeout: 240000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...OPENROUTER_FAULTS_ALL, seed: 9, slow: { probability: 0.05, delayMs: 300 }, resetAfterCreate: { skip: 1, count: 1 }, serverErrorAfterCreate: { skip: 2, count: 1 } });
  const dir = path.join(root, 'faults');
  const scenes = Array.from({ length: 7 }, (_, i) => ({ prompt: `Scene ${i + 1}: a heron lifts off pond ${i + 1}`, seconds: i % 2 ? 10 : 5, image: i === 0 || i === 3 }));
  await makeProject(dir, { provider: 'openrouter', model: MODEL, size: '1280x720', scenes });
  const app = appFor(dir, env(), KEY, { reconcileGiveUpMs: 2000 });
  await app.openProject(dir);
  const est = await app.estimate([]);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();

  // No list: a create without a readable answer is kept as unknown (never resent); every other scene completes.
  const unanswered = emu.stats.requests.filter((r) => r.route === 'create' && (r.status === 'reset' || (typeof r.status === 'number' && r.status >= 500))).length;
  assert.equal(jobs.filter((j) => j.state === 'ready').length, scenes.length - unanswered, JSON.stringify(jobs.map((j) => [j.state, j.error?.message])));
  assert.equal(jobs.filter((j) => j.state === 'unknown').length, unanswered);
  for (const s of scenes) assert.ok((emu.stats.createsByPrompt[s.prompt] ?? 0) <= 1, s.prompt);
  const neverMade = emu.stats.requests.filter((r) => r.route === 'create' && (r.fault === 'serverError' || r.fault === 'resetBeforeResponse')).length;
  assert.equal(emu.stats.creates, scenes.length - neverMade, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
  for (const j of jobs.filter((x) => x.state === 'ready')) assert.equal(emu.stats.createsByPrompt[j.prompt], 1, j.prompt);
  assert.deepEqual(invalid(), []);
  const lost = (emu.stats.faults.resetAfterCreate ?? 0) + (emu.stats.faults.serverErrorAfterCreate ?? 0);
  assert.ok(lost >= 1 && unanswered >= lost, `lost ${lost}, unanswered ${unanswered}`);
  // Besides the two lost replies, the preset's random faults fired (which ones depends on timing).
  assert.ok(['serverError', 'resetMidDownload', 'rateLimit', 'resetBeforeResponse', 'slow'].some((f) => (emu.stats.faults[f] ?? 0) > 0), `faults fired: ${JSON.stringify(emu.stats.faults)}`);
  // The first frames went as frame_images.
  const creates = emu.stats.requests.filter((r) => r.route === 'create' && r.validation === 'valid');
  assert.ok(creates.some((r) => ((r.body as { frame_images?: Array<{ frame_type: string; image_url: { url: string } }> }).frame_images ?? []).some((f) => f.frame_type === 'first_frame' && f.image_url.url.startsWith('data:image/png;base64,'))));
  const project = await readProject(dir);
  for (const s of project.scenes.filter((x) => x.takes.length)) {
    const info = await probeStreams(path.join(dir, s.takes[0]!.file));
    assert.ok(Math.abs(info.duration - s.seconds) < 0.2, `${s.takes[0]!.file}: ${info.duration}`);
  }
  // The spend ledger sums to what the emulator billed for these jobs, not to the estimate.
  const spend = await spendOf(dir);
  const mine = emu.billed().jobs.filter((b) => jobs.some((j) => j.providerJobId === b.id && j.state === 'ready'));
  assert.equal(mine.length, scenes.length - unanswered);
  const estimated = sumUsd(est.lines.filter((l) => jobs.some((j) => j.sceneId === l.sceneId && j.state === 'ready')));
  assert.equal(sumUsd(spend), sumUsd(mine));
  assert.notEqual(sumUsd(spend), estimated, 'the bill differs from the estimate, so the test can tell them apart');
  assert.ok(spend.some((e) => /the provider reported \$/.test((e as { reason?: string }).reason ?? '')));
});

test('the spend ledger holds the billed cost, whole film: every scene, no lost replies', { timeout: 120000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...OPENROUTER_FAULTS_ALL, seed: 21, slow: undefined, resetAfterCreate: undefined, serverErrorAfterCreate: undefined, serverError: { probability: 0.05, burst: 2, routes: ['get', 'content'] }, resetBeforeResponse: { probability: 0.02, routes: ['get', 'content'] } });
  const dir = path.join(root, 'ledger');
  const scenes = [5, 10, 5, 15].map((seconds, i) => ({ prompt: `Tide ${i + 1} comes in`, seconds }));
  await makeProject(dir, { provider: 'openrouter', model: MODEL, size: '1920x1080', scenes });
  const app = appFor(dir, env(), KEY);
  await app.openProject(dir);
  const est = await app.estimate([]);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();
  assert.deepEqual(jobs.map((j) => j.state), Array(4).fill('ready'));
  assert.equal(emu.stats.creates, 4);
  assert.equal(est.totalUsd, 35 * 0.06);
  const spend = await spendOf(dir);
  assert.equal(sumUsd(spend), billedFor(jobs));
  assert.notEqual(billedFor(jobs), est.totalUsd);
  for (const j of jobs) assert.equal(j.reportedCostUsd, emu.billed().jobs.find((b) => b.id === j.providerJobId)!.usd);
});

test('a crash between storing a job and writing its spend line: the next start counts it once, and the billed correction once', { timeout: 120000 }, async () => {
  emu.resetStats();
  emu.setFaults({});
  const dir = path.join(root, 'crash-windows');
  await makeProject(dir, { provider: 'openrouter', model: MODEL, size: '1280x720', scenes: [{ prompt: 'A lamp flickers on', seconds: 5 }] });
  const run = async (): Promise<void> => {
    const app = appFor(dir, env(), KEY);
    await app.openProject(dir);
    if (!app.current().engine.records().length) await app.generate([]);
    await app.current().engine.idle();
    await app.shutdown();
  };
  await run();
  const ledger = new Ledger(path.join(dir, '.storyreel'));
  const [job] = await ledger.readAll();
  const billed = billedFor([job!]);
  assert.equal(sumUsd(await spendOf(dir)), billed);
  // As if the run died right after storing the job as accepted: no spend line yet.
  const back = { ...job!, state: 'running' as const, progress: 0, reportedCostUsd: null, outputs: [], takeId: null };
  await ledger.write(back);
  await fs.rm(path.join(dir, '.storyreel', 'spend.jsonl'));
  await run();
  assert.equal(sumUsd(await spendOf(dir)), billed, 'counted once on restart, then corrected to the bill');
  // As if it died after writing the correction line but before storing the job: the correction is not written twice.
  await ledger.write(back);
  await run();
  assert.equal(sumUsd(await spendOf(dir)), billed);
  assert.equal(emu.stats.creates, 1);
});

test('a first and last frame are sent as frame_images; a model without a last frame refuses before sending, naming one that can', async () => {
  emu.resetStats();
  emu.setFaults({});
  const dir = path.join(root, 'frames');
  await fs.mkdir(dir, { recursive: true });
  const first = path.join(dir, 'first.png');
  const last = path.join(dir, 'last.png');
  await fs.writeFile(first, makeSolidPng(128, 72, [200, 30, 30]));
  await fs.writeFile(last, makeSolidPng(128, 72, [30, 200, 30]));
  const or = new OpenRouterProvider({ apiKey: KEY, baseUrl: emu.url, stateDir: dir });
  const signal = new AbortController().signal;
  const req = (model: string, n: number) => ({ jobId: `job_${n}`, model, prompt: 'A door opens onto a field', seconds: 4, size: '720x1280', referenceImage: first, images: [{ role: 'first-frame' as const, file: first }, { role: 'last-frame' as const, file: last }], sentAt: n, seed: 42, audio: false });
  const made = await or.create(req('google/veo-3.1-fast', 1), signal);
  const body = emu.stats.requests.find((r) => r.route === 'create')!.body as Record<string, unknown>;
  assert.deepEqual(
    (body.frame_images as Array<{ frame_type: string }>).map((f) => f.frame_type),
    ['first_frame', 'last_frame'],
  );
  assert.equal(body.aspect_ratio, '9:16');
  assert.equal(body.resolution, '720p');
  assert.equal(body.duration, 4);
  assert.equal(body.seed, 42);
  assert.equal(body.generate_audio, false);
  // polling_url is relative; it was resolved against the base and is used as stored.
  assert.equal(made.handle.urls!.poll, `${emu.url}/videos/${made.providerJobId}`);
  assert.deepEqual(invalid(), []);
  await assert.rejects(or.create({ ...req('alibaba/wan-2.6', 2), seconds: 5 }, signal), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'UnsupportedByModel');
    assert.match(err.message, /no last frame.*Models that can: google\/veo-3\.1/);
    return true;
  });
  assert.equal(emu.stats.creates, 1);
});

test('moderation fails the scene as ModerationBlocked and is not billed', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({ moderationWord: 'FORBIDDEN' });
  const dir = path.join(root, 'moderation');
  await makeProject(dir, { provider: 'openrouter', model: MODEL, size: '1280x720', scenes: [{ prompt: 'FORBIDDEN: a famous actor waves', seconds: 5 }, { prompt: 'A kite over the dunes', seconds: 5 }] });
  const app = appFor(dir, env(), KEY);
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();
  const mod = jobs.find((j) => j.prompt.startsWith('FORBIDDEN'))!;
  assert.equal(mod.state, 'failed');
  assert.equal(mod.error?.code, 'ModerationBlocked');
  const spend = await spendOf(dir);
  assert.equal(sumUsd(spend.filter((e) => e.jobId === mod.id)), 0);
  assert.equal(sumUsd(spend), billedFor(jobs));
});

/** A job runs at the provider and no create is on the wire (a kill then lands on polling, not on a send). */
const runningNoneSending = (jobs: Array<{ state: string }>): boolean => jobs.some((j) => j.state === 'running') && !jobs.some((j) => j.state === 'submitted');

async function cliProject(name: string, tag: string): Promise<string> {
  const dir = path.join(root, name);
  await makeProject(dir, { provider: 'openrouter', model: MODEL, size: '1280x720', scenes: ['Rain on a tin roof', 'A cat watches the rain', 'Sun breaks through', 'A rainbow over the fields'].map((p) => ({ prompt: `${p} ${tag}`, seconds: 5 })) });
  return dir;
}

for (const moment of ['running', 'creating'] as const) {
  test(`CLI: SIGKILL while ${moment === 'running' ? 'jobs run at OpenRouter' : 'a create is in flight'}, then run again: creates equal scenes`, { timeout: 240000 }, async () => {
    emu.resetStats();
    emu.setFaults(moment === 'creating' ? { slow: { count: 1, delayMs: 4000, routes: ['create'] } } : {});
    const dir = await cliProject(`kill-${moment}`, `(${moment})`);
    const args = ['render', dir, '--provider', 'openrouter', '--model', MODEL, '--concurrency', moment === 'running' ? '2' : '1'];
    const run1 = cli(root, args, env());
    await until(async () => (moment === 'running' ? runningNoneSending(await jobsOnDisk(dir)) : emu.stats.requests.some((r) => r.route === 'create' && r.fault === 'slow')), 60000, moment);
    run1.child.kill('SIGKILL');
    assert.equal((await run1.done).signal, 'SIGKILL');
    if (moment === 'creating') await until(async () => emu.stats.creates === 1, 20000, 'the slow create made its job');
    const run2 = await cli(root, args, env()).done;
    assert.match(run2.stdout, /Resuming \d+ job\(s\) from the last run/);
    assert.equal(emu.stats.creates, 4, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
    assert.equal((await jobsOnDisk(dir)).length, 4, 'one job per scene');
    const project = await readProject(dir);
    if (moment === 'creating') {
      assert.equal(run2.code, 75, run2.stderr);
      assert.match(run2.stderr, /not confirmed: .*OpenRouter cannot list/);
      assert.deepEqual(project.scenes.map((s) => s.takes.length), [0, 1, 1, 1]);
    } else {
      assert.equal(run2.code, 0, run2.stdout + run2.stderr);
      assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1, 1]);
      // The billed cost, not the estimate, even across a kill.
      assert.equal(sumUsd(await spendOf(dir)), billedFor(await jobsOnDisk(dir)));
    }
  });
}

test('the key goes only in the Authorization header to the configured host, and nowhere on disk or in output', { timeout: 240000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...OPENROUTER_FAULTS_ALL, seed: 4, slow: { probability: 0.05, delayMs: 200 }, resetAfterCreate: undefined, serverErrorAfterCreate: undefined });
  const dir = await cliProject('sentinel', '(sentinel)');
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8'));
  p.scenes[2].prompt = 'FORBIDDEN scene';
  await fs.writeFile(file, JSON.stringify(p, null, 2));
  const run = await cli(root, ['render', dir, '--provider', 'openrouter', '--model', MODEL], env()).done;
  assert.equal(run.code, 1, run.stderr);
  const rerun = await cli(root, ['render', dir, '--provider', 'openrouter', '--model', MODEL, '--max-spend', '0.01'], env()).done;
  assert.match(rerun.stderr, /budget/);
  const went = whereKeyWent(emu.stats.requests, KEY);
  assert.ok(went.length > 10, 'the key was really used');
  assert.deepEqual([...new Set(went.map((w) => w.where))], ['header:authorization']);
  assert.deepEqual(await leaksOf(KEY, dir, { stdout: run.stdout, stderr: run.stderr, stdout2: rerun.stdout, stderr2: rerun.stderr }), []);
});
