// The Gemini Omni adapter (Interactions API) against its emulator: every fault on, moderation, first + last
// frame and references sent as asked, extend by previous_interaction_id, a SIGKILL of the CLI and a re-run, and a
// sentinel key that goes only into the x-goog-api-key header.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ledger } from '../../electron/services/jobs/ledger.ts';
import { GeminiProvider } from '../../electron/services/providers/gemini/adapter.ts';
import { providerModule } from '../../electron/services/providers/modules.ts';
import { EnvSecrets } from '../../electron/services/app.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { GEMINI_FAULTS_ALL, startGeminiEmulator, type GeminiEmulator } from '../emulators/gemini/server.ts';
import type { KitFaults } from '../emulators/kit/index.ts';
import { whereKeyWent } from '../emulators/kit/testing.ts';
import { probeStreams } from '../helpers/probe.ts';
import { cli, engineFor, keyLeaks, ledgerJobs, makeApp, makeCliProject, pngFixture, waitFor } from '../helpers/provider-run.ts';

const KEY = `AIza-SENTINEL-${randomBytes(12).toString('hex')}`;
const MODEL = 'gemini-omni-1.1-flash';
let root: string;
let emu: GeminiEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-gemini-'));
  emu = await startGeminiEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const env = () => ({ GEMINI_BASE_URL: emu.url });
const appFor = (dir: string) => makeApp(dir, env(), { name: 'GEMINI_API_KEY', value: KEY });
const createRecords = () => emu.stats.requests.filter((r) => r.route === 'create');

