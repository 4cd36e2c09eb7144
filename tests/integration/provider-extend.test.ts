// Extend where the model can, through the door the window uses (takes.derive): fal's Veo 3.1 continues a
// fal-made clip at its extend-video endpoint (video_url = the source take's video), Gemini Omni chains an
// interaction by previous_interaction_id; each emulator sees the source and makes one longer take. Models
// that cannot (a remix anywhere here, an extension on Kling) are refused before anything is sent, naming
// models that can; the emulators reject extensions of what they never made, in their own error shapes.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { EstimateView } from '../../shared/contract.ts';
import type { Project } from '../../shared/project.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { FalProvider } from '../../electron/services/providers/fal/adapter.ts';
import { GeminiProvider } from '../../electron/services/providers/gemini/adapter.ts';
import { startFalEmulator, type FalEmulator } from '../emulators/fal/server.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../emulators/gemini/server.ts';
import { makeApp } from '../helpers/provider-run.ts';
import { door } from '../helpers/door.ts';

const FAL_KEY = 'fal-extend-test-key-0123456789';
const GEMINI_KEY = 'AIza-extend-test-key-0123456789';
let root: string;
let fal: FalEmulator;
let gemini: GeminiEmulator;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-extend-'));
  fal = await startFalEmulator({ apiKey: FAL_KEY });
  gemini = await startGeminiEmulator({ apiKey: GEMINI_KEY });
});
after(async () => {
  await fal?.close();
  await gemini?.close();
  await fs.rm(root, { recursive: true, force: true });
});

async function open(name: string, opts: Parameters<typeof createProject>[1], env: Record<string, string>, key: { name: string; value: string }) {
  const dir = path.join(root, name);
  await createProject(dir, opts);
  const app = makeApp(dir, env, key);
  const view = await app.openProject(dir);
  const call = door(app);
  const project = (): Project => app.current().store.get();
  const idle = () => app.current().engine.idle();
  return { app, ids: view.project.scenes.map((s) => s.id), call, project, idle };
}

const openFal = (name: string, model: string, seconds: number) =>
  open(name, { provider: 'fal', model, size: '1280x720', scenes: [{ prompt: `A red kite over the dunes (${name})`, seconds }] }, { FAL_BASE_URL: fal.url }, { name: 'FAL_KEY', value: FAL_KEY });
const openGemini = (name: string, seconds: number) =>
  open(name, { provider: 'gemini', model: 'gemini-omni-1.1-flash', size: '1280x720', scenes: [{ prompt: `A paper boat on a canal (${name})`, seconds }] }, { GEMINI_BASE_URL: gemini.url }, { name: 'GEMINI_API_KEY', value: GEMINI_KEY });

test('fal: a Veo 3.1 take is extended at extend-video with its own video_url into one longer, linked take', { timeout: 120000 }, async () => {
  fal.resetStats();
  const { app, ids, call, project, idle } = await openFal('fal-veo', 'fal-ai/veo3.1/fast', 4);
  await call('jobs.generate', { sceneIds: ids });
  await idle();
  const first = project().scenes[0]!.takes[0]!;
  assert.ok(first?.providerJobId, 'the first take was made at fal');
  const cost = await call<EstimateView>('takes.deriveEstimate', { sceneId: ids[0], takeId: first.id, kind: 'extend' });
  assert.equal(cost.totalSeconds, 8, 'an extension is counted at its whole length');
  await call('takes.derive', { sceneId: ids[0], takeId: first.id, kind: 'extend' });
  await idle();

  const submits = fal.stats.requests.filter((r) => r.route === 'submit');
  assert.deepEqual(submits.map((r) => r.path), ['/fal-ai/veo3.1/fast', '/fal-ai/veo3.1/fast/extend-video']);
  const body = submits[1]!.body as Record<string, unknown>;
  const firstResult = fal.stats.requests.find((r) => r.route === 'result' && r.status === 200 && r.path.includes(first.providerJobId!));
  assert.ok(firstResult, 'the first take\'s result was read');
  assert.match(String(body.video_url), new RegExp(`/cdn/files/${first.providerJobId}/`), 'video_url is the source take\'s own video');
  assert.equal(body.duration, '4s', 'the seconds added, not the whole length');
  assert.equal(fal.stats.invalidRequests, 0);

  const extension = project().scenes[0]!.takes[1]!;
  assert.equal(fal.sourceOf(extension.providerJobId!), first.providerJobId, 'the emulator linked the extension to its source');
  assert.deepEqual(extension.provenance?.from, { kind: 'extend', takeId: first.id });
  assert.ok(Math.abs(extension.seconds - 8) < 0.3, `a new, longer take: ${extension.seconds} s`);
  await app.shutdown();
});

