// The fal.ai queue emulator over real HTTP (undici): submit → status → result → CDN download of a real MP4,
// the storage upload, input validation per endpoint in fal's 422 shape, every fault switch, the counters.
// Run: node --import tsx --test tests/integration/emulators-fal.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FAL_ENDPOINTS, startFalEmulator } from '../emulators/fal/server.ts';
import type { FalEmulator } from '../emulators/fal/server.ts';
import { ManualClock, makeSolidPng } from '../emulators/kit/index.ts';
import { call, probe, until } from '../emulators/kit/testing.ts';
import type { Reply } from '../emulators/kit/testing.ts';

const KEY = 'fal-test-key-SENTINEL-0001';
const auth = { authorization: `Key ${KEY}` };
const timing = { queuedMs: 30, runningMs: 150, pollAfterMs: 20 };
let emu: FalEmulator;

before(async () => {
  emu = await startFalEmulator({ apiKey: KEY, timing });
});
after(async () => {
  await emu.close();
});

async function submit(e: FalEmulator, endpoint: string, input: unknown): Promise<Record<string, string>> {
  const r = await call(`${e.url}/${endpoint}`, { headers: auth, json: input });
  assert.equal(r.status, 200, r.text);
  return r.json as Record<string, string>;
}
const status = (url: string): Promise<Reply> => call(`${url}?logs=1`, { headers: auth });
async function completed(url: string): Promise<Record<string, unknown>> {
  return (await until(() => status(url), (r) => r.json.status !== 'IN_QUEUE' && r.json.status !== 'IN_PROGRESS')).json;
}
function assertDetail(r: { status: number; json: Record<string, unknown> }, code: number, loc?: Array<string | number>, type?: string): void {
  assert.equal(r.status, code, JSON.stringify(r.json));
  const detail = r.json.detail as Array<{ loc: unknown[]; msg: string; type: string }>;
  assert.ok(Array.isArray(detail) && detail.length > 0, JSON.stringify(r.json));
  assert.equal(typeof detail[0]!.msg, 'string');
  if (loc) assert.deepEqual(detail[0]!.loc, loc);
  if (type) assert.equal(detail[0]!.type, type);
}

test('serves Kling 3, Seedance 2.0, Veo 3.1 and Wan 2.6 endpoint ids', () => {
  const ids = FAL_ENDPOINTS.map((e) => e.id);
  for (const id of ['fal-ai/kling-video/v3/pro/image-to-video', 'bytedance/seedance-2.0/fast/text-to-video', 'fal-ai/veo3.1/fast/first-last-frame-to-video', 'fal-ai/veo3.1/extend-video', 'wan/v2.6/image-to-video']) assert.ok(ids.includes(id), id);
});

