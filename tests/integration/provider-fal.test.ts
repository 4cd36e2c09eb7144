// The fal adapter against the fal emulator: every fault on together, roled images and their routing, the
// upload cache, moderation at completion and at submit (not billed), SIGKILL of the CLI mid-run, and a
// sentinel key found nowhere it was not sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FalProvider } from '../../electron/services/providers/fal/adapter.ts';
import { readProject } from '../../electron/services/projects/store.ts';
import { FAL_FAULTS_ALL, startFalEmulator } from '../emulators/fal/server.ts';
import type { FalEmulator } from '../emulators/fal/server.ts';
import { makeSolidPng } from '../emulators/kit/index.ts';
import { whereKeyWent } from '../emulators/kit/testing.ts';
import { sceneStatus } from '../../renderer/src/lib/status.ts';
import { appFor, cli, jobsOnDisk, leaksOf, makeProject, spendOf, sumUsd, until } from '../helpers/module-cli.ts';
import { probeStreams } from '../helpers/probe.ts';

const KEY = `fal-SENTINEL-${randomBytes(10).toString('hex')}`;
const MODEL = 'fal-ai/veo3.1/fast';
let root: string;
let emu: FalEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-fal-'));
  emu = await startFalEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ FAL_KEY: KEY, FAL_BASE_URL: emu.url });
const invalid = (): string[] => emu.stats.requests.filter((r) => r.validation === 'invalid').map((r) => `${r.method} ${r.path}: ${r.validationError}`);

