// The /v1/videos emulator itself: contract (validated against the OpenAPI extract in both directions),
// lifecycle, content with ranges, pagination, faults, and the official `openai` client against it.
// Run: node --import tsx --test tests/integration/openai-*.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { imageInfo, loadOpenAiVideosSpec, makeSolidPng, startOpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import type { OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { NO_SPEC, specCheck } from '../helpers/openapi-spec.ts';

const KEY = 'sk-emulator-test-key-0001';
const spec = loadOpenAiVideosSpec();
let emu: OpenAiVideosEmulator;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyreel-emu-test-'));

before(async () => {
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, timing: { queuedMs: 60, runningMs: 300, pollAfterMs: 30 } });
});
after(async () => {
  await emu.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function api(p: string, init: RequestInit & { json?: unknown } = {}, e: OpenAiVideosEmulator = emu, key = KEY): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(e.url + p, { ...init, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function assertSchema(name: string, value: unknown): void {
  if (!spec) return;
  assert.equal(spec.validateSchema(name, value), null, `${name}: ${JSON.stringify(value)}`);
}

function assertApiError(r: { status: number; json: Record<string, unknown> }, status: number, param?: string | null): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assertSchema('ErrorResponse', r.json);
  const err = r.json.error as { param: string | null; type: string };
  assert.equal(typeof err, 'object');
  if (param !== undefined) assert.equal(err.param, param);
}

async function createJob(body: Record<string, unknown>, e: OpenAiVideosEmulator = emu): Promise<Record<string, unknown>> {
  const r = await api('/videos', { method: 'POST', json: body }, e);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

async function waitFor(id: string, states: string[], e: OpenAiVideosEmulator = emu): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = await api(`/videos/${id}`, {}, e);
    if (states.includes(String(r.json.status))) return r.json;
    assert.ok(Date.now() < deadline, `job ${id} still ${String(r.json.status)}`);
    await sleep(25);
  }
}

function multipart(parts: Array<{ name: string; value?: string; file?: { bytes: Buffer; filename: string; type?: string } }>): { body: Buffer; contentType: string } {
  const boundary = `----storyreel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.file) {
      head += `; filename="${p.file.filename}"\r\n`;
      if (p.file.type) head += `Content-Type: ${p.file.type}\r\n`;
      chunks.push(Buffer.from(`${head}\r\n`), p.file.bytes, Buffer.from('\r\n'));
    } else chunks.push(Buffer.from(`${head}\r\n\r\n${p.value ?? ''}\r\n`));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

test('the spec extract is present and loaded (validation is on)', { skip: NO_SPEC }, () => {
  assert.ok(spec, 'shared/reference/openai-videos-openapi.yaml should exist beside the repo');
  assert.equal(emu.validating, true);
  assert.ok(spec.operation('POST', '/videos'));
});

test('without the spec file: one line says so, request validation is skipped, everything else still runs', async () => {
  const lines: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void lines.push(a.join(' '));
  let e: OpenAiVideosEmulator | undefined;
  try {
    e = await startOpenAiVideosEmulator({ apiKey: KEY, specPath: path.join(tmp, 'no-such-spec.yaml') });
  } finally {
    console.warn = warn;
  }
  try {
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /spec not found at .*no-such-spec\.yaml.*validation .* OFF/);
    assert.equal(e.validating, false);
    const r = await api('/videos', { method: 'POST', json: { prompt: 'no spec', seconds: '4' } }, e);
    assert.equal(r.status, 200);
    assert.equal(e.stats.requests[0]?.validation, 'skipped');
    assertApiError(await api('/videos', {}, e, 'sk-wrong'), 401);
    const wrong = multipart([{ name: 'prompt', value: 'x' }, { name: 'size', value: '1280x720' }, { name: 'input_reference', file: { bytes: makeSolidPng(720, 1280), filename: 'r.png', type: 'image/png' } }]);
    assertApiError(await api('/videos', { method: 'POST', body: wrong.body, headers: { 'content-type': wrong.contentType } }, e), 400, 'input_reference');
  } finally {
    await e.close();
  }
});

test('bearer auth: missing or wrong key → 401 with the official error envelope', async () => {
  const none = await api('/videos', {}, emu, '');
  assertApiError(none, 401, null);
  const wrong = await api('/videos', {}, emu, 'sk-wrong');
  assertApiError(wrong, 401, null);
  assert.equal((wrong.json.error as { code: string }).code, 'invalid_api_key');
  assert.ok(!JSON.stringify(wrong.json).includes('sk-wrong'));
});

test('JSON create → queued → in_progress (rising progress) → completed; every response matches VideoResource', async () => {
  // The job's clock is the test's, stepped between reads, so what each read sees does not depend on how busy the machine is.
  let clock = Date.now();
  const e = await startOpenAiVideosEmulator({ apiKey: KEY, now: () => clock, timing: { queuedMs: 60, runningMs: 300, pollAfterMs: 30 } });
  try {
    const created = (await api('/videos', { method: 'POST', json: { model: 'some-gateway-model', prompt: 'lifecycle check', seconds: '4', size: '1280x720' } }, e)).json;
    assertSchema('VideoResource', created);
    assert.equal(created.status, 'queued');
    assert.equal(created.model, 'some-gateway-model');
    const id = String(created.id);
    const seen: Array<{ status: string; progress: number }> = [{ status: 'queued', progress: Number(created.progress) }];
    for (let i = 0; i < 200; i++) {
      const r = await api(`/videos/${id}`, {}, e);
      assert.equal(r.status, 200);
      assertSchema('VideoResource', r.json);
      assert.equal(r.headers.get('openai-poll-after-ms'), '30');
      seen.push({ status: String(r.json.status), progress: Number(r.json.progress) });
      if (r.json.status === 'completed') {
        assert.equal(r.json.progress, 100);
        assert.equal(typeof r.json.completed_at, 'number');
        assert.ok(Number(r.json.expires_at) > Number(r.json.completed_at));
        break;
      }
      clock += 40;
    }
    const statuses = [...new Set(seen.map((s) => s.status))];
    assert.deepEqual(statuses, ['queued', 'in_progress', 'completed']);
    const running = seen.filter((s) => s.status === 'in_progress').map((s) => s.progress);
    assert.ok(running.length >= 2 && running.at(-1)! > running[0]!, `progress should rise: ${running.join(',')}`);
    assert.deepEqual([...running].sort((a, b) => a - b), running);
  } finally {
    await e.close();
  }
});

// Every check here is the spec's schema at work: without the spec there is nothing to check.
test('request validation: numeric seconds, bad enum, unknown field, missing prompt, bad JSON → 400, nothing created', { skip: NO_SPEC }, async () => {
  const before = emu.stats.creates;
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: 'x', seconds: 4 } }), 400, 'seconds');
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: 'x', seconds: '5' } }), 400, 'seconds');
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: 'x', size: '640x360' } }), 400, 'size');
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: 'x', duration: 4 } }), 400, 'duration');
  assertApiError(await api('/videos', { method: 'POST', json: { seconds: '4' } }), 400, 'prompt');
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: '' } }), 400, 'prompt');
  assertApiError(await api('/videos', { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } }), 400);
  assertApiError(await api('/videos?limit=101'), 400, 'limit');
  assertApiError(await api('/videos?limit=abc'), 400, 'limit');
  assertApiError(await api('/videos?order=newest'), 400, 'order');
  assertApiError(await api('/videos?variant=video'), 400, 'variant');
  assert.equal(emu.stats.creates, before);
  const recs = emu.stats.requests.filter((r) => r.status === 400);
  assert.ok(recs.length >= 11 && recs.every((r) => r.validation === 'invalid'));
});

test('multipart: a PNG of the right size passes; wrong size, no MIME type or octet-stream → 400', async (t) => {
  const png = makeSolidPng(720, 1280);
  assert.deepEqual(imageInfo(png), { type: 'image/png', width: 720, height: 1280 });
  const ok = multipart([
    { name: 'prompt', value: 'multipart ok' },
    { name: 'seconds', value: '4' },
    { name: 'size', value: '720x1280' },
    { name: 'input_reference', file: { bytes: png, filename: 'ref.png', type: 'image/png' } },
  ]);
  const r = await api('/videos', { method: 'POST', body: ok.body, headers: { 'content-type': ok.contentType } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assertSchema('VideoResource', r.json);

  const wrong = multipart([
    { name: 'prompt', value: 'multipart wrong size' },
    { name: 'size', value: '1280x720' },
    { name: 'input_reference', file: { bytes: png, filename: 'ref.png', type: 'image/png' } },
  ]);
  assertApiError(await api('/videos', { method: 'POST', body: wrong.body, headers: { 'content-type': wrong.contentType } }), 400, 'input_reference');

  for (const type of [undefined, 'application/octet-stream', 'image/jpeg']) {
    const bad = multipart([
      { name: 'prompt', value: 'multipart bad mime' },
      { name: 'size', value: '720x1280' },
      { name: 'input_reference', file: { bytes: png, filename: 'ref.png', ...(type ? { type } : {}) } },
    ]);
    assertApiError(await api('/videos', { method: 'POST', body: bad.body, headers: { 'content-type': bad.contentType } }), 400, 'input_reference');
  }
  // A text value where the spec wants a file, and a file where it wants text.
  await specCheck(t, 'a text part where the spec wants a file, and a file where it wants text → 400', async () => {
    const text = multipart([{ name: 'prompt', value: 'x' }, { name: 'input_reference', value: 'not a file' }]);
    assertApiError(await api('/videos', { method: 'POST', body: text.body, headers: { 'content-type': text.contentType } }), 400, 'input_reference');
    const fileAsText = multipart([{ name: 'prompt', file: { bytes: Buffer.from('hi'), filename: 'p.txt', type: 'text/plain' } }]);
    assertApiError(await api('/videos', { method: 'POST', body: fileAsText.body, headers: { 'content-type': fileAsText.contentType } }), 400, 'prompt');
  });
  // JSON with a data-URL reference of the wrong size.
  const dataUrl = `data:image/png;base64,${makeSolidPng(64, 64).toString('base64')}`;
  assertApiError(await api('/videos', { method: 'POST', json: { prompt: 'x', size: '720x1280', input_reference: { image_url: dataUrl } } }), 400, 'input_reference');
});

test('list: limit/order/after pagination with has_more, first_id, last_id (VideoListResource)', async () => {
  const e = await startOpenAiVideosEmulator({ apiKey: KEY });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(String((await createJob({ prompt: `page ${i}` }, e)).id));
    const p1 = await api('/videos?limit=2&order=asc', {}, e);
    assertSchema('VideoListResource', p1.json);
    assert.deepEqual((p1.json.data as Array<{ id: string }>).map((v) => v.id), ids.slice(0, 2));
    assert.equal(p1.json.has_more, true);
    assert.equal(p1.json.first_id, ids[0]);
    assert.equal(p1.json.last_id, ids[1]);
    const p2 = await api(`/videos?limit=2&order=asc&after=${ids[1]}`, {}, e);
    assert.deepEqual((p2.json.data as Array<{ id: string }>).map((v) => v.id), ids.slice(2, 4));
    const p3 = await api(`/videos?limit=2&order=asc&after=${ids[3]}`, {}, e);
    assert.deepEqual((p3.json.data as Array<{ id: string }>).map((v) => v.id), ids.slice(4));
    assert.equal(p3.json.has_more, false);
    const desc = await api('/videos', {}, e);
    assert.deepEqual((desc.json.data as Array<{ id: string }>).map((v) => v.id), [...ids].reverse());
    const empty = await api('/videos?limit=0', {}, e);
    assert.deepEqual(empty.json.data, []);
    assert.equal(empty.json.first_id, null);
    assert.equal(e.stats.listCalls, 5);
  } finally {
    await e.close();
  }
});

test('content: 409 before completion, then a real MP4 with Range support (206, Content-Range, 416), thumbnail and spritesheet', async () => {
  const created = await createJob({ prompt: 'content check', seconds: '4', size: '720x1280' });
  const id = String(created.id);
  const early = await fetch(`${emu.url}/videos/${id}/content`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(early.status, 409);
  await early.arrayBuffer();
  await waitFor(id, ['completed']);
  const full = await fetch(`${emu.url}/videos/${id}/content`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'video/mp4');
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  const bytes = Buffer.from(await full.arrayBuffer());
  assert.equal(Number(full.headers.get('content-length')), bytes.length);
  const file = path.join(tmp, 'content.mp4');
  fs.writeFileSync(file, bytes);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  const info = JSON.parse(probe.stdout) as { streams: Array<{ codec_type: string; width?: number; height?: number }>; format: { duration: string } };
  assert.deepEqual(info.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
  assert.equal(info.streams.find((s) => s.codec_type === 'video')?.width, 720);
  assert.equal(info.streams.find((s) => s.codec_type === 'video')?.height, 1280);
  assert.ok(Math.abs(Number(info.format.duration) - 4) < 0.3);

  const part = await fetch(`${emu.url}/videos/${id}/content?variant=video`, { headers: { authorization: `Bearer ${KEY}`, range: 'bytes=1000-' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000-${bytes.length - 1}/${bytes.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000)));
  const bad = await fetch(`${emu.url}/videos/${id}/content`, { headers: { authorization: `Bearer ${KEY}`, range: `bytes=${bytes.length + 5}-` } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), `bytes */${bytes.length}`);
  await bad.arrayBuffer();

  const thumb = await fetch(`${emu.url}/videos/${id}/content?variant=thumbnail`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(thumb.status, 200);
  const tb = Buffer.from(await thumb.arrayBuffer());
  const ti = imageInfo(tb);
  assert.equal(ti?.type, thumb.headers.get('content-type'));
  assert.equal(`${ti?.width}x${ti?.height}`, '720x1280');
  const sprite = await fetch(`${emu.url}/videos/${id}/content?variant=spritesheet`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(sprite.status, 200);
  assert.equal(imageInfo(Buffer.from(await sprite.arrayBuffer()))?.type, 'image/jpeg');
});

test('remix, extensions, edits and delete (completed or failed only)', async (t) => {
  const src = await createJob({ prompt: 'source', seconds: '4', size: '1280x720' });
  const id = String(src.id);
  assertApiError(await api(`/videos/${id}/remix`, { method: 'POST', json: { prompt: 'too early' } }), 400);
  assertApiError(await api(`/videos/${id}`, { method: 'DELETE' }), 400);
  await waitFor(id, ['completed']);
  const remix = await api(`/videos/${id}/remix`, { method: 'POST', json: { prompt: 'remixed' } });
  assert.equal(remix.status, 200);
  assertSchema('VideoResource', remix.json);
  assert.equal(remix.json.remixed_from_video_id, id);
  await specCheck(t, 'a remix without a prompt → 400', async () => assertApiError(await api(`/videos/${id}/remix`, { method: 'POST', json: {} }), 400, 'prompt'));
  const ext = await api('/videos/extensions', { method: 'POST', json: { video: { id }, prompt: 'longer', seconds: '4' } });
  assert.equal(ext.status, 200, JSON.stringify(ext.json));
  assert.equal(ext.json.seconds, '8');
  await specCheck(t, 'an extension with numeric seconds → 400', async () => assertApiError(await api('/videos/extensions', { method: 'POST', json: { video: { id }, prompt: 'longer', seconds: 4 } }), 400, 'seconds'));
  const edit = await api('/videos/edits', { method: 'POST', json: { video: { id }, prompt: 'edited' } });
  assert.equal(edit.status, 200);
  assertSchema('VideoResource', edit.json);
  // Multipart extension with the bracketed object form the SDK uses.
  const mp = multipart([{ name: 'video[id]', value: id }, { name: 'prompt', value: 'mp ext' }, { name: 'seconds', value: '8' }]);
  const mpExt = await api('/videos/extensions', { method: 'POST', body: mp.body, headers: { 'content-type': mp.contentType } });
  assert.equal(mpExt.status, 200, JSON.stringify(mpExt.json));
  assert.equal(mpExt.json.seconds, '12');

  const del = await api(`/videos/${id}`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  assertSchema('DeletedVideoResource', del.json);
  assert.deepEqual(del.json, { id, object: 'video.deleted', deleted: true });
  assertApiError(await api(`/videos/${id}`), 404);
  assertApiError(await api(`/videos/${id}`, { method: 'DELETE' }), 404);
});

test('faults: moderation, expiring content, off-spec statuses, 429 Retry-After, reset after create, seeded determinism', async (t) => {
  const e = await startOpenAiVideosEmulator({
    apiKey: KEY,
    timing: { queuedMs: 20, runningMs: 100 },
    faults: { expireContent: { word: 'EPHEMERAL', afterMs: 0 }, offSpecStatus: [{ word: 'GATEWAY_EXPIRED', status: 'expired' }] },
  });
  try {
    const mod = await createJob({ prompt: 'something FORBIDDEN here' }, e);
    const failed = await waitFor(String(mod.id), ['failed'], e);
    assertSchema('VideoResource', failed);
    assert.deepEqual((failed.error as { code: string }).code, 'moderation_blocked');
    assertApiError(await api(`/videos/${String(mod.id)}/content`, {}, e), 400);

    const eph = await createJob({ prompt: 'EPHEMERAL clip' }, e);
    await waitFor(String(eph.id), ['completed'], e);
    const gone = await api(`/videos/${String(eph.id)}/content`, {}, e);
    assertApiError(gone, 404);
    assert.equal((gone.json.error as { code: string }).code, 'video_expired');

    const off = await createJob({ prompt: 'GATEWAY_EXPIRED job' }, e);
    const offView = await waitFor(String(off.id), ['expired'], e);
    assert.equal(offView.status, 'expired');
    await specCheck(t, 'an off-spec status does not validate as VideoResource', () => assert.equal(e.stats.responseErrors.length > 0, true, 'an off-spec status does not validate as VideoResource'));
    const forced = await createJob({ prompt: 'forced' }, e);
    e.forceStatus(String(forced.id), 'cancelled');
    assert.equal((await api(`/videos/${String(forced.id)}`, {}, e)).json.status, 'cancelled');

    e.setFaults({ rateLimit: { count: 1, retryAfterS: 3, retryAfterMs: 2500 } });
    const limited = await api('/videos', {}, e);
    assertApiError(limited, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.equal(limited.headers.get('retry-after-ms'), '2500');
    assert.equal((await api('/videos', {}, e)).status, 200);

    e.setFaults({ resetAfterCreate: { count: 1 } });
    const creates = e.stats.creates;
    await assert.rejects(fetch(`${e.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'lost answer' }) }));
    assert.equal(e.stats.creates, creates + 1, 'the job was created although the answer was lost');
    assert.equal(e.stats.createsByPrompt['lost answer'], 1);
  } finally {
    await e.close();
  }

  // Same seed, same requests → same fault schedule.
  const schedule = async (): Promise<number[]> => {
    const x = await startOpenAiVideosEmulator({ apiKey: KEY, faults: { seed: 42, serverError: { probability: 0.5, statuses: [503] } } });
    try {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await api('/videos', {}, x)).status);
      return out;
    } finally {
      await x.close();
    }
  };
  const a = await schedule();
  assert.deepEqual(a, await schedule());
  assert.ok(a.includes(503) && a.includes(200));
});

