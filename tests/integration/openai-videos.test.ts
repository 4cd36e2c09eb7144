// OpenAiVideosProvider against the emulator, over real HTTP on loopback: the happy path, faults, downloads, gateways, moderation, references.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { getEventListeners } from 'node:events';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import { isOutcomeUnknown } from '../../electron/services/providers/types.ts';
import type { AppError } from '../../shared/errors.ts';
import { makeSolidPng } from '../emulators/openai-videos/server.ts';
import { specCheck } from '../helpers/openapi-spec.ts';
import { SENTINEL_KEY, assertAllValid, catchErr, errorText, ffprobe, harness, pause, pollUntilDone, request, signal } from '../helpers/openai-videos-harness.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyreel-openai-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('happy path: create → status (queued/running/completed) → download a real MP4 + thumbnail; one create; every request valid', async (t) => {
  // Running for 2 s, so the poller sees it running even when the first status read on a busy machine comes
  // late (with 150 ms it sometimes saw only "completed").
  const h = await harness({ timing: { queuedMs: 30, runningMs: 2000, pollAfterMs: 25 } });
  try {
    const req = request();
    const { providerJobId } = await h.provider.create(req, signal());
    const seen = await pollUntilDone(h.provider, providerJobId);
    const last = seen.at(-1)!;
    assert.equal(last.state, 'completed');
    assert.ok(last.state === 'completed' && last.expiresAt !== null && last.expiresAt > Date.now(), `completed with a future expiry: ${JSON.stringify(last)}`);
    const running = seen.flatMap((s) => (s.state === 'running' ? [s] : []));
    assert.ok(running.length > 0 && running.every((s) => s.progress > 0 && s.progress < 1 && s.pollAfterMs === 25), `running statuses carry progress and the poll hint: ${JSON.stringify(seen)}`);

    const file = path.join(tmp, 'happy.mp4');
    const progress: Array<[number, number | null]> = [];
    await h.provider.download(providerJobId, file, { signal: signal(), onProgress: (r, t) => progress.push([r, t]) });
    const info = ffprobe(file);
    assert.ok(Math.abs(info.duration - 4) < 0.3, `duration ${info.duration}`);
    const video = info.streams.find((s) => s.codec_type === 'video');
    assert.equal(`${video?.width}x${video?.height}`, '1280x720');
    assert.ok(info.streams.some((s) => s.codec_type === 'audio'));
    assert.equal(progress.at(-1)?.[0], fs.statSync(file).size);
    assert.equal(progress.at(-1)?.[1], fs.statSync(file).size);

    const thumb = path.join(tmp, 'happy.webp');
    assert.equal(await h.provider.downloadThumbnail(providerJobId, thumb, signal()), true);
    assert.equal(fs.readFileSync(thumb).toString('latin1', 8, 12), 'WEBP');

    assert.equal(h.emu.stats.creates, 1);
    assert.equal(h.emu.stats.createsByPrompt[req.prompt], 1);
    assert.equal(h.emu.job(providerJobId)?.model, 'gateway/video-model-x');
    await assertAllValid(t, h.emu);
    assert.deepEqual(h.emu.stats.responseErrors, []);
  } finally {
    await h.close();
  }
});

test('a long-lived signal (the engine keeps one per job) does not collect abort listeners', async () => {
  const h = await harness();
  try {
    const ac = new AbortController();
    const { providerJobId } = await h.provider.create(request(), ac.signal);
    for (let i = 0; i < 30; i++) await h.provider.status(providerJobId, ac.signal);
    await pollUntilDone(h.provider, providerJobId);
    await h.provider.download(providerJobId, path.join(tmp, 'listeners.mp4'), { signal: ac.signal });
    await h.provider.list({ limit: 3 }, ac.signal);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  } finally {
    await h.close();
  }
});

