// The Seedance adapter (Volcengine Ark / BytePlus ModelArk) against its emulator: every fault on, list-based
// reconcile of lost creates by our own seed, moderation, first + last frame sent with roles, the provider's last
// frame kept beside the take, video_not_ready retried, cancel of a queued task, a SIGKILL of the CLI and a
// re-run, and a sentinel key that goes only to the API host, never to the signed storage URLs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { ArkProvider, formatOf, stableSeed } from '../../electron/services/providers/ark/adapter.ts';
import { providerModule } from '../../electron/services/providers/modules.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { sniffImage } from '../../electron/services/media/sniff.ts';
import { ARK_FAULTS_ALL, startArkEmulator, type ArkEmulator } from '../emulators/ark/server.ts';
import { whereKeyWent } from '../emulators/kit/testing.ts';
import { probeStreams } from '../helpers/probe.ts';
import { cli, engineFor, keyLeaks, ledgerJobs, makeApp, makeCliProject, pngFixture, waitFor } from '../helpers/provider-run.ts';

const KEY = `ark-SENTINEL-${randomBytes(12).toString('hex')}`;
const MODEL = 'dreamina-seedance-2-0-fast-260128';
let root: string;
let emu: ArkEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-ark-'));
  emu = await startArkEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const appFor = (dir: string) => makeApp(dir, { ARK_BASE_URL: emu.url }, { name: 'ARK_API_KEY', value: KEY });
const createRecords = () => emu.stats.requests.filter((r) => r.route === 'create');
const keyPlaces = () => [...new Set(whereKeyWent(emu.stats.requests, KEY).map((w) => `${w.route}:${w.where}`))].sort();

test('the module: ARK_API_KEY, ARK_BASE_URL, and the region setting picks the host', () => {
  const mod = providerModule('ark')!;
  assert.deepEqual(mod.keyEnv, ['ARK_API_KEY']);
  assert.deepEqual(mod.baseUrlEnv, ['ARK_BASE_URL']);
  assert.equal(mod.defaultBaseUrl({}), 'https://ark.ap-southeast.bytepluses.com/api/v3');
  assert.equal(mod.defaultBaseUrl({ region: 'cn' }), 'https://ark.cn-beijing.volces.com/api/v3');
  assert.deepEqual(formatOf('854x480'), { ratio: '16:9', resolution: '480p' });
  assert.deepEqual(formatOf('720x1280'), { ratio: '9:16', resolution: '720p' });
  assert.deepEqual(formatOf('1080x1080'), { ratio: '1:1', resolution: '1080p' });
  assert.equal(stableSeed('job_a'), stableSeed('job_a'));
  assert.notEqual(stableSeed('job_a'), stableSeed('job_b'));
});