test('the official openai client works against the emulator (create, retrieve, list, downloadContent, remix, delete)', async () => {
  const client = new OpenAI({ apiKey: KEY, baseURL: emu.url, maxRetries: 0 });
  const created = await client.videos.create({ model: 'sora-2', prompt: 'sdk create', seconds: '4', size: '1280x720' });
  assert.equal(created.status, 'queued');
  let v = await client.videos.retrieve(created.id);
  for (let i = 0; i < 200 && v.status !== 'completed'; i++) {
    await sleep(20);
    v = await client.videos.retrieve(created.id);
  }
  assert.equal(v.status, 'completed');
  const content = await client.videos.downloadContent(created.id);
  const bytes = Buffer.from(await content.arrayBuffer());
  assert.ok(bytes.equals(await emu.contentOf(created.id)));
  const thumb = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
  assert.ok(imageInfo(Buffer.from(await thumb.arrayBuffer())));

  const withRef = await client.videos.create({ prompt: 'sdk ref', size: '720x1280', input_reference: await toFile(makeSolidPng(720, 1280), 'ref.png', { type: 'image/png' }) });
  assert.equal(withRef.size, '720x1280');
  const page = await client.videos.list({ limit: 2, order: 'desc' });
  assert.equal(page.data[0]?.id, withRef.id);
  const remix = await client.videos.remix(created.id, { prompt: 'sdk remix' });
  assert.equal(remix.remixed_from_video_id, created.id);
  const del = await client.videos.delete(created.id);
  assert.equal(del.deleted, true);
  assert.equal(emu.stats.createsByPrompt['sdk create'], 1);
});

test('every well-formed request this file sent validated, and every JSON answer matched the spec', { skip: NO_SPEC }, () => {
  const answered = emu.stats.requests.filter((r) => typeof r.status === 'number' && r.status < 400);
  assert.ok(answered.length > 20);
  assert.deepEqual(answered.filter((r) => r.validation !== 'valid').map((r) => `${r.method} ${r.path}: ${r.validation} ${r.validationError ?? ''}`), []);
  assert.deepEqual(emu.stats.responseErrors, []);
  assert.ok(emu.stats.requests.some((r) => r.contentType?.startsWith('multipart/form-data') && r.status === 200), 'the SDK sent multipart');
});