test('the module: key from GEMINI_API_KEY then GOOGLE_API_KEY, base URL from GEMINI_BASE_URL, Google by default', () => {
  const mod = providerModule('gemini')!;
  assert.deepEqual(mod.keyEnv, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
  assert.deepEqual(mod.baseUrlEnv, ['GEMINI_BASE_URL']);
  assert.equal(mod.defaultBaseUrl({}), 'https://generativelanguage.googleapis.com');
  assert.equal(new EnvSecrets({ GOOGLE_API_KEY: 'g-key-1234' }).get('gemini'), 'g-key-1234');
  assert.equal(new EnvSecrets({ GOOGLE_API_KEY: 'g-key-1234', GEMINI_API_KEY: 'gm-key-5678' }).get('gemini'), 'gm-key-5678');
});

/** Faults after which a create's outcome cannot be known (the Interactions API has no list to settle it). */
const UNSETTLED = ['resetBeforeResponse', 'resetAfterCreate', 'serverErrorAfterCreate', 'serverError'];

const FAULT_RUNS: Array<[string, KitFaults]> = [
  // Every switch of the preset, creates included: one lost reply and one 5xx after the job was made, at fixed
  // places, plus 429s and slow answers. The random 5xx and resets before an answer hit polls and downloads
  // only: on a create they would take it before it reaches the scheduled faults (which count the creates
  // that reach them), and whether both fired would depend on the order requests arrive in. A cut download is
  // scheduled too (the 2nd and 3rd bodies), and so are the 429s: the test asserts that they fired, so they must
  // not be coin tosses (under load fewer requests are made, and a rare fault may then never come up).
  ['every fault on, creates included', { ...GEMINI_FAULTS_ALL, seed: 7, resetAfterCreate: { skip: 1, count: 1 }, serverErrorAfterCreate: { skip: 3, count: 1 }, resetBeforeResponse: { probability: 0.02, routes: ['get', 'download'] }, serverError: { probability: 0.05, burst: 2, routes: ['get', 'download'] }, resetMidDownload: { skip: 1, count: 2 }, rateLimit: { skip: 3, count: 2, retryAfterS: 1 } }],
  // Every switch on for polls and downloads, with 429s (a definite "not now") on creates too.
  ['every fault on except lost create replies', { ...GEMINI_FAULTS_ALL, seed: 5, resetAfterCreate: { count: 0 }, serverErrorAfterCreate: { count: 0 }, resetBeforeResponse: { probability: 0.05, routes: ['get', 'download'] }, serverError: { probability: 0.08, burst: 2, routes: ['get', 'download'] }, rateLimit: { skip: 2, count: 4, retryAfterS: 1 }, resetMidDownload: { skip: 1, count: 2 } }],
];
for (const [label, faults] of FAULT_RUNS) {
  test(`${label}: one create per scene at most, never resent; every scene whose create was answered completes`, { timeout: 180000 }, async () => {
    emu.resetStats();
    emu.setFaults(faults);
    const dir = path.join(root, `faults-${label.length}`);
    const prompts = Array.from({ length: 6 }, (_, i) => `Scene ${i + 1}: a glass lantern drifts down river bend ${i + 1} (${label.length})`);
    await createProject(dir, { provider: 'gemini', model: MODEL, size: '1280x720', scenes: prompts.map((p, i) => ({ prompt: p, seconds: i % 2 ? 6 : 4 })) });
    const app = appFor(dir);
    await app.openProject(dir);
    await app.generate([]);
    await app.current().engine.idle();
    const jobs = app.current().engine.records();
    await app.shutdown();

    const promptOf = (r: { body?: unknown }) => String((r.body as { input?: Array<{ text?: string }> } | undefined)?.input?.[0]?.text ?? '');
    for (const j of jobs) {
      const sends = createRecords().filter((r) => promptOf(r) === j.prompt);
      if (j.state === 'ready') {
        assert.equal(emu.stats.createsByPrompt[j.prompt], 1, j.prompt);
        continue;
      }
      // Not finished: only because a create request met a fault that leaves its outcome unknown, and then it
      // was never sent again.
      assert.equal(j.state, 'unknown', `${j.prompt}: ${JSON.stringify(j.error)}`);
      assert.match(j.error!.message, /could not confirm whether the provider received this scene/);
      const last = sends.at(-1)!;
      assert.ok(UNSETTLED.includes(String(last.fault)), `${j.prompt}: last create met ${String(last.fault)}`);
      assert.ok((emu.stats.createsByPrompt[j.prompt] ?? 0) <= 1, j.prompt);
    }
    const answered = jobs.filter((j) => j.state === 'ready').length;
    if (label.includes('except')) assert.equal(answered, 6, 'with creates answered, every scene completes');
    else {
      assert.ok(createRecords().some((r) => r.fault === 'resetAfterCreate') && createRecords().some((r) => r.fault === 'serverErrorAfterCreate'), 'both lost-reply faults fired');
      assert.ok(answered >= 3 && answered <= 4, `ready: ${answered}`);
    }
    assert.ok(emu.stats.creates <= 6);
    for (const f of ['rateLimit', 'resetMidDownload']) assert.ok((emu.stats.faults[f] ?? 0) > 0, `fault ${f} fired: ${JSON.stringify(emu.stats.faults)}`);
    assert.ok(Object.keys(emu.stats.faults).length >= 4, `faults fired: ${JSON.stringify(emu.stats.faults)}`);
    // Valid requests only.
    assert.equal(emu.stats.invalidRequests, 0);
    assert.deepEqual(emu.stats.requests.filter((r) => r.validation === 'invalid').map((r) => r.validationError), []);
    // The request as the contract says: background, uri delivery, "Ns" duration, aspect + resolution.
    const first = createRecords()[0]!.body as { background: boolean; response_format: Record<string, string> };
    assert.equal(first.background, true);
    assert.deepEqual(first.response_format, { type: 'video', aspect_ratio: '16:9', resolution: '720p', duration: first.response_format.duration, delivery: 'uri' });
    assert.match(first.response_format.duration!, /^\d+s$/);
    // The videos, downloaded with the key, are the real clips.
    const project = await readProject(dir);
    for (const scene of project.scenes) {
      if (!scene.takes.length) continue;
      const info = await probeStreams(path.join(dir, scene.takes[0]!.file));
      assert.ok(Math.abs(info.duration - scene.seconds) < 0.2, `${scene.prompt}: ${info.duration}`);
      assert.equal(info.video[0]?.width, 1280);
    }
    // The key went only into the x-goog-api-key header: never a query string or a body.
    assert.deepEqual([...new Set(whereKeyWent(emu.stats.requests, KEY).map((w) => w.where))], ['header:x-goog-api-key']);
    const downloads = emu.stats.requests.filter((r) => r.route === 'download');
    assert.ok(downloads.length >= answered && downloads.every((r) => r.headers['x-goog-api-key'] === KEY && r.query.alt === 'media'));
  });
}

test('a safety block is a moderation outcome, and not billed', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({ moderationWord: 'FORBIDDEN' });
  const dir = path.join(root, 'moderation');
  await createProject(dir, { provider: 'gemini', model: MODEL, size: '720x1280', scenes: [{ prompt: 'A heron lands on a post', seconds: 4 }, { prompt: 'FORBIDDEN: a famous face', seconds: 4 }] });
  const app = appFor(dir);
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();
  const blocked = jobs.find((j) => j.prompt.startsWith('FORBIDDEN'))!;
  assert.equal(blocked.state, 'failed');
  assert.equal(blocked.error?.code, 'ModerationBlocked');
  assert.equal(jobs.find((j) => j !== blocked)!.state, 'ready');
  const spend = await new Ledger(path.join(dir, '.storyreel')).readSpend();
  const net = (id: string) => Math.round(spend.filter((e) => e.jobId === id).reduce((a, e) => a + e.usd, 0) * 1e6) / 1e6;
  assert.equal(net(blocked.id), 0, 'the blocked job nets to nothing in the spend ledger');
  assert.equal(net(jobs.find((j) => j !== blocked)!.id), 0.4);
  const billed = emu.billed().jobs.filter((j) => jobs.some((x) => x.prompt === j.prompt));
  assert.deepEqual(billed.map((j) => [j.prompt, j.usd]), [['A heron lands on a post', 0.4]], 'the emulator billed only the finished one (9:16 720p, 4 s)');
  assert.equal(emu.stats.creates, 2);
});