test('every fault on together: every scene completes, exactly one create per scene, lost creates found again by seed', { timeout: 180000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...ARK_FAULTS_ALL, seed: 9, resetAfterCreate: { skip: 1, count: 2 }, serverErrorAfterCreate: { skip: 2, count: 1 } });
  const dir = path.join(root, 'faults');
  const prompts = Array.from({ length: 6 }, (_, i) => `Scene ${i + 1}: a kite over the salt flats, take ${i + 1}`);
  await createProject(dir, { provider: 'ark', model: MODEL, size: '854x480', scenes: prompts.map((p, i) => ({ prompt: p, seconds: i % 2 ? 5 : 4 })) });
  const app = appFor(dir);
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();

  assert.deepEqual(jobs.map((j) => j.state), Array(6).fill('ready'), JSON.stringify(jobs.map((j) => j.error)));
  assert.equal(emu.stats.creates, 6, JSON.stringify(emu.stats.createsByPrompt));
  for (const p of prompts) assert.equal(emu.stats.createsByPrompt[p], 1, p);
  for (const f of ['rateLimit', 'resetAfterCreate', 'serverErrorAfterCreate', 'resetMidDownload', 'notReady']) assert.ok((emu.stats.faults[f] ?? 0) > 0, `fault ${f} fired: ${JSON.stringify(emu.stats.faults)}`);
  assert.ok(emu.stats.requests.some((r) => r.route === 'list'), 'lost creates were reconciled through the list');
  // Valid requests only.
  assert.equal(emu.stats.invalidRequests, 0);
  assert.deepEqual(emu.stats.requests.filter((r) => r.validation === 'invalid').map((r) => r.validationError), []);
  // Each scene carries the seed derived from its job id, the same as every list match used.
  for (const j of jobs) {
    const sent = createRecords().find((r) => (r.body as { content: Array<{ text?: string }> }).content[0]!.text === j.prompt)!.body as Record<string, unknown>;
    assert.equal(sent.seed, stableSeed(j.id));
    assert.equal(emu.task(j.providerJobId!)!.seed, stableSeed(j.id));
    assert.deepEqual([sent.ratio, sent.resolution, sent.duration, sent.return_last_frame], ['16:9', '480p', j.seconds, true]);
  }
  // Takes are the real clips, and the provider's own last frame sits beside each take.
  const project = await readProject(dir);
  for (const scene of project.scenes) {
    const take = scene.takes[0]!;
    const info = await probeStreams(path.join(dir, take.file));
    assert.ok(Math.abs(info.duration - scene.seconds) < 0.2, `${scene.prompt}: ${info.duration}`);
    assert.equal(info.video[0]?.width, 854);
  }
  for (const j of jobs) {
    assert.ok(j.lastFrame, `job ${j.id} kept the provider's last frame`);
    assert.equal(sniffImage(await fs.readFile(path.join(dir, j.lastFrame!))), 'png');
    assert.ok((await fs.readFile(path.join(dir, j.lastFrame!))).equals(await emu.lastFrameOf(j.providerJobId!)));
  }
  // The spend ledger ends at what Ark billed (usage.completion_tokens at the model's token price).
  const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
  const billed = emu.billed().jobs.filter((b) => prompts.includes(b.prompt)).reduce((a, b) => a + b.usd, 0);
  assert.equal(Math.round(spend.reduce((a, e) => a + e.usd, 0) * 1e4) / 1e4, Math.round(billed * 1e4) / 1e4);
  // The key went to the API only (create, get, list): never to the signed video or last-frame URLs, nor a body.
  assert.deepEqual(keyPlaces(), ['create:header:authorization', 'get:header:authorization', 'list:header:authorization']);
});

test('a create whose reply was lost, with no such task in the list, is proven absent and sent again; with a list that fails it is never resent', { timeout: 60000 }, async () => {
  emu.resetStats();
  // resetBeforeResponse on the create: the request reached the emulator but no task was made.
  emu.setFaults({ resetBeforeResponse: { count: 1, routes: ['create'] } });
  const dir = path.join(root, 'absent');
  await createProject(dir, { provider: 'ark', model: MODEL, size: '854x480', scenes: [{ prompt: 'A lighthouse at dusk (absent)', seconds: 4 }] });
  let app = appFor(dir);
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  let [job] = app.current().engine.records();
  await app.shutdown();
  assert.equal(job!.state, 'ready', JSON.stringify(job!.error));
  assert.equal(createRecords().length, 2, 'sent twice: the first provably made nothing');
  assert.equal(emu.stats.creates, 1);

  emu.resetStats();
  emu.setFaults({ resetAfterCreate: { count: 1 }, serverError: { routes: ['list'] } });
  const dir2 = path.join(root, 'nolist');
  await createProject(dir2, { provider: 'ark', model: MODEL, size: '854x480', scenes: [{ prompt: 'A lighthouse at dusk (no list)', seconds: 4 }] });
  app = appFor(dir2);
  await app.openProject(dir2);
  await app.generate([]);
  await app.current().engine.idle();
  [job] = app.current().engine.records();
  await app.shutdown();
  assert.equal(job!.state, 'unknown', JSON.stringify(job!.error));
  assert.equal(emu.stats.creates, 1, 'never resent without proof');
});