test('every fault on: each answered scene completes, one create per scene, valid requests only; a lost reply is kept as unknown, never resent', { timeout: 240000 }, async () => {
  emu.resetStats();
  // Lost replies early in the run (a create's reply reset; another answered 502 after the job was made);
  // every other fault at the preset's rates.
  emu.setFaults({ ...FAL_FAULTS_ALL, seed: 7, slow: { probability: 0.05, delayMs: 300 }, resetAfterCreate: { skip: 1, count: 1 }, serverErrorAfterCreate: { skip: 2, count: 1 } });
  const dir = path.join(root, 'faults');
  const scenes = Array.from({ length: 7 }, (_, i) => ({ prompt: `Scene ${i + 1}: a paper boat passes lantern ${i + 1}`, seconds: i % 2 ? 8 : 4, image: i === 0 || i === 5 }));
  await makeProject(dir, { provider: 'fal', model: MODEL, size: '1280x720', scenes });
  const app = appFor(dir, env(), KEY, { reconcileGiveUpMs: 2000 });
  await app.openProject(dir);
  await app.generate([]);
  await app.current().engine.idle();
  const jobs = app.current().engine.records();
  await app.shutdown();

  // fal lists no requests: a create that got no readable answer (reset, or a 5xx: fal may have queued it)
  // cannot be matched, so its scene is kept as unknown and never resent. Every other scene completes.
  const unanswered = emu.stats.requests.filter((r) => r.route === 'submit' && (r.status === 'reset' || (typeof r.status === 'number' && r.status >= 500))).length;
  const lost = (emu.stats.faults.resetAfterCreate ?? 0) + (emu.stats.faults.serverErrorAfterCreate ?? 0);
  assert.ok(lost >= 1 && unanswered >= lost, `lost ${lost}, unanswered ${unanswered}: ${JSON.stringify(emu.stats.faults)}`);
  assert.equal(jobs.filter((j) => j.state === 'ready').length, scenes.length - unanswered, JSON.stringify(jobs.map((j) => [j.state, j.error?.message])));
  assert.equal(jobs.filter((j) => j.state === 'unknown').length, unanswered);
  // At most one create per scene; exactly one for every scene but those whose create never reached the job store.
  for (const s of scenes) assert.ok((emu.stats.createsByPrompt[s.prompt] ?? 0) <= 1, s.prompt);
  const neverMade = emu.stats.requests.filter((r) => r.route === 'submit' && (r.fault === 'serverError' || r.fault === 'resetBeforeResponse')).length;
  assert.equal(emu.stats.creates, scenes.length - neverMade, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)}`);
  for (const j of jobs.filter((x) => x.state === 'ready')) assert.equal(emu.stats.createsByPrompt[j.prompt], 1, j.prompt);
  assert.deepEqual(invalid(), []);
  // Besides the two lost replies, the preset's random faults fired (which ones depends on timing).
  assert.ok(['serverError', 'resetMidDownload', 'resetBeforeResponse', 'slow'].some((f) => (emu.stats.faults[f] ?? 0) > 0), `faults fired: ${JSON.stringify(emu.stats.faults)}`);
  // The two images went up through fal's storage and reached the image-to-video endpoint.
  assert.ok(emu.uploads.size >= 1);
  const submits = emu.stats.requests.filter((r) => r.route === 'submit' && r.validation === 'valid');
  assert.ok(submits.some((r) => r.path === '/fal-ai/veo3.1/fast/image-to-video' && String((r.body as { image_url?: string }).image_url).startsWith(`${emu.url}/cdn/`)));
  // The unknown ones say so, and were never sent again.
  for (const j of jobs.filter((x) => x.state === 'unknown')) assert.match(j.error?.message ?? '', /could not confirm.*fal cannot list/i);
  const project = await readProject(dir);
  for (const s of project.scenes.filter((x) => x.takes.length)) {
    const info = await probeStreams(path.join(dir, s.takes[0]!.file));
    assert.ok(Math.abs(info.duration - s.seconds) < 0.2, `${s.takes[0]!.file}: ${info.duration}`);
  }
  // Spend: the ledger holds the answered jobs at fal's price, which is what the emulator billed for them.
  const spend = await spendOf(dir);
  const billed = emu.billed().jobs.filter((b) => jobs.some((j) => j.providerJobId === b.id));
  assert.equal(sumUsd(spend), sumUsd(billed.map((b) => ({ usd: b.usd }))));
});

test('roled images: a first and last frame go to first-last-frame-to-video; a model without a last frame refuses before sending, naming one that can; uploads are cached', async () => {
  emu.resetStats();
  emu.setFaults({});
  const dir = path.join(root, 'images');
  await fs.mkdir(dir, { recursive: true });
  const first = path.join(dir, 'first.png');
  const last = path.join(dir, 'last.png');
  await fs.writeFile(first, makeSolidPng(128, 72, [200, 30, 30]));
  await fs.writeFile(last, makeSolidPng(128, 72, [30, 200, 30]));
  const fal = new FalProvider({ apiKey: KEY, baseUrl: emu.url, stateDir: dir });
  const signal = new AbortController().signal;
  const req = (model: string, sentAt: number) => ({ jobId: `job_${sentAt}`, model, prompt: 'A door opens onto a field', seconds: 4, size: '1280x720', referenceImage: first, images: [{ role: 'first-frame' as const, file: first }, { role: 'last-frame' as const, file: last }], sentAt });
  const a = await fal.create(req('fal-ai/veo3.1/fast', 1), signal);
  const b = await fal.create({ ...req('fal-ai/veo3.1/fast', 2), prompt: 'The same door, again' }, signal);
  const submits = emu.stats.requests.filter((r) => r.route === 'submit');
  assert.deepEqual(submits.map((r) => r.path), ['/fal-ai/veo3.1/fast/first-last-frame-to-video', '/fal-ai/veo3.1/fast/first-last-frame-to-video']);
  const body = submits[0]!.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['aspect_ratio', 'duration', 'first_frame_url', 'last_frame_url', 'prompt', 'resolution']);
  assert.equal(body.duration, '4s');
  assert.equal(body.resolution, '720p');
  assert.equal(emu.stats.requests.filter((r) => r.route === 'storage-initiate').length, 2, 'two images uploaded once each, then reused');
  assert.deepEqual(invalid(), []);
  // The handle is stored whole: the URLs live under {owner}/{alias}, not the endpoint id.
  assert.match(a.handle.urls!.status!, /\/fal-ai\/veo3\.1\/requests\/[^/]+\/status$/);
  assert.notEqual(a.providerJobId, b.providerJobId);
  // Kling takes an end frame on image-to-video.
  await fal.create(req('fal-ai/kling-video/v3/pro', 3), signal);
  const kling = emu.stats.requests.filter((r) => r.route === 'submit').at(-1)!;
  assert.equal(kling.path, '/fal-ai/kling-video/v3/pro/image-to-video');
  assert.deepEqual(Object.keys(kling.body as object).sort(), ['duration', 'end_image_url', 'prompt', 'start_image_url']);
  // Wan 2.6 takes a first frame only: refused before anything is sent, naming models that can.
  const before = emu.stats.requests.length;
  await assert.rejects(fal.create(req('wan/v2.6', 4), signal), (err: { code: string; message: string }) => {
    assert.equal(err.code, 'UnsupportedByModel');
    assert.match(err.message, /no last frame.*Models that can: .*fal-ai\/veo3\.1/);
    return true;
  });
  assert.equal(emu.stats.requests.length, before, 'nothing sent');
  assert.equal(emu.stats.creates, 3);
});

test('cancel: PUT to the stored cancel_url; the request then completes with request_cancelled, failed and not billed', async () => {
  // Jobs that stay queued for a minute: the cancel always lands before completion.
  const own = await startFalEmulator({ apiKey: KEY, timing: { queuedMs: 60_000, runningMs: 60_000 } });
  const dir = path.join(root, 'cancel');
  await fs.mkdir(dir, { recursive: true });
  const fal = new FalProvider({ apiKey: KEY, baseUrl: own.url, stateDir: dir });
  const signal = new AbortController().signal;
  const made = await fal.create({ jobId: 'job_cancel', model: 'wan/v2.6', prompt: 'A slow pan over rooftops', seconds: 5, size: '1920x1080', referenceImage: null, images: [], sentAt: 1 }, signal);
  const ref = { id: made.providerJobId, handle: made.handle, outputs: [] };
  assert.equal((await fal.status(made.providerJobId, signal, ref)).state, 'queued');
  await fal.cancel(made.providerJobId, signal, ref);
  const put = own.stats.requests.find((r) => r.route === 'cancel')!;
  assert.equal(put.method, 'PUT');
  assert.equal(`${own.url}${put.path}`, made.handle.urls!.cancel);
  assert.equal(put.status, 202);
  const st = await fal.status(made.providerJobId, signal, ref);
  assert.deepEqual(st.state === 'failed' ? [st.code, st.billed] : st, ['request_cancelled', false]);
  await own.close();
});

for (const at of ['result', 'submit'] as const) {
  test(`moderation (${at === 'result' ? 'COMPLETED with content_policy_violation and a 422 result' : 'a 422 at submit'}) fails the scene as ModerationBlocked, not billed`, { timeout: 60000 }, async () => {
    const own = await startFalEmulator({ apiKey: KEY, moderationAt: at });
    try {
      const dir = path.join(root, `moderation-${at}`);
      await makeProject(dir, { provider: 'fal', model: MODEL, size: '1280x720', scenes: [{ prompt: 'FORBIDDEN: a famous actor waves', seconds: 4 }, { prompt: 'A kite over the dunes', seconds: 4 }] });
      const app = appFor(dir, { FAL_KEY: KEY, FAL_BASE_URL: own.url }, KEY);
      await app.openProject(dir);
      await app.generate([]);
      await app.current().engine.idle();
      const jobs = app.current().engine.records();
      await app.shutdown();
      const mod = jobs.find((j) => j.prompt.startsWith('FORBIDDEN'))!;
      assert.equal(mod.state, 'failed');
      assert.equal(mod.error?.code, 'ModerationBlocked');
      assert.match(mod.error?.message ?? '', /content checker/);
      assert.equal(jobs.find((j) => j !== mod)!.state, 'ready');
      const spend = await spendOf(dir);
      assert.equal(sumUsd(spend.filter((e) => e.jobId === mod.id)), 0, 'the moderated scene costs nothing in the ledger');
      assert.equal(sumUsd(spend), own.billed().totalUsd);
      // At submit, fal refuses before queueing: nothing was made (the emulator counts one create).
      assert.equal(own.stats.creates, at === 'submit' ? 1 : 2);
    } finally {
      await own.close();
    }
  });
}

async function cliProject(name: string, tag: string, imageAt: number | null = null): Promise<string> {
  const dir = path.join(root, name);
  await makeProject(dir, {
    provider: 'fal',
    model: MODEL,
    size: '1280x720',
    scenes: ['Rain on a tin roof', 'A cat watches the rain', 'Sun breaks through', 'A rainbow over the fields'].map((p, i) => ({ prompt: `${p} ${tag}`, seconds: 4, image: i === imageAt })),
  });
  return dir;
}

for (const moment of ['running', 'uploading', 'creating'] as const) {
  test(`CLI: SIGKILL while ${moment === 'running' ? 'jobs run at fal' : moment === 'uploading' ? 'an image is being uploaded' : 'a create is in flight'}, then run again: creates equal scenes`, { timeout: 240000 }, async () => {
    emu.resetStats();
    emu.setFaults(moment === 'uploading' ? { slow: { count: 1, delayMs: 4000, routes: ['storage-initiate'] } } : moment === 'creating' ? { slow: { count: 1, delayMs: 4000, routes: ['submit'] } } : {});
    const dir = await cliProject(`kill-${moment}`, `(${moment})`, moment === 'uploading' ? 0 : null);
    // One job at a time when the kill must land in one request: no second create races it.
    const args = ['render', dir, '--provider', 'fal', '--model', MODEL, '--concurrency', moment === 'running' ? '2' : '1'];
    const run1 = cli(root, args, env());
    await until(
      async () => {
        if (moment === 'running') {
          // A job runs at fal and no create is on the wire: the kill lands on polling, not on a send.
          const jobs = await jobsOnDisk(dir);
          return jobs.some((j) => j.state === 'running') && !jobs.some((j) => j.state === 'submitted');
        }
        // The slow request has arrived at the emulator: the CLI is waiting for its answer.
        const route = moment === 'uploading' ? 'storage-initiate' : 'submit';
        return (emu.stats.faults.slow ?? 0) > 0 && emu.stats.requests.some((r) => r.route === route && r.fault === 'slow');
      },
      60000,
      moment,
    );
    run1.child.kill('SIGKILL');
    assert.equal((await run1.done).signal, 'SIGKILL');
    const createsAtKill = emu.stats.creates;
    // The emulator finishes the slow create after the client is gone (fal would have it too).
    if (moment === 'creating') await until(async () => emu.stats.creates === 1, 20000, 'the slow create made its job');
    const run2 = await cli(root, args, env()).done;
    assert.match(run2.stdout, /Resuming \d+ job\(s\) from the last run/);
    assert.equal(emu.stats.creates, 4, `creates by prompt: ${JSON.stringify(emu.stats.createsByPrompt)} (at the kill: ${createsAtKill})`);
    assert.equal((await jobsOnDisk(dir)).length, 4, 'one job per scene');
    const project = await readProject(dir);
    if (moment === 'creating') {
      // The create in flight reached fal (it counted it) but its answer never arrived: kept as unknown, not resent.
      assert.equal(run2.code, 75, run2.stderr);
      assert.match(run2.stderr, /not confirmed: .*fal cannot list/);
      assert.deepEqual(project.scenes.map((s) => s.takes.length).sort(), [0, 1, 1, 1]);
    } else {
      // An upload cut short sent no create: the local journal proves it, so the scene is sent on the re-run.
      assert.equal(run2.code, 0, run2.stdout + run2.stderr);
      assert.deepEqual(project.scenes.map((s) => s.takes.length), [1, 1, 1, 1]);
    }
  });
}

test('the key goes only in the Authorization header to the queue and storage; never to the CDN or the upload URL, and nowhere on disk or in output', { timeout: 240000 }, async () => {
  emu.resetStats();
  emu.setFaults({ ...FAL_FAULTS_ALL, seed: 3, slow: { probability: 0.05, delayMs: 200 }, resetAfterCreate: undefined, serverErrorAfterCreate: undefined });
  const dir = await cliProject('sentinel', '(sentinel)', 1);
  const file = path.join(dir, 'project.json');
  const p = JSON.parse(await fs.readFile(file, 'utf8'));
  p.scenes[2].prompt = 'FORBIDDEN scene';
  await fs.writeFile(file, JSON.stringify(p, null, 2));
  const run = await cli(root, ['render', dir, '--provider', 'fal', '--model', MODEL], env()).done;
  assert.equal(run.code, 1, 'the moderated scene fails the run');
  const rerun = await cli(root, ['render', dir, '--provider', 'fal', '--model', MODEL, '--max-spend', '0.01'], env()).done;
  assert.match(rerun.stderr, /budget/);
  const went = whereKeyWent(emu.stats.requests, KEY);
  assert.ok(went.length > 10, 'the key was really used');
  assert.deepEqual([...new Set(went.map((w) => w.where))], ['header:authorization']);
  assert.deepEqual([...new Set(went.map((w) => w.route))].filter((r) => !['submit', 'status', 'result', 'storage-initiate'].includes(String(r))), []);
  assert.ok(emu.stats.requests.some((r) => r.route === 'cdn') && emu.stats.requests.some((r) => r.route === 'storage-upload'));
  assert.deepEqual(await leaksOf(KEY, dir, { stdout: run.stdout, stderr: run.stderr, stdout2: rerun.stdout, stderr2: rerun.stderr }), []);
});

test('fal’s queue position reaches the job: "In queue · N ahead" while it waits, then generating', { timeout: 120000 }, async () => {
  // The provider runs one job at a time: of four sent at once, the later ones wait in its queue.
  const own = await startFalEmulator({ apiKey: KEY, faults: { queueing: { concurrency: 1 } }, timing: { queuedMs: 10, runningMs: 400 } });
  try {
    const dir = path.join(root, 'queue');
    await makeProject(dir, { provider: 'fal', model: MODEL, size: '1280x720', scenes: Array.from({ length: 4 }, (_, i) => ({ prompt: `Queue ${i + 1}: a tram in the rain`, seconds: 4 })) });
    const app = appFor(dir, { FAL_KEY: KEY, FAL_BASE_URL: own.url }, KEY);
    const positions: Array<number | null | undefined> = [];
    await app.openProject(dir);
    app.current().engine.on('job', (s) => positions.push(s.queuePosition));
    await app.generate([]);
    await app.current().engine.idle();
    const jobs = app.current().engine.list();
    await app.shutdown();
    assert.deepEqual(jobs.map((j) => j.state), ['ready', 'ready', 'ready', 'ready']);
    assert.ok(positions.some((p) => typeof p === 'number' && p > 0), `a job saw jobs ahead of it: ${JSON.stringify(positions)}`);
    assert.ok(jobs.every((j) => j.queuePosition === null), 'a finished job has no queue position');
    assert.equal(sceneStatus({ ...jobs[0]!, state: 'running', queuePosition: 2 }).label, 'In queue · 2 ahead');
  } finally {
    await own.close();
  }
});