test('first + last frame and two references are all sent, with their roles; the take is made', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({});
  const dir = path.join(root, 'frames');
  await fs.mkdir(dir, { recursive: true });
  const first = await pngFixture(path.join(dir, 'first.png'), '1280x720', 'red');
  const last = await pngFixture(path.join(dir, 'last.png'), '1280x720', 'blue');
  const ref1 = await pngFixture(path.join(dir, 'ref1.png'), '320x320', 'green');
  const ref2 = await pngFixture(path.join(dir, 'ref2.png'), '320x320', 'yellow');
  const engine = await engineFor(dir, new GeminiProvider({ baseUrl: emu.url, apiKey: KEY }));
  await engine.enqueue([
    {
      sceneId: 's1', sceneNumber: 1, provider: 'gemini', model: MODEL, prompt: 'From red to blue', seconds: 5, size: '1280x720', referenceImage: first, costUsd: 0.5,
      images: [{ role: 'first-frame', file: first }, { role: 'last-frame', file: last }, { role: 'reference', file: ref1 }, { role: 'reference', file: ref2 }],
      seed: 42,
    },
  ]);
  await engine.idle();
  const [job] = engine.records();
  await engine.close();
  assert.equal(job!.state, 'ready', JSON.stringify(job!.error));
  const body = createRecords()[0]!.body as { input: Array<{ type: string; role?: string; mime_type?: string; data?: string }>; generation_config?: { seed: number } };
  assert.deepEqual(body.input.map((i) => `${i.type}:${i.role ?? ''}`), ['text:', 'image:first_frame', 'image:last_frame', 'image:reference', 'image:reference']);
  assert.ok(body.input.slice(1).every((i) => i.mime_type === 'image/png' && (i.data?.length ?? 0) > 50));
  assert.equal(Buffer.from(body.input[1]!.data!, 'base64').equals(await fs.readFile(first)), true, 'the first frame is the file itself');
  assert.equal(Buffer.from(body.input[2]!.data!, 'base64').equals(await fs.readFile(last)), true, 'the last frame is the file itself');
  assert.deepEqual(body.generation_config, { seed: 42 });
  assert.equal(emu.stats.invalidRequests, 0);
});

test('four references (the model takes three) are refused before anything is sent, naming a model that can', { timeout: 30000 }, async () => {
  emu.resetStats();
  const dir = path.join(root, 'too-many');
  await fs.mkdir(dir, { recursive: true });
  const refs = await Promise.all([0, 1, 2, 3].map((i) => pngFixture(path.join(dir, `r${i}.png`), '64x64', 'gray')));
  const engine = await engineFor(dir, new GeminiProvider({ baseUrl: emu.url, apiKey: KEY }));
  await engine.enqueue([{ sceneId: 's1', sceneNumber: 1, provider: 'gemini', model: MODEL, prompt: 'Four friends', seconds: 4, size: '1280x720', referenceImage: null, costUsd: 0.4, images: refs.map((file) => ({ role: 'reference' as const, file })) }]);
  await engine.idle();
  const [job] = engine.records();
  await engine.close();
  assert.equal(job!.state, 'failed');
  assert.equal(job!.error?.code, 'UnsupportedByModel');
  assert.match(job!.error!.message, /Gemini Omni 1\.1 Flash cannot take 4 reference images \(at most 3\)\. Models that can: .*seedance/);
  assert.equal(emu.stats.requests.length, 0, 'nothing reached the provider');
});

test('a 429 carries its wait as google.rpc RetryInfo (no Retry-After): the error says how long to wait, and nothing was made', { timeout: 30000 }, async () => {
  emu.resetStats();
  emu.setFaults({ rateLimit: { count: 1, retryAfterS: 3, routes: ['create'] } });
  const gemini = new GeminiProvider({ baseUrl: emu.url, apiKey: KEY });
  const req = { jobId: 'job_429', model: MODEL, prompt: 'A slow tide', seconds: 4, size: '1280x720', referenceImage: null, sentAt: Date.now() };
  await assert.rejects(gemini.create(req, AbortSignal.timeout(20000)), (err: { code: string; retryable: boolean; retryAfterMs?: number; outcomeUnknown?: boolean }) => {
    assert.equal(err.code, 'RateLimited');
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 3000);
    return true;
  });
  assert.equal(emu.stats.creates, 0);
});