test('reconcile does not adopt a twin made before the send, nor one with another seed', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({});
  const ark = new ArkProvider({ baseUrl: emu.url, apiKey: KEY });
  const signal = AbortSignal.timeout(30000);
  const base = { model: MODEL, prompt: 'Twin', seconds: 4, size: '854x480', referenceImage: null };
  // Same fields and same seed, made earlier (another take, another project).
  const earlier = await ark.create({ ...base, jobId: 'job_twin', sentAt: Date.now() }, signal);
  await waitFor(async () => (emu.task(earlier.providerJobId)?.created_at as number) * 1000 < Date.now() - 3000, 10000, 'time passes on the server clock');
  // Same fields, made after the send, but another seed.
  await ark.create({ ...base, jobId: 'job_other', sentAt: Date.now() }, signal);
  const sentAt = Date.now();
  assert.equal(await ark.reconcile({ ...base, jobId: 'job_twin', sentAt }, new Set(), signal), null);
  // And the right one is found when it is there.
  const ours = await ark.create({ ...base, jobId: 'job_twin', sentAt }, signal);
  assert.equal(await ark.reconcile({ ...base, jobId: 'job_twin', sentAt }, new Set(), signal), ours.providerJobId);
  assert.equal(await ark.reconcile({ ...base, jobId: 'job_twin', sentAt }, new Set([ours.providerJobId]), signal), null);
});

test('moderation is its own outcome and is not billed; at create it is refused before a task exists', { timeout: 60000 }, async () => {
  for (const moderationAt of ['output', 'create'] as const) {
    const local = await startArkEmulator({ apiKey: KEY, moderationAt, faults: { moderationWord: 'FORBIDDEN' } });
    try {
      const dir = path.join(root, `moderation-${moderationAt}`);
      await createProject(dir, { provider: 'ark', model: MODEL, size: '854x480', scenes: [{ prompt: 'A heron lands on a post', seconds: 4 }, { prompt: 'FORBIDDEN: a famous face', seconds: 4 }] });
      const app = makeApp(dir, { ARK_BASE_URL: local.url }, { name: 'ARK_API_KEY', value: KEY });
      await app.openProject(dir);
      await app.generate([]);
      await app.current().engine.idle();
      const jobs = app.current().engine.records();
      await app.shutdown();
      const blocked = jobs.find((j) => j.prompt.startsWith('FORBIDDEN'))!;
      assert.equal(blocked.state, 'failed', moderationAt);
      assert.equal(blocked.error?.code, 'ModerationBlocked', `${moderationAt}: ${JSON.stringify(blocked.error)}`);
      assert.equal(jobs.find((j) => j !== blocked)!.state, 'ready');
      const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
      const net = Math.round(spend.filter((e) => e.jobId === blocked.id).reduce((a, e) => a + e.usd, 0) * 1e6) / 1e6;
      assert.equal(net, 0, `${moderationAt}: the blocked job costs nothing in the ledger`);
      assert.deepEqual(local.billed().jobs.map((b) => b.prompt), ['A heron lands on a post']);
      assert.equal(local.stats.creates, moderationAt === 'create' ? 1 : 2);
    } finally {
      await local.close();
    }
  }
});