test('429 on a status read: Retry-After (seconds) and retry-after-ms are honoured', async (t) => {
  // A job that stays unfinished for the whole test, however late the reads come on a busy machine.
  const h = await harness({ faults: { rateLimit: { routes: ['retrieve'], count: 1, retryAfterS: 2 } }, timing: { queuedMs: 30, runningMs: 60_000, pollAfterMs: 25 } });
  try {
    const { providerJobId } = await h.provider.create(request(), signal());
    const s = await h.provider.status(providerJobId, signal());
    assert.ok(s.state === 'queued' || s.state === 'running', `still unfinished: ${JSON.stringify(s)}`);
    assert.deepEqual(h.sleeps, [2000]);
    assert.equal(h.emu.stats.faults.rateLimit, 1);
    assert.equal(h.emu.stats.retrieveCalls, 2);

    h.emu.setFaults({ rateLimit: { routes: ['retrieve'], count: 1, retryAfterS: 2, retryAfterMs: 1234 } });
    h.sleeps.length = 0;
    await h.provider.status(providerJobId, signal());
    assert.deepEqual(h.sleeps, [1234], 'retry-after-ms wins over Retry-After');
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('429 on create: RateLimited, retryable, carries the wait, not retried, nothing created', async () => {
  const h = await harness({ faults: { rateLimit: { routes: ['create'], count: 1, retryAfterS: 3 } } });
  try {
    const err = await catchErr(h.provider.create(request(), signal()));
    assert.equal(err.code, 'RateLimited');
    assert.equal(err.retryable, true);
    assert.equal(isOutcomeUnknown(err), false);
    assert.equal((err as AppError & { retryAfterMs?: number }).retryAfterMs, 3000);
    assert.equal(h.emu.stats.requests.filter((r) => r.method === 'POST').length, 1);
    assert.equal(h.emu.stats.creates, 0);
    assert.deepEqual(h.sleeps, []);
    // insufficient_quota is a 429 that waiting does not fix.
    h.emu.setFaults({ rateLimit: { routes: ['create'], count: 1, code: 'insufficient_quota' } });
    const quota = await catchErr(h.provider.create(request(), signal()));
    assert.equal(quota.code, 'ProviderRejected');
    assert.equal(quota.retryable, false);
  } finally {
    await h.close();
  }
});

test('a burst of 500/502/503 on GET is retried with backoff; on create a 5xx is outcome-unknown and never resent', async (t) => {
  const h = await harness({ faults: { serverError: { routes: ['retrieve'], count: 1, burst: 3 } } });
  try {
    const { providerJobId } = await h.provider.create(request(), signal());
    const s = await h.provider.status(providerJobId, signal());
    assert.notEqual(s.state, 'unknown');
    const statuses = h.emu.stats.requests.filter((r) => r.route === 'retrieve').map((r) => r.status);
    assert.deepEqual(statuses.slice(0, 3).every((x) => typeof x === 'number' && x >= 500), true);
    assert.equal(statuses.at(-1), 200);
    assert.deepEqual(h.sleeps, [50, 100, 200], 'full jitter with random()=0.5: base·2^n·0.5');

    h.emu.setFaults({ serverError: { routes: ['create'], count: 1, statuses: [503] } });
    const req = request({ prompt: 'a 503 on create' });
    const err = await catchErr(h.provider.create(req, signal()));
    assert.equal(err.code, 'ProviderUnavailable');
    assert.equal(isOutcomeUnknown(err), true);
    assert.equal(h.emu.stats.requests.filter((r) => r.method === 'POST').length, 2, 'one POST each, no resend');
    // The emulator failed before creating: reconcile finds nothing, so the engine may resend.
    assert.equal(await h.provider.reconcile(req, new Set(), signal()), null);
    assert.equal(h.emu.stats.createsByPrompt[req.prompt], undefined);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('a reset mid-download resumes with Range (206) and the file is byte-identical', async (t) => {
  const h = await harness({ faults: { resetMidDownload: { count: 2, fraction: 0.3 } } });
  try {
    const { providerJobId } = await h.provider.create(request({ seconds: 8 }), signal());
    assert.equal((await pollUntilDone(h.provider, providerJobId)).at(-1)?.state, 'completed');
    const file = path.join(tmp, 'resumed.mp4');
    await h.provider.download(providerJobId, file, { signal: signal() });
    const expected = await h.emu.contentOf(providerJobId);
    assert.ok(fs.readFileSync(file).equals(expected), 'resumed file differs from the original');
    const content = h.emu.stats.requests.filter((r) => r.route === 'content');
    assert.equal(h.emu.stats.faults.resetMidDownload, 2);
    assert.deepEqual(content.map((r) => r.status), [200, 206, 206]);
    assert.ok(content[1]?.range?.startsWith('bytes='), 'second request carried a Range header');
    assert.equal(Number(/bytes=(\d+)-/.exec(content[1]!.range!)![1]), content[0]!.bytesSent);
    assert.equal(h.emu.stats.partialResponses, 2);
    assert.ok(Math.abs(ffprobe(file).duration - 8) < 0.3);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('without Accept-Ranges a broken download starts over from byte 0', async () => {
  const h = await harness({ rangeSupport: false, faults: { resetMidDownload: { count: 1, fraction: 0.5 } } });
  try {
    const { providerJobId } = await h.provider.create(request(), signal());
    await pollUntilDone(h.provider, providerJobId);
    const file = path.join(tmp, 'restarted.mp4');
    await h.provider.download(providerJobId, file, { signal: signal() });
    assert.ok(fs.readFileSync(file).equals(await h.emu.contentOf(providerJobId)));
    const content = h.emu.stats.requests.filter((r) => r.route === 'content');
    assert.deepEqual(content.map((r) => [r.status, r.range]), [[200, undefined], [200, undefined]]);
  } finally {
    await h.close();
  }
});

test('create outcome unknown (socket reset after the job was made): marked, and reconcile() finds that job; one create', async (t) => {
  const h = await harness();
  try {
    // Decoys: same prompt but other size; same everything but made by "another job" (excluded).
    const other = await h.provider.create(request({ prompt: 'scene 3: the harbour', size: '720x1280' }), signal());
    const req = request({ prompt: 'scene 3: the harbour', sentAt: Date.now() });
    h.emu.setFaults({ resetAfterCreate: { count: 1 } });
    const err = await catchErr(h.provider.create(req, signal()));
    assert.equal(isOutcomeUnknown(err), true);
    assert.equal(err.code, 'ProviderUnavailable');
    assert.equal(h.emu.stats.faults.resetAfterCreate, 1);
    assert.equal(h.emu.stats.requests.filter((r) => r.method === 'POST').length, 2, 'the lost create was not resent');
    const made = h.emu.stats.createdIds.at(-1)!;
    assert.notEqual(made, other.providerJobId);

    const found = await h.provider.reconcile(req, new Set([other.providerJobId]), signal());
    assert.equal(found, made);
    assert.equal(await h.provider.reconcile(req, new Set([made]), signal()), null, 'an id owned by another job is never adopted');
    assert.equal(h.emu.stats.createsByPrompt[req.prompt], 2);
    assert.equal(h.emu.stats.creates, 2, 'exactly one create per scene (plus the decoy)');
    assert.ok(h.emu.stats.listCalls >= 2);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('502 after the upstream accepted, and a timeout after send: both outcome-unknown, both reconciled', async () => {
  const h = await harness({ faults: { serverErrorAfterCreate: { count: 1, status: 502 } } }, { timeouts: { headersMs: 250 } });
  try {
    const req = request({ prompt: 'proxy failed after accept' });
    const err = await catchErr(h.provider.create(req, signal()));
    assert.equal(isOutcomeUnknown(err), true);
    assert.equal(err.retryable, true);
    assert.equal(await h.provider.reconcile(req, new Set(), signal()), h.emu.stats.createdIds[0]);

    h.emu.setFaults({ slow: { routes: ['create'], count: 1, delayMs: 600 } });
    const slowReq = request({ prompt: 'answer came too late' });
    const t0 = Date.now();
    const timeout = await catchErr(h.provider.create(slowReq, signal()));
    assert.ok(Date.now() - t0 < 550, 'timed out on headersTimeout');
    assert.equal(isOutcomeUnknown(timeout), true);
    assert.match(timeout.detail ?? '', /HEADERS_TIMEOUT/);
    await pause(500); // the emulator finishes the create after its delay
    assert.equal(await h.provider.reconcile(slowReq, new Set(), signal()), h.emu.stats.createdIds[1]);
    assert.equal(h.emu.stats.creates, 2);
  } finally {
    await h.close();
  }
});

test('connection refused on create is retried (it never left) and is not outcome-unknown', async () => {
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const sleeps: number[] = [];
  const provider = new OpenAiVideosProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: SENTINEL_KEY, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
  const err = await catchErr(provider.create(request(), signal()));
  assert.equal(err.code, 'ProviderUnreachable');
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`), 'names the host it could not reach');
  assert.equal(err.retryable, true);
  assert.equal(isOutcomeUnknown(err), false);
  assert.equal(sleeps.length, 2, 'retried before giving up');
  assert.match(err.detail ?? '', /ECONNREFUSED/);
});

test('gateway variations: api-key header + default query (Azure style); a gateway without GET /videos gives a clear reconcile error', async () => {
  const seen: Array<{ method?: string; url?: string; apiKey?: string; auth?: string }> = [];
  const gw = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, apiKey: req.headers['api-key'] as string | undefined, auth: req.headers.authorization });
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Resource not found', type: 'invalid_request_error', param: null, code: '404' } }));
  });
  await new Promise<void>((r) => gw.listen(0, '127.0.0.1', r));
  try {
    const provider = new OpenAiVideosProvider({ baseUrl: `http://127.0.0.1:${(gw.address() as AddressInfo).port}/openai/v1/`, apiKey: SENTINEL_KEY, authHeader: 'api-key', defaultQuery: { 'api-version': 'preview' } });
    const err = await catchErr(provider.reconcile(request(), new Set(), signal()));
    assert.equal(err.code, 'OutcomeUnknown', 'no list at all: no proof will ever come');
    assert.equal(err.retryable, false);
    assert.match(err.message, /cannot list/);
    assert.deepEqual(seen, [{ method: 'GET', url: '/openai/v1/videos?api-version=preview&limit=100&order=desc', apiKey: SENTINEL_KEY, auth: undefined }]);
    assert.ok(!errorText(err).includes(SENTINEL_KEY));
  } finally {
    gw.closeAllConnections();
    await new Promise<void>((r) => gw.close(() => r()));
  }
});

test('moderation → failed/ModerationBlocked; expired content → ContentExpired; unknown statuses → {state:"unknown"}', async (t) => {
  const h = await harness({ faults: { expireContent: { word: 'EPHEMERAL', afterMs: 0 }, offSpecStatus: [{ word: 'GATEWAY_EXPIRED', status: 'expired' }] } });
  try {
    const mod = await h.provider.create(request({ prompt: 'a FORBIDDEN thing' }), signal());
    const last = (await pollUntilDone(h.provider, mod.providerJobId)).at(-1)!;
    assert.equal(last.state, 'failed');
    assert.ok(last.state === 'failed' && last.code === 'ModerationBlocked' && last.message.length > 0);

    const eph = await h.provider.create(request({ prompt: 'EPHEMERAL take' }), signal());
    assert.equal((await pollUntilDone(h.provider, eph.providerJobId)).at(-1)?.state, 'completed');
    const expired = await catchErr(h.provider.download(eph.providerJobId, path.join(tmp, 'expired.mp4'), { signal: signal() }));
    assert.equal(expired.code, 'ContentExpired');
    assert.equal(expired.retryable, false);
    assert.equal(await h.provider.downloadThumbnail(eph.providerJobId, path.join(tmp, 'expired.webp'), signal()), false);

    const off = await h.provider.create(request({ prompt: 'GATEWAY_EXPIRED take' }), signal());
    assert.deepEqual((await pollUntilDone(h.provider, off.providerJobId)).at(-1), { state: 'unknown', raw: 'expired' });
    const forced = await h.provider.create(request({ prompt: 'to be cancelled' }), signal());
    h.emu.forceStatus(forced.providerJobId, 'cancelled');
    assert.deepEqual(await h.provider.status(forced.providerJobId, signal()), { state: 'unknown', raw: 'cancelled' });

    const missing = await catchErr(h.provider.status('video_does_not_exist', signal()));
    assert.equal(missing.code, 'ContentExpired');
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('multipart reference image: right size passes validation; wrong size → ProviderRejected (400); unknown type refused before sending', async (t) => {
  const h = await harness();
  try {
    const good = path.join(tmp, 'ref-1280x720.png');
    fs.writeFileSync(good, makeSolidPng(1280, 720));
    const { providerJobId } = await h.provider.create(request({ referenceImage: good }), signal());
    assert.ok(providerJobId.startsWith('video_'));
    const rec = h.emu.stats.requests.find((r) => r.method === 'POST')!;
    assert.match(rec.contentType ?? '', /^multipart\/form-data/);
    await specCheck(t, 'the multipart create matches the OpenAPI extract', () => assert.equal(rec.validation, 'valid'));

    const jpeg = path.join(tmp, 'ref.jpg');
    const ff = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=720x1280', '-frames:v', '1', jpeg]);
    assert.equal(ff.status, 0);
    await h.provider.create(request({ referenceImage: jpeg, size: '720x1280' }), signal());

    const wrong = path.join(tmp, 'ref-640x360.png');
    fs.writeFileSync(wrong, makeSolidPng(640, 360));
    const err = await catchErr(h.provider.create(request({ referenceImage: wrong }), signal()));
    assert.equal(err.code, 'ProviderRejected');
    assert.equal(err.retryable, false);
    assert.equal(isOutcomeUnknown(err), false);
    assert.match(err.detail ?? '', /400.*input_reference/);

    const posts = h.emu.stats.requests.filter((r) => r.method === 'POST').length;
    const gif = path.join(tmp, 'ref.gif');
    fs.writeFileSync(gif, 'GIF89a');
    assert.equal((await catchErr(h.provider.create(request({ referenceImage: gif }), signal()))).code, 'InvalidInput');
    assert.equal(h.emu.stats.requests.filter((r) => r.method === 'POST').length, posts, 'nothing sent');
    assert.equal(h.emu.stats.creates, 2);
  } finally {
    await h.close();
  }
});

// Numeric seconds is refused by the spec's schema, so without the spec there is nothing to check here.