test('fal: no remix, and no extension on Kling: refused before sending, naming models that can', { timeout: 120000 }, async () => {
  fal.resetStats();
  const veo = await openFal('fal-remix', 'fal-ai/veo3.1/fast', 4);
  await veo.call('jobs.generate', { sceneIds: veo.ids });
  await veo.idle();
  const take = veo.project().scenes[0]!.takes[0]!;
  await assert.rejects(veo.call('takes.derive', { sceneId: veo.ids[0], takeId: take.id, kind: 'remix' }), /cannot be remixed\. Models that can remix a take they made: .*sora-2/);
  await veo.app.shutdown();

  const kling = await openFal('fal-kling', 'fal-ai/kling-video/v3/standard', 5);
  await kling.call('jobs.generate', { sceneIds: kling.ids });
  await kling.idle();
  const kt = kling.project().scenes[0]!.takes[0]!;
  await assert.rejects(kling.call('takes.derive', { sceneId: kling.ids[0], takeId: kt.id, kind: 'extend' }), /Kling 3 Standard \(fal\) cannot be extended\. Models that can extend a take they made: .*fal-ai\/veo3\.1/);
  await kling.app.shutdown();
  assert.equal(fal.stats.creates, 2, 'only the two generations reached fal');

  // The adapter refuses too (the engine's second check relies on it), before a byte is sent.
  const adapter = new FalProvider({ apiKey: FAL_KEY, baseUrl: fal.url, stateDir: path.join(root, 'fal-state') });
  const req = { jobId: 'j', model: 'fal-ai/veo3.1/fast', prompt: 'on', seconds: 14, size: '1280x720', referenceImage: null, sentAt: Date.now() };
  await assert.rejects(adapter.create({ ...req, source: { kind: 'extend', providerJobId: 'x', seconds: 10 } }, AbortSignal.timeout(5000)), /extends clips of up to 8 s, and this take is 10 s/);
  await assert.rejects(adapter.create({ ...req, seconds: 4, source: { kind: 'remix', providerJobId: 'x', seconds: 4 } }, AbortSignal.timeout(5000)), /cannot be remixed/);
  await assert.rejects(adapter.create({ ...req, seconds: 8, source: { kind: 'extend', providerJobId: 'x', seconds: 4, ref: null } }, AbortSignal.timeout(5000)), /no longer has the video of this take/);
  assert.equal(fal.stats.creates, 2);
});