test('happy path: upload an image, submit Kling 3 image-to-video, poll IN_QUEUE → IN_PROGRESS → COMPLETED, fetch the result, download a real MP4 without the key', async () => {
  const clock = new ManualClock();
  const e = await startFalEmulator({ apiKey: KEY, timing, now: clock.now });
  after(() => e.close());
  // Storage upload: initiate, then PUT the bytes to the pre-signed URL.
  const png = makeSolidPng(64, 36);
  const init = await call(`${e.url}/storage/upload/initiate?storage_type=fal-cdn-v3`, { headers: auth, json: { content_type: 'image/png', file_name: 'first.png' } });
  assert.equal(init.status, 200, init.text);
  const put = await call(String(init.json.upload_url), { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal(put.status, 200);
  const fileUrl = String(init.json.file_url);
  assert.ok((await call(fileUrl)).bytes.equals(png), 'the file_url serves the uploaded bytes');

  const sub = await submit(e, 'fal-ai/kling-video/v3/standard/image-to-video', { prompt: 'fal happy path', start_image_url: fileUrl, duration: '5', generate_audio: true });
  assert.match(sub.request_id!, /^[0-9a-f-]{36}$/);
  // The queue URLs use only {owner}/{alias}, not the full endpoint id.
  assert.equal(sub.status_url, `${e.url}/fal-ai/kling-video/requests/${sub.request_id}/status`);
  assert.equal(sub.response_url, `${e.url}/fal-ai/kling-video/requests/${sub.request_id}`);
  assert.equal(sub.cancel_url, `${e.url}/fal-ai/kling-video/requests/${sub.request_id}/cancel`);
  const rebuilt = await call(`${e.url}/fal-ai/kling-video/v3/standard/image-to-video/requests/${sub.request_id}/status`, { headers: auth });
  assert.equal(rebuilt.status, 404, 'a status URL rebuilt from the endpoint id is not found');

  // The test moves the emulator's clock: queued for 30 ms, running for 150 ms.
  const seen: string[] = [];
  for (const step of [0, 30, 100, 50]) {
    clock.advance(step);
    const r = await status(sub.status_url!);
    seen.push(`${r.status} ${String(r.json.status)}`);
  }
  assert.deepEqual(seen, ['202 IN_QUEUE', '202 IN_PROGRESS', '202 IN_PROGRESS', '200 COMPLETED']);
  const done = await status(sub.status_url!);
  assert.equal(done.json.error, undefined);

  const result = await call(sub.response_url!, { headers: auth });
  assert.equal(result.status, 200, result.text);
  const video = result.json.video as { url: string; content_type: string; file_size: number };
  assert.equal(video.content_type, 'video/mp4');
  const dl = await call(video.url);
  assert.equal(dl.status, 200);
  assert.equal(dl.bytes.length, video.file_size);
  const info = probe(dl.bytes);
  assert.deepEqual(info.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
  const v = info.streams.find((s) => s.codec_type === 'video')!;
  assert.equal(`${v.width}x${v.height}`, '1280x720');
  assert.ok(Math.abs(info.duration - 5) < 0.3, String(info.duration));

  assert.equal(e.stats.creates, 1);
  assert.equal(e.stats.createsByPrompt['fal happy path'], 1);
  const bill = e.billed().jobs.find((j) => j.id === sub.request_id);
  assert.equal(bill?.usd, 0.63, 'Kling 3 standard with audio: 5 s × $0.126');
  // Where the key went: the submit carried it, the CDN download did not need it.
  const recs = e.stats.requests;
  assert.equal(recs.find((r) => r.route === 'submit')?.headers.authorization, `Key ${KEY}`);
  assert.equal(recs.filter((r) => r.route === 'cdn').every((r) => r.headers.authorization === undefined), true);
});

test('auth: no header, a Bearer header or a wrong key → 401 { detail }', async () => {
  for (const headers of [{}, { authorization: `Bearer ${KEY}` }, { authorization: 'Key nope' }] as Array<Record<string, string>>) {
    const r = await call(`${emu.url}/fal-ai/veo3.1`, { headers, json: { prompt: 'x' } });
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.detail, 'string');
    assert.ok(!r.text.includes(KEY));
  }
});

test('validation at submit: missing, extra, wrong type, disallowed value, bad image, unknown endpoint → 422/404 in fal\'s shape, nothing created', async () => {
  const e = await startFalEmulator({ apiKey: KEY, timing, validation: 'submit' });
  try {
    const post = (ep: string, input: unknown): Promise<Reply> => call(`${e.url}/${ep}`, { headers: auth, json: input });
    assertDetail(await post('fal-ai/veo3.1', { duration: '8s' }), 422, ['body', 'prompt'], 'missing');
    assertDetail(await post('fal-ai/veo3.1', { prompt: 'x', duration: 8 }), 422, ['body', 'duration'], 'literal_error');
    assertDetail(await post('fal-ai/veo3.1', { prompt: 'x', duration: '5s' }), 422, ['body', 'duration'], 'literal_error');
    assertDetail(await post('fal-ai/veo3.1/fast', { prompt: 'x', generate_audio: 'yes' }), 422, ['body', 'generate_audio'], 'boolean_type');
    assertDetail(await post('fal-ai/veo3.1', { prompt: 'x', end_image_url: 'https://example.com/a.png' }), 422, ['body', 'end_image_url'], 'extra_forbidden');
    assertDetail(await post('fal-ai/veo3.1/first-last-frame-to-video', { prompt: 'x', first_frame_url: 'https://example.com/a.png' }), 422, ['body', 'last_frame_url'], 'missing');
    assertDetail(await post('fal-ai/kling-video/v3/pro/text-to-video', { prompt: 'x', duration: '16' }), 422, ['body', 'duration'], 'literal_error');
    assertDetail(await post('bytedance/seedance-2.0/fast/text-to-video', { prompt: 'x', resolution: '1080p' }), 422, ['body', 'resolution'], 'literal_error');
    assertDetail(await post('bytedance/seedance-2.0/reference-to-video', { prompt: 'x', reference_image_urls: Array.from({ length: 10 }, () => 'https://example.com/r.png') }), 422, ['body', 'reference_image_urls']);
    assertDetail(await post('wan/v2.6/image-to-video', { prompt: 'x', image_url: 'https://example.com/a.png', duration: '7' }), 422, ['body', 'duration'], 'literal_error');
    assertDetail(await post('wan/v2.6/image-to-video', { prompt: 'x', image_url: 'data:image/png;base64,bm90IGFuIGltYWdl' }), 422, ['body', 'image_url'], 'image_load_error');
    assertDetail(await post('wan/v2.6/image-to-video', { prompt: 'x', image_url: `${e.url}/cdn/files/nope/x.png` }), 422, ['body', 'image_url'], 'file_download_error');
    assertDetail(await call(`${e.url}/fal-ai/veo3.1`, { headers: auth, body: '{nope' }), 422, ['body'], 'json_invalid');
    const unknown = await post('fal-ai/kling-video/v9/text-to-video', { prompt: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(typeof unknown.json.detail, 'string');
    assert.equal(e.stats.creates, 0);
    assert.equal(e.stats.invalidRequests, 13);
    // A data URI that holds a real image is accepted.
    const ok = await post('wan/v2.6/image-to-video', { prompt: 'data uri ok', image_url: `data:image/png;base64,${makeSolidPng(8, 8).toString('base64')}`, resolution: '720p' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(e.stats.requests.at(-1)?.validation, 'valid');
  } finally {
    await e.close();
  }
});

test('validation deferred (fal\'s queue default): the submit is accepted, the request COMPLETES with an error and the result is a 422; not billed', async () => {
  const sub = await submit(emu, 'fal-ai/veo3.1', { prompt: 'deferred invalid', duration: 8 });
  const st = await completed(sub.status_url!);
  assert.equal(st.status, 'COMPLETED');
  assert.equal(st.error_type, 'validation_error');
  assertDetail(await call(sub.response_url!, { headers: auth }), 422, ['body', 'duration'], 'literal_error');
  assert.equal(emu.billed().jobs.some((j) => j.id === sub.request_id), false);
  assert.equal(emu.stats.requests.find((r) => r.route === 'submit' && (r.body as { prompt?: string })?.prompt === 'deferred invalid')?.validation, 'invalid');
});

test('moderation: COMPLETED with content_policy_violation and a 422 result; or a 422 at submit', async () => {
  const sub = await submit(emu, 'fal-ai/veo3.1/fast', { prompt: 'something FORBIDDEN here' });
  const st = await completed(sub.status_url!);
  assert.equal(st.error_type, 'content_policy_violation');
  assertDetail(await call(sub.response_url!, { headers: auth }), 422, ['body', 'prompt'], 'content_policy_violation');
  const e = await startFalEmulator({ apiKey: KEY, timing, moderationAt: 'submit' });
  try {
    assertDetail(await call(`${e.url}/fal-ai/veo3.1`, { headers: auth, json: { prompt: 'FORBIDDEN' } }), 422, ['body', 'prompt'], 'content_policy_violation');
    assert.equal(e.stats.creates, 0);
  } finally {
    await e.close();
  }
});

test('faults: queueing keeps work IN_QUEUE with a queue_position; cancel; lost reply to a submit; 5xx burst; slow; reset mid-download; expiry; off-contract status', async () => {
  const clock = new ManualClock();
  const e = await startFalEmulator({ apiKey: KEY, now: clock.now, timing: { queuedMs: 0, runningMs: 300 }, faults: { queueing: { concurrency: 1 } } });
  try {
    const ep = 'fal-ai/veo3.1/fast';
    const a = await submit(e, ep, { prompt: 'queue a', duration: '4s', generate_audio: false });
    const b = await submit(e, ep, { prompt: 'queue b', duration: '4s', generate_audio: false });
    const c = await submit(e, ep, { prompt: 'queue c', duration: '4s', generate_audio: false });
    assert.equal(Number(c.queue_position), 1, 'b waits ahead of c');
    assert.equal((await status(a.status_url!)).json.status, 'IN_PROGRESS');
    const bs = await status(b.status_url!);
    assert.equal(bs.status, 202);
    assert.deepEqual([bs.json.status, bs.json.queue_position], ['IN_QUEUE', 0]);
    clock.advance(300); // a done, b runs, c next
    assert.equal((await status(a.status_url!)).json.status, 'COMPLETED');
    assert.equal((await status(b.status_url!)).json.status, 'IN_PROGRESS');
    assert.deepEqual([(await status(c.status_url!)).json.status, (await status(c.status_url!)).json.queue_position], ['IN_QUEUE', 0]);
    // Cancel c while queued; cancelling again after it ended → ALREADY_COMPLETED.
    const cancel = await call(c.cancel_url!, { method: 'PUT', headers: auth });
    assert.equal(cancel.status, 202);
    assert.equal(cancel.json.status, 'CANCELLATION_REQUESTED');
    assert.equal((await status(c.status_url!)).json.error_type, 'request_cancelled');
    assert.equal((await call(c.cancel_url!, { method: 'PUT', headers: auth })).json.status, 'ALREADY_COMPLETED');
    assert.equal(e.billed().jobs.length, 1, 'only a (completed) is billed; queue time and cancellations are not');

    e.setFaults({ resetAfterCreate: { count: 1 } });
    const creates = e.stats.creates;
    await assert.rejects(call(`${e.url}/${ep}`, { headers: auth, json: { prompt: 'lost reply' } }));
    assert.equal(e.stats.creates, creates + 1, 'the job exists although the reply was lost');
    assert.equal(e.stats.createsByPrompt['lost reply'], 1);
    assert.equal(e.stats.faults.resetAfterCreate, 1);

    e.setFaults({ serverError: { count: 1, burst: 2, statuses: [500, 503] } });
    const s1 = await call(a.status_url!, { headers: auth });
    const s2 = await call(a.status_url!, { headers: auth });
    const s3 = await call(a.status_url!, { headers: auth });
    assert.deepEqual([s1.status, s2.status, s3.status], [500, 503, 200]);
    assert.equal(typeof s1.json.detail, 'string');

    e.setFaults({ slow: { count: 1, delayMs: 50 } });
    await call(a.status_url!, { headers: auth });
    assert.equal(e.stats.requests.at(-1)?.fault, 'slow');

    e.setFaults({ resetMidDownload: { count: 1, fraction: 0.5 } });
    const url = ((await call(a.response_url!, { headers: auth })).json.video as { url: string }).url;
    await assert.rejects(call(url));
    const partial = e.stats.requests.at(-1)!;
    assert.equal(partial.fault, 'resetMidDownload');
    assert.ok(partial.bytesSent! > 0);
    assert.equal((await call(url)).status, 200, 'the next download is whole');

    e.setFaults({ expireContent: { word: 'EPHEMERAL', afterMs: 0 }, offSpecStatus: [{ word: 'ODD', status: 'FAILED' }] });
    const x = await submit(e, ep, { prompt: 'EPHEMERAL clip' });
    const odd = await submit(e, ep, { prompt: 'ODD one' });
    clock.advance(10_000);
    assert.equal((await status(x.status_url!)).json.status, 'COMPLETED');
    assert.equal((await call(x.response_url!, { headers: auth })).status, 404, 'the result has expired');
    assert.equal((await status(odd.status_url!)).json.status, 'FAILED');
  } finally {
    await e.close();
  }
});
