// OpenAiVideosProvider against the emulator, over real HTTP on loopback.
// Run: node --import tsx --test tests/integration/openai-*.test.ts
import { test, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import type { OpenAiVideosOptions } from '../../electron/services/providers/openai-videos.ts';
import { isOutcomeUnknown } from '../../electron/services/providers/types.ts';
import type { CreateRequest, RemoteStatus } from '../../electron/services/providers/types.ts';
import { AppError, isAbort } from '../../shared/errors.ts';
import { makeSolidPng, startOpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import type { EmulatorOptions, OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { NO_SPEC, specCheck } from '../helpers/openapi-spec.ts';

/** Must never show up in an error, a detail or a log line. */
const SENTINEL_KEY = 'sk-SENTINEL-7f3a9c2e-do-not-leak-41d8';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyreel-openai-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const signal = (): AbortSignal => new AbortController().signal;

interface Harness {
  emu: OpenAiVideosEmulator;
  provider: OpenAiVideosProvider;
  /** Every wait the adapter asked for (ms), in order. The injected sleep does not really wait. */
  sleeps: number[];
  logs: string[];
  close(): Promise<void>;
}

async function harness(emuOpts: EmulatorOptions = {}, provOpts: Partial<OpenAiVideosOptions> = {}): Promise<Harness> {
  const emu = await startOpenAiVideosEmulator({ apiKey: SENTINEL_KEY, timing: { queuedMs: 30, runningMs: 150, pollAfterMs: 25 }, ...emuOpts });
  const sleeps: number[] = [];
  const logs: string[] = [];
  const provider = new OpenAiVideosProvider({
    baseUrl: emu.url,
    apiKey: SENTINEL_KEY,
    log: (l) => logs.push(l),
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...provOpts,
  });
  return { emu, provider, sleeps, logs, close: () => emu.close() };
}

function request(over: Partial<CreateRequest> = {}): CreateRequest {
  return { jobId: `job-${Math.random().toString(36).slice(2)}`, model: 'gateway/video-model-x', prompt: 'a lighthouse at dusk, slow dolly in', seconds: 4, size: '1280x720', referenceImage: null, sentAt: Date.now(), ...over };
}

async function pollUntilDone(provider: OpenAiVideosProvider, id: string): Promise<RemoteStatus[]> {
  const seen: RemoteStatus[] = [];
  const deadline = Date.now() + 8000;
  for (;;) {
    const s = await provider.status(id, signal());
    seen.push(s);
    if (s.state !== 'queued' && s.state !== 'running') return seen;
    assert.ok(Date.now() < deadline, 'job did not finish');
    await pause(Math.min(50, s.pollAfterMs ?? 50));
  }
}

function ffprobe(file: string): { duration: number; streams: Array<{ codec_type: string; width?: number; height?: number }> } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { streams: Array<{ codec_type: string; width?: number; height?: number }>; format: { duration: string } };
  return { duration: Number(j.format.duration), streams: j.streams };
}

/** Every request the adapter sent validated against the OpenAPI extract (skipped, saying so, without it). */
async function assertAllValid(t: TestContext, emu: OpenAiVideosEmulator): Promise<void> {
  await specCheck(t, 'every request the adapter sent matches the OpenAPI extract', () => {
    assert.ok(emu.validating, 'spec validation must be on');
    const bad = emu.stats.requests.filter((r) => r.validation !== 'valid');
    assert.deepEqual(bad.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}: ${r.validation} ${r.validationError ?? ''}`), []);
  });
}

/** Everything an error can show: message, detail, stack, JSON form, causes. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof Error) parts.push(e.message, e.stack ?? '', String(e));
    if (e instanceof AppError) parts.push(e.detail ?? '', JSON.stringify(e.toJSON()));
    try {
      parts.push(JSON.stringify(e));
    } catch {
      /* circular */
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

async function catchErr(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

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
test('the emulator rejects JSON with numeric seconds (sent raw) with a 400 naming the param', { skip: NO_SPEC }, async () => {
  const h = await harness();
  try {
    const res = await fetch(`${h.emu.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', prompt: 'numeric seconds', seconds: 8, size: '1280x720' }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; param: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.param, 'seconds');
    assert.equal(h.emu.stats.creates, 0);
    assert.equal(h.emu.stats.requests[0]?.validation, 'invalid');
  } finally {
    await h.close();
  }
});

test('remix, extend, edit, list, delete and cancel through the adapter', async (t) => {
  const h = await harness();
  try {
    const { providerJobId: id } = await h.provider.create(request({ prompt: 'source take' }), signal());
    await h.provider.cancel(id, signal()); // still running: DELETE refused (400), ignored
    assert.ok(h.emu.job(id), 'not deleted while running');
    await pollUntilDone(h.provider, id);
    const remix = await h.provider.remix(id, 'same, but at night');
    assert.equal(remix.remixed_from_video_id, id);
    const ext = await h.provider.extend(id, 'keep going', 4);
    assert.equal(ext.seconds, '8');
    const edit = await h.provider.edit(id, 'make it red');
    assert.equal(edit.status, 'queued');
    const page1 = await h.provider.list({ limit: 2, order: 'desc' });
    assert.deepEqual(page1.data.map((v) => v.id), [edit.id, ext.id]);
    assert.equal(page1.has_more, true);
    const page2 = await h.provider.list({ limit: 2, order: 'desc', after: page1.last_id! });
    assert.deepEqual(page2.data.map((v) => v.id), [remix.id, id]);
    assert.equal(page2.has_more, false);
    assert.deepEqual(await h.provider.delete(id), { id, deleted: true });
    assert.equal(h.emu.job(id), undefined);
    await h.provider.cancel(id, signal()); // already gone: 404 ignored
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('reconcile pages back through the list (order=desc, after=cursor) to find an older job', async (t) => {
  const h = await harness({ timing: { queuedMs: 10_000, runningMs: 10_000 } });
  try {
    const req = request({ prompt: 'the one we lost', sentAt: Date.now() - 1000 });
    h.emu.setFaults({ resetAfterCreate: { count: 1 } });
    assert.equal(isOutcomeUnknown(await catchErr(h.provider.create(req, signal()))), true);
    const lost = h.emu.stats.createdIds[0]!;
    for (let i = 0; i < 130; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => fetch(`${h.emu.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${SENTINEL_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `filler ${i + k}`, seconds: '4', size: '1280x720' }) }).then((r) => r.arrayBuffer())));
    }
    h.emu.stats.requests.length = 0;
    assert.equal(await h.provider.reconcile(req, new Set(), signal()), lost);
    const lists = h.emu.stats.requests.filter((r) => r.route === 'list');
    assert.equal(lists.length, 2);
    assert.deepEqual(lists[0]?.query, { limit: '100', order: 'desc' });
    assert.equal(lists[1]?.query.after, lists[0] && h.emu.stats.createdIds.at(-100));
    // A request sent long after the job was made does not adopt it (outside the skew window).
    assert.equal(await h.provider.reconcile({ ...req, sentAt: Date.now() + 10 * 60_000 }, new Set(), signal()), null);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});

test('reconcile never adopts an identical request made before ours (another project), even with the server clock an hour ahead', async () => {
  let serverAhead = 3_600_000;
  const h = await harness({ now: () => Date.now() + serverAhead });
  try {
    // Another project sent the very same request 20 s (server time) before ours.
    const twin = await h.provider.create(request({ prompt: 'the same shot in two projects' }), signal());
    serverAhead += 20_000;
    // Ours: the connection breaks before the server made anything, then a fresh adapter (as after a restart)
    // reconciles. The twin matches prompt, size and seconds, but it was made before we sent ours.
    const fresh = new OpenAiVideosProvider({ baseUrl: h.emu.url, apiKey: SENTINEL_KEY, retry: { maxAttempts: 1 } });
    const ours = request({ prompt: 'the same shot in two projects', sentAt: Date.now() });
    h.emu.setFaults({ resetBeforeResponse: { count: 1, routes: ['create'] } });
    assert.equal(isOutcomeUnknown(await catchErr(fresh.create(ours, signal()))), true);
    assert.equal(await fresh.reconcile(ours, new Set(), signal()), null, `must not adopt ${twin.providerJobId}`);
    // And when ours was made (reset after the server created it), it is found despite the skewed clock.
    const ours2 = request({ prompt: 'the same shot in two projects', sentAt: Date.now() });
    h.emu.setFaults({ resetAfterCreate: { count: 1 } });
    assert.equal(isOutcomeUnknown(await catchErr(fresh.create(ours2, signal()))), true);
    assert.equal(await fresh.reconcile(ours2, new Set(), signal()), h.emu.stats.createdIds.at(-1));
  } finally {
    await h.close();
  }
});

test('aborts: an aborted create sends nothing; an abort mid-download is Aborted', async () => {
  const h = await harness({ faults: { slow: { routes: ['content'], delayMs: 2000 } } });
  try {
    const ac = new AbortController();
    ac.abort();
    const err = await catchErr(h.provider.create(request(), ac.signal));
    assert.ok(isAbort(err));
    assert.equal(isOutcomeUnknown(err), false);
    assert.equal(h.emu.stats.requests.length, 0);

    const { providerJobId } = await h.provider.create(request(), signal());
    await pollUntilDone(h.provider, providerJobId);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    const t0 = Date.now();
    const dl = await catchErr(h.provider.download(providerJobId, path.join(tmp, 'aborted.mp4'), { signal: ac2.signal }));
    assert.ok(isAbort(dl), `${dl.code}`);
    assert.ok(Date.now() - t0 < 1500);
  } finally {
    await h.close();
  }
});

test('the API key never appears in any error or log line, under every fault and with a wrong key', async (t) => {
  const wrongKey = 'sk-WRONG-SENTINEL-5e6f7a8b9c0d';
  const errors: unknown[] = [];
  const h = await harness(
    {
      faults: {
        rateLimit: { probability: 0.15, retryAfterS: 1 },
        serverError: { probability: 0.15, burst: 2 },
        resetBeforeResponse: { probability: 0.1 },
        resetAfterCreate: { probability: 0.3 },
        serverErrorAfterCreate: { probability: 0.2 },
        resetMidDownload: { probability: 0.5 },
        expireContent: { word: 'EPHEMERAL', afterMs: 0 },
      },
    },
    { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, maxDownloadResumes: 2 },
  );
  try {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        ids.push((await h.provider.create(request({ prompt: i % 4 === 0 ? `EPHEMERAL ${i}` : i % 5 === 0 ? `FORBIDDEN ${i}` : `shot ${i}` }), signal())).providerJobId);
      } catch (err) {
        errors.push(err);
      }
    }
    await pause(250);
    for (const id of ids) {
      for (const op of [() => h.provider.status(id, signal()), () => h.provider.download(id, path.join(tmp, `f-${id}.mp4`), { signal: signal() }), () => h.provider.list({ limit: 5 }), () => h.provider.delete(id)]) {
        try {
          await op();
        } catch (err) {
          errors.push(err);
        }
      }
    }
    const bad = new OpenAiVideosProvider({ baseUrl: h.emu.url, apiKey: wrongKey, log: (l) => h.logs.push(l), retry: { maxAttempts: 1 } });
    h.emu.setFaults({});
    const auth = await catchErr(bad.create(request(), signal()));
    assert.equal(auth.code, 'AuthFailed');
    assert.match(auth.message, /Incorrect API key provided/, 'the server message is kept (nothing over-redacted)');
    assert.equal(auth.retryable, false);
    errors.push(auth, await catchErr(bad.status('video_x', signal())));

    assert.ok(errors.length >= 5, `faults should have produced errors (got ${errors.length})`);
    for (const err of errors) {
      const text = errorText(err);
      assert.ok(!text.includes(SENTINEL_KEY), `key leaked: ${text}`);
      assert.ok(!text.includes(wrongKey), `wrong key leaked: ${text}`);
    }
    assert.ok(h.logs.length > 10);
    for (const line of h.logs) assert.ok(!line.includes(SENTINEL_KEY) && !line.includes(wrongKey), line);
    await assertAllValid(t, h.emu);
  } finally {
    await h.close();
  }
});