test('fal emulator: an extension of a video it never made, or of one longer than 8 s, is refused in fal\'s shape', { timeout: 60000 }, async () => {
  fal.resetStats();
  const post = async (id: string, input: unknown) => {
    const res = await fetch(`${fal.url}/${id}`, { method: 'POST', headers: { authorization: `Key ${FAL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    return (await res.json()) as { request_id: string; response_url: string; status_url: string };
  };
  const settle = async (s: { status_url: string; response_url: string }) => {
    for (;;) {
      const st = (await (await fetch(s.status_url, { headers: { authorization: `Key ${FAL_KEY}` } })).json()) as { status: string; error_type?: string };
      if (st.status === 'COMPLETED') return { st, result: await fetch(s.response_url, { headers: { authorization: `Key ${FAL_KEY}` } }) };
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const ghost = await settle(await post('fal-ai/veo3.1/extend-video', { prompt: 'on', video_url: `${fal.url}/cdn/files/nope/video.mp4`, duration: '4s' }));
  assert.equal(ghost.st.error_type, 'validation_error');
  assert.equal(ghost.result.status, 422);
  const detail = ((await ghost.result.json()) as { detail: Array<{ loc: string[]; type: string }> }).detail;
  assert.deepEqual(detail.map((d) => [d.loc.join('.'), d.type]), [['body.video_url', 'file_download_error']]);

  const long = await post('fal-ai/kling-video/v3/standard/text-to-video', { prompt: 'a long take', duration: '10' });
  const made = (await (await settle(long)).result.json()) as { video: { url: string } };
  const tooLong = await settle(await post('fal-ai/veo3.1/extend-video', { prompt: 'on', video_url: made.video.url, duration: '4s' }));
  const d2 = ((await tooLong.result.json()) as { detail: Array<{ msg: string; type: string }> }).detail;
  assert.equal(d2[0]!.type, 'value_error');
  assert.match(d2[0]!.msg, /at most 8 seconds/);
  assert.equal(fal.stats.invalidRequests, 2);
});

test('gemini: a take is extended by previous_interaction_id into one longer, linked take', { timeout: 120000 }, async () => {
  gemini.resetStats();
  const { app, ids, call, project, idle } = await openGemini('gemini-extend', 4);
  await call('jobs.generate', { sceneIds: ids });
  await idle();
  const first = project().scenes[0]!.takes[0]!;
  await call('takes.derive', { sceneId: ids[0], takeId: first.id, kind: 'extend' });
  await idle();
  const creates = gemini.stats.requests.filter((r) => r.route === 'create');
  assert.equal(creates.length, 2);
  const body = creates[1]!.body as { previous_interaction_id?: string; response_format?: { duration?: string } };
  assert.equal(body.previous_interaction_id, first.providerJobId, 'the emulator sees the source interaction');
  assert.equal(body.response_format?.duration, '4s', 'the seconds added');
  assert.equal(gemini.stats.invalidRequests, 0);
  const extension = project().scenes[0]!.takes[1]!;
  assert.deepEqual(extension.provenance?.from, { kind: 'extend', takeId: first.id });
  assert.ok(Math.abs(extension.seconds - 8) < 0.3, `the chain is 4 + 4 s: ${extension.seconds}`);
  await assert.rejects(call('takes.derive', { sceneId: ids[0], takeId: first.id, kind: 'remix' }), /cannot be remixed\. Models that can remix a take they made: .*sora-2/);
  await app.shutdown();
  assert.equal(gemini.stats.creates, 2);
});

test('gemini: past 40 s is refused before sending; an interaction the API never made is a 404 in google.rpc shape', { timeout: 60000 }, async () => {
  gemini.resetStats();
  const adapter = new GeminiProvider({ baseUrl: gemini.url, apiKey: GEMINI_KEY, retry: { maxAttempts: 1 } });
  const req = { jobId: 'j', model: 'gemini-omni-1.1-flash', prompt: 'on and on', seconds: 42, size: '1280x720', referenceImage: null, sentAt: Date.now() };
  await assert.rejects(adapter.create({ ...req, source: { kind: 'extend', providerJobId: 'v1_x', seconds: 38 } }, AbortSignal.timeout(5000)), /at most 40 s; this would make 42 s/);
  assert.equal(gemini.stats.requests.length, 0, 'nothing was sent');
  await assert.rejects(adapter.create({ ...req, seconds: 8, source: { kind: 'extend', providerJobId: 'v1_never_made', seconds: 4 } }, AbortSignal.timeout(5000)), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'ProviderRejected');
    return true;
  });
  const rec = gemini.stats.requests.find((r) => r.route === 'create')!;
  assert.equal(rec.status, 404);
  assert.equal(gemini.stats.invalidRequests, 1);
});