test('extend: a finished interaction is extended by previous_interaction_id into one longer video', { timeout: 60000 }, async () => {
  emu.resetStats();
  emu.setFaults({});
  const gemini = new GeminiProvider({ baseUrl: emu.url, apiKey: KEY });
  const signal = AbortSignal.timeout(50000);
  const settle = async (id: string) => {
    for (;;) {
      const s = await gemini.status(id, signal);
      if (s.state !== 'queued' && s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const req = { jobId: 'job_x', model: MODEL, prompt: 'A paper plane leaves a window', seconds: 4, size: '1280x720', referenceImage: null, sentAt: Date.now() };
  const made = await gemini.create(req, signal);
  const done = await settle(made.providerJobId);
  assert.equal(done.state, 'completed');
  const longer = await gemini.create({ ...req, jobId: 'job_y', prompt: 'It glides over the rooftops', seconds: 8, source: { kind: 'extend', providerJobId: made.providerJobId, seconds: 4 } }, signal);
  const body = createRecords()[1]!.body as Record<string, unknown>;
  assert.equal(body.previous_interaction_id, made.providerJobId);
  assert.deepEqual(body.response_format, { type: 'video', duration: '4s', delivery: 'uri' });
  const ext = await settle(longer.providerJobId);
  assert.equal(ext.state, 'completed');
  const file = path.join(root, 'extended.mp4');
  await gemini.download(longer.providerJobId, file, { signal, ref: { id: longer.providerJobId, handle: longer.handle, outputs: ext.state === 'completed' ? (ext.outputs ?? []) : [] } });
  const info = await probeStreams(file);
  assert.ok(Math.abs(info.duration - 8) < 0.2, `the chain is 4 + 4 s: ${info.duration}`);
  assert.equal(emu.stats.invalidRequests, 0);
});

test('CLI: SIGKILL while jobs run, a re-run finishes with one create per scene; the key is found nowhere', { timeout: 200000 }, async () => {
  emu.resetStats();
  const faults = { rateLimit: { probability: 0.1, retryAfterS: 1 }, resetMidDownload: { probability: 0.3 }, seed: 3 };
  const cliEnv = { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: emu.url, STORYREEL_TIMING: JSON.stringify({ pollMinMs: 100, pollMaxMs: 300, backoffBaseMs: 100, backoffMaxMs: 500 }) };
  const dir = await makeCliProject(root, 'kill', { provider: 'preview', model: 'animatic', size: '1280x720', scenes: [['Rain on a tin roof (g)', 4], ['A cat watches the rain (g)', 4], ['Sun breaks through (g)', 3], ['A rainbow over the fields (g)', 5]] }, cliEnv);
  // The Interactions API has no list: a kill while a create is in flight rightly leaves that scene
  // `unknown` (never resent). So every create is sent at once (concurrency 4) and the kill waits until the
  // provider has all four (each has its id) while they still run (slow jobs, from their own emulator).
  const slow = await startGeminiEmulator({ apiKey: KEY, timing: { queuedMs: 200, runningMs: 4000 }, faults });
  Object.assign(cliEnv, { GEMINI_BASE_URL: slow.url });
  const args = ['render', dir, '--provider', 'gemini', '--model', MODEL, '--concurrency', '4'];
  const run1 = cli(args, root, cliEnv);
  await waitFor(async () => {
    const jobs = await ledgerJobs(dir);
    return jobs.length === 4 && jobs.every((j) => j.providerJobId);
  }, 60000, 'all four jobs at the provider');
  run1.child.kill('SIGKILL');
  const killed = await run1.done;
  assert.equal(killed.signal, 'SIGKILL');
  assert.ok((await ledgerJobs(dir)).some((j) => !['ready', 'failed', 'canceled'].includes(j.state)), 'work was left unfinished by the kill');
  const run2 = await cli(args, root, cliEnv).done;
  assert.equal(run2.code, 0, run2.stdout + run2.stderr);
  assert.equal(slow.stats.creates, 4, JSON.stringify(slow.stats.createsByPrompt));
  const project = await readProject(dir);
  assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1, 1]);
  assert.equal((await ledgerJobs(dir)).length, 4);
  assert.deepEqual(await keyLeaks(dir, KEY, { stdout1: killed.stdout, stderr1: killed.stderr, stdout2: run2.stdout, stderr2: run2.stderr }), []);
  assert.ok((await fs.readFile(path.join(dir, '.storyreel', 'logs', 'cli.log'), 'utf8')).length > 0, 'the log was written and scanned');
  assert.deepEqual([...new Set(whereKeyWent(slow.stats.requests, KEY).map((w) => w.where))], ['header:x-goog-api-key']);
  await slow.close();
});