test('first + last frame are both sent with their roles; video_not_ready four times in a row is waited out; a queued task is cancelled with DELETE', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({ notReady: { count: 4 } });
  const dir = path.join(root, 'frames');
  await fs.mkdir(dir, { recursive: true });
  const first = await pngFixture(path.join(dir, 'first.png'), '854x480', 'red');
  const last = await pngFixture(path.join(dir, 'last.png'), '854x480', 'blue');
  const ark = new ArkProvider({ baseUrl: emu.url, apiKey: KEY });
  const engine = await engineFor(dir, ark);
  await engine.enqueue([{ sceneId: 's1', sceneNumber: 1, provider: 'ark', model: MODEL, prompt: 'From red to blue', seconds: 4, size: '854x480', referenceImage: first, costUsd: 0.1, images: [{ role: 'first-frame', file: first }, { role: 'last-frame', file: last }], seed: 1234, audio: false }]);
  await engine.idle();
  const [job] = engine.records();
  await engine.close();
  assert.equal(job!.state, 'ready', JSON.stringify(job!.error));
  const body = createRecords()[0]!.body as { content: Array<{ type: string; role?: string; image_url?: { url: string } }>; seed: number; generate_audio: boolean };
  assert.deepEqual(body.content.map((c) => `${c.type}:${c.role ?? ''}`), ['text:', 'image_url:first_frame', 'image_url:last_frame']);
  assert.equal(body.content[1]!.image_url!.url, `data:image/png;base64,${(await fs.readFile(first)).toString('base64')}`);
  assert.equal(body.content[2]!.image_url!.url, `data:image/png;base64,${(await fs.readFile(last)).toString('base64')}`);
  assert.equal(body.seed, 1234, 'a seed the creator chose is sent as is');
  assert.equal(body.generate_audio, false);
  assert.equal(emu.stats.invalidRequests, 0);
  assert.equal(emu.stats.faults.notReady, 4, 'the video URL answered video_not_ready four times first');
  assert.ok(job!.lastFrame, 'the last frame came too');

  // Cancel while queued: DELETE, and the task says cancelled.
  const slow = await startArkEmulator({ apiKey: KEY, timing: { queuedMs: 60_000, runningMs: 1000 } });
  try {
    const a = new ArkProvider({ baseUrl: slow.url, apiKey: KEY });
    const made = await a.create({ jobId: 'job_c', model: MODEL, prompt: 'Cancel me', seconds: 4, size: '854x480', referenceImage: null, sentAt: Date.now() }, AbortSignal.timeout(10000));
    await a.cancel(made.providerJobId, AbortSignal.timeout(10000));
    assert.equal(slow.task(made.providerJobId)!.status, 'cancelled');
    assert.deepEqual(slow.stats.requests.filter((r) => r.route === 'delete').map((r) => r.status), [200]);
  } finally {
    await slow.close();
  }
});

test('CLI: SIGKILL while a create is in flight and while jobs run; each re-run finishes with one create per scene; the key is found nowhere', { timeout: 240000 }, async () => {
  for (const moment of ['create in flight', 'jobs running'] as const) {
    emu.resetStats();
    const inFlight = moment === 'create in flight';
    emu.setFaults(inFlight ? { slow: { count: 1, delayMs: 2500, routes: ['create'] }, notReady: { probability: 0.3 }, seed: 4 } : { resetMidDownload: { probability: 0.3 }, notReady: { probability: 0.3 }, seed: 4 });
    const tag = inFlight ? '(A)' : '(B)';
    const cliEnv = { ARK_API_KEY: KEY, ARK_BASE_URL: emu.url, STORYREEL_TIMING: JSON.stringify({ pollMinMs: 100, pollMaxMs: 300, backoffBaseMs: 100, backoffMaxMs: 500, reconcileDelaysMs: [100, 300], reconcileSettleMs: 6000 }) };
    const dir = await makeCliProject(root, `kill-${inFlight ? 'create' : 'running'}`, { provider: 'preview', model: 'animatic', size: '1280x720', scenes: [[`Rain on a tin roof ${tag}`, 4], [`A cat watches the rain ${tag}`, 5], [`Sun breaks through ${tag}`, 4], [`A rainbow over the fields ${tag}`, 6]] }, cliEnv);
    const args = ['render', dir, '--provider', 'ark', '--model', MODEL, '--concurrency', '2'];
    const run1 = cli(args, root, cliEnv);
    await waitFor(async () => {
      const jobs = await ledgerJobs(dir);
      return inFlight ? jobs.some((j) => j.state === 'submitted' && !j.providerJobId) && createRecords().length > 0 : jobs.some((j) => j.state === 'running');
    }, 60000, moment);
    run1.child.kill('SIGKILL');
    const killed = await run1.done;
    assert.equal(killed.signal, 'SIGKILL');
    const run2 = await cli(args, root, cliEnv).done;
    assert.equal(run2.code, 0, run2.stdout + run2.stderr);
    assert.equal(emu.stats.creates, 4, `${moment}: ${JSON.stringify(emu.stats.createsByPrompt)}`);
    const project = await readProject(dir);
    assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1, 1]);
    assert.equal((await ledgerJobs(dir)).length, 4);
    assert.deepEqual(await keyLeaks(dir, KEY, { stdout1: killed.stdout, stderr1: killed.stderr, stdout2: run2.stdout, stderr2: run2.stderr }), []);
    assert.ok((await fs.readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8')).length > 0);
    assert.ok(keyPlaces().every((p) => /^(create|get|list):header:authorization$/.test(p)), keyPlaces().join(', '));
  }
});
