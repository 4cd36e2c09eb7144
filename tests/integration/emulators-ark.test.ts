// The Ark emulator (Seedance on Volcengine Ark / BytePlus ModelArk) over real HTTP (undici): task create with
// role-tagged images → poll → signed video URL (a real MP4) and the exact last frame, list-based reconcile,
// delete/cancel, Ark's error shape, every fault switch (video_not_ready included), counters and billing.
// Run: node --import tsx --test tests/integration/emulators-ark.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startArkEmulator } from '../emulators/ark/server.ts';
import type { ArkEmulator } from '../emulators/ark/server.ts';
import { imageInfo, ManualClock, makeSolidPng } from '../emulators/kit/index.ts';
import { call, probe } from '../emulators/kit/testing.ts';
import type { Reply } from '../emulators/kit/testing.ts';

const KEY = 'ark-test-key-SENTINEL-0003';
const H = { authorization: `Bearer ${KEY}` };
const MODEL = 'doubao-seedance-2-0-260128';
const clock = new ManualClock();
let emu: ArkEmulator;

before(async () => {
  emu = await startArkEmulator({ apiKey: KEY, now: clock.now, timing: { queuedMs: 30, runningMs: 150 } });
});
after(async () => {
  await emu.close();
});

const dataPng = (w = 64, h = 36): string => `data:image/png;base64,${makeSolidPng(w, h).toString('base64')}`;
const create = (body: unknown, e: ArkEmulator = emu, headers: Record<string, string> = H): Promise<Reply> => call(`${e.url}/contents/generations/tasks`, { headers, json: body });
const get = (id: string, e: ArkEmulator = emu): Promise<Reply> => call(`${e.url}/contents/generations/tasks/${id}`, { headers: H });
const text = (t: string): { type: string; text: string } => ({ type: 'text', text: t });

function assertArk(r: Reply, status: number, code: string, param?: string): void {
  assert.equal(r.status, status, r.text);
  const err = r.json.error as { code: string; message: string; param: string; type: string };
  assert.equal(err.code, code, r.text);
  assert.match(err.message, /Request id: \w+/);
  assert.equal(typeof err.type, 'string');
  if (param !== undefined) assert.equal(err.param, param);
}

test('happy path: first + last frame, return_last_frame → queued → running → succeeded; the signed video URL serves a real MP4 without the key; the last frame is a PNG of the same size', async () => {
  const r = await create({
    model: MODEL,
    content: [text('ark happy path'), { type: 'image_url', image_url: { url: dataPng() }, role: 'first_frame' }, { type: 'image_url', image_url: { url: 'https://example.com/last.png' }, role: 'last_frame' }],
    ratio: '16:9',
    duration: 5,
    resolution: '480p',
    seed: 42,
    generate_audio: true,
    watermark: false,
    return_last_frame: true,
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json), ['id']);
  const id = String(r.json.id);
  assert.match(id, /^cgt-\d{14}-[0-9a-f]{8}$/);
  const seen = [String((await get(id)).json.status)];
  for (const step of [30, 100, 50]) {
    clock.advance(step);
    seen.push(String((await get(id)).json.status));
  }
  assert.deepEqual(seen, ['queued', 'running', 'running', 'succeeded']);
  const task = (await get(id)).json;
  assert.equal(task.seed, 42, 'the seed is echoed (for reconcile)');
  assert.equal(JSON.stringify(task).includes('ark happy path'), false, 'the prompt is not echoed');
  assert.deepEqual([task.duration, task.ratio, task.resolution, task.framespersecond], [5, '16:9', '480p', 24]);
  const tokens = Math.round((854 * 480 * 24 * 5) / 1024);
  assert.deepEqual(task.usage, { completion_tokens: tokens, total_tokens: tokens });
  const content = task.content as { video_url: string; last_frame_url: string };
  const dl = await call(content.video_url);
  assert.equal(dl.status, 200, dl.text);
  const info = probe(dl.bytes);
  assert.deepEqual(info.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
  const v = info.streams.find((s) => s.codec_type === 'video')!;
  assert.equal(`${v.width}x${v.height}`, '854x480');
  assert.ok(Math.abs(info.duration - 5) < 0.3);
  const last = await call(content.last_frame_url);
  assert.equal(last.status, 200);
  assert.deepEqual(imageInfo(last.bytes), { type: 'image/png', width: 854, height: 480 });
  assert.equal(emu.stats.createsByPrompt['ark happy path'], 1);
  assert.equal(emu.billed().jobs.find((j) => j.id === id)?.usd, Math.round((tokens / 1e6) * 7 * 10_000) / 10_000);
  assert.ok(emu.stats.requests.filter((x) => x.route === 'video' || x.route === 'last-frame').every((x) => x.headers.authorization === undefined));
  // A tampered signature is refused by the storage.
  assert.equal((await call(content.video_url.replace(/Signature=\w+/, 'Signature=0000'))).status, 403);
});

test('list: filters by status, model and ids, pages newest first; an unknown create can be reconciled by model, time and seed', async () => {
  const e = await startArkEmulator({ apiKey: KEY, now: clock.now, timing: { queuedMs: 10, runningMs: 10 }, faults: { resetAfterCreate: { count: 1, skip: 2 } } });
  try {
    for (const [i, seed] of [11, 12].entries()) assert.equal((await create({ model: MODEL, content: [text(`list ${i}`)], seed, duration: 4, resolution: '480p' }, e)).status, 200);
    // The third create's reply is lost: the task exists.
    await assert.rejects(create({ model: 'dreamina-seedance-2-0-fast-260128', content: [text('lost reply')], seed: 777, duration: 4, resolution: '480p' }, e));
    assert.equal(e.stats.creates, 3);
    clock.advance(100);
    const all = await call(`${e.url}/contents/generations/tasks?page_num=1&page_size=2`, { headers: H });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.total, 3);
    const items = all.json.items as Array<{ id: string; seed: number; model: string; status: string; created_at: number }>;
    assert.deepEqual(items.map((t) => t.seed), [777, 12], 'newest first');
    const found = ((await call(`${e.url}/contents/generations/tasks?filter.model=dreamina-seedance-2-0-fast-260128&filter.status=succeeded`, { headers: H })).json.items as typeof items).filter((t) => t.seed === 777);
    assert.equal(found.length, 1, 'the lost create is found by model, status and the seed it was sent with');
    const byIds = await call(`${e.url}/contents/generations/tasks?filter.task_ids=${items[1]!.id}&filter.task_ids=${found[0]!.id}`, { headers: H });
    assert.equal(byIds.json.total, 2);
    assertArk(await call(`${e.url}/contents/generations/tasks?page_size=0`, { headers: H }), 400, 'InvalidParameter', 'page_size');
    assertArk(await call(`${e.url}/contents/generations/tasks?filter.status=done`, { headers: H }), 400, 'InvalidParameter', 'filter.status');
    assertArk(await call(`${e.url}/contents/generations/tasks?limit=3`, { headers: H }), 400, 'InvalidParameter', 'limit');
  } finally {
    await e.close();
  }
});

test('delete: cancels a queued task, refuses a running one, removes a finished record', async () => {
  const c = new ManualClock();
  const e = await startArkEmulator({ apiKey: KEY, now: c.now, timing: { queuedMs: 100, runningMs: 100 } });
  try {
    const a = String((await create({ model: MODEL, content: [text('queued')], duration: 4, resolution: '480p' }, e)).json.id);
    assert.equal((await call(`${e.url}/contents/generations/tasks/${a}`, { method: 'DELETE', headers: H })).status, 200);
    assert.equal((await get(a, e)).json.status, 'cancelled');
    const b = String((await create({ model: MODEL, content: [text('running')], duration: 4, resolution: '480p' }, e)).json.id);
    c.advance(150);
    assertArk(await call(`${e.url}/contents/generations/tasks/${b}`, { method: 'DELETE', headers: H }), 400, 'InvalidParameter');
    c.advance(100);
    assert.equal((await call(`${e.url}/contents/generations/tasks/${b}`, { method: 'DELETE', headers: H })).status, 200);
    assertArk(await get(b, e), 404, 'ResourceNotFound');
  } finally {
    await e.close();
  }
});

test('auth and validation in Ark\'s error shape; nothing created', async () => {
  const before = emu.stats.creates;
  assertArk(await create({ model: MODEL, content: [text('x')] }, emu, {}), 401, 'AuthenticationError');
  assertArk(await create({ model: MODEL, content: [text('x')] }, emu, { authorization: 'Bearer nope' }), 401, 'AuthenticationError');
  const img = (role?: string, url = 'https://example.com/i.png'): Record<string, unknown> => ({ type: 'image_url', image_url: { url }, ...(role ? { role } : {}) });
  const cases: Array<[unknown, number, string, string?]> = [
    [{ content: [text('x')] }, 400, 'MissingParameter', 'model'],
    [{ model: MODEL }, 400, 'MissingParameter', 'content'],
    [{ model: MODEL, content: [] }, 400, 'InvalidParameter', 'content'],
    [{ model: MODEL, content: [text('x')], duration: '5' }, 400, 'InvalidParameter', 'duration'],
    [{ model: MODEL, content: [text('x')], duration: 20 }, 400, 'InvalidParameter', 'duration'],
    [{ model: 'doubao-seedance-2-0-fast-260128', content: [text('x')], resolution: '1080p' }, 400, 'InvalidParameter', 'resolution'],
    [{ model: MODEL, content: [text('x')], ratio: '2:1' }, 400, 'InvalidParameter', 'ratio'],
    [{ model: MODEL, content: [text('x')], aspect_ratio: '16:9' }, 400, 'InvalidParameter', 'aspect_ratio'],
    [{ model: MODEL, content: [text('x'), img('middle_frame')] }, 400, 'InvalidParameter', 'content.1.role'],
    [{ model: MODEL, content: [text('x'), img('last_frame')] }, 400, 'InvalidParameter', 'content.role'],
    [{ model: MODEL, content: [text('x'), img(), img()] }, 400, 'InvalidParameter', 'content.role'],
    [{ model: MODEL, content: [text('x'), img('first_frame'), img('reference_image')] }, 400, 'InvalidParameter', 'content.role'],
    [{ model: MODEL, content: [text('x'), ...Array.from({ length: 10 }, () => img('reference_image'))] }, 400, 'InvalidParameter', 'content'],
    [{ model: MODEL, content: [text('x'), img('first_frame', 'data:image/png;base64,bm9wZQ==')] }, 400, 'InvalidParameter', 'image_url'],
    [{ model: MODEL, content: [text('x'), img('first_frame', 'ftp://example.com/a.png')] }, 400, 'InvalidParameter', 'image_url'],
    [{ model: 'doubao-seedance-9-0', content: [text('x')] }, 404, 'InvalidEndpointOrModel.NotFound', 'model'],
  ];
  for (const [b, status, code, param] of cases) assertArk(await create(b), status, code, param);
  // JSON sent without an application/json content type is refused too.
  const untyped = await call(`${emu.url}/contents/generations/tasks`, { headers: { ...H, 'content-type': 'text/plain' }, body: JSON.stringify({ model: MODEL, content: [text('x')] }) });
  assertArk(untyped, 400, 'InvalidParameter');
  assert.match((untyped.json.error as { message: string }).message, /application\/json/);
  assert.equal(emu.stats.creates, before);
  // 2.5 takes 30 s; up to 9 references are fine on 2.0.
  assert.equal((await create({ model: 'doubao-seedance-2-5-260628', content: [text('long one')], duration: 30, resolution: '480p' })).status, 200);
  assert.equal((await create({ model: MODEL, content: [text('nine refs'), ...Array.from({ length: 9 }, () => img('reference_image'))], resolution: '480p', duration: 4 })).status, 200);
});

test('faults: video_not_ready, moderation at output and at create, 429, lost create reply, 5xx, slow, reset mid-download, expired URL, off-contract status', async () => {
  const c = new ManualClock();
  const e = await startArkEmulator({ apiKey: KEY, now: c.now, timing: { queuedMs: 10, runningMs: 100 }, faults: { expireContent: { word: 'EPHEMERAL', afterMs: 1000 }, offSpecStatus: [{ word: 'ODD', status: 'paused' }] } });
  try {
    const mk = async (prompt: string): Promise<string> => {
      const r = await create({ model: MODEL, content: [text(prompt)], duration: 4, resolution: '480p' }, e);
      assert.equal(r.status, 200, r.text);
      return String(r.json.id);
    };
    const ok = await mk('fine clip');
    const bad = await mk('a FORBIDDEN thing');
    const eph = await mk('EPHEMERAL clip');
    const odd = await mk('ODD clip');
    c.advance(500);
    const failed = (await get(bad, e)).json;
    assert.equal(failed.status, 'failed');
    assert.equal((failed.error as { code: string }).code, 'OutputVideoSensitiveContentDetected');
    assert.equal((await get(odd, e)).json.status, 'paused');
    const url = ((await get(ok, e)).json.content as { video_url: string }).video_url;

    e.setFaults({ notReady: { count: 2 } });
    assertArk(await call(url), 400, 'video_not_ready');
    assertArk(await call(url), 400, 'video_not_ready');
    assert.equal((await call(url)).status, 200, 'ready on the third GET');

    const ephUrl = ((await get(eph, e)).json.content as { video_url: string }).video_url;
    c.advance(2000);
    const expired = await call(ephUrl);
    assert.equal(expired.status, 403);
    assert.equal(expired.json.Code, 'AccessDenied');

    e.setFaults({ rateLimit: { count: 1 } });
    assertArk(await get(ok, e), 429, 'RateLimitExceeded.EndpointRPMExceeded');
    e.setFaults({ resetAfterCreate: { count: 1 } });
    await assert.rejects(create({ model: MODEL, content: [text('lost reply')], duration: 4, resolution: '480p' }, e));
    assert.equal(e.stats.createsByPrompt['lost reply'], 1);
    e.setFaults({ serverError: { count: 1, statuses: [500] } });
    assertArk(await get(ok, e), 500, 'InternalServiceError');
    e.setFaults({ slow: { count: 1, delayMs: 40 } });
    await get(ok, e);
    assert.equal(e.stats.requests.at(-1)?.fault, 'slow');
    e.setFaults({ resetMidDownload: { count: 1 } });
    const fresh = ((await get(ok, e)).json.content as { video_url: string }).video_url;
    await assert.rejects(call(fresh));
    assert.equal(e.stats.requests.at(-1)?.fault, 'resetMidDownload');
    assert.deepEqual(e.billed().jobs.map((j) => j.prompt).sort(), ['EPHEMERAL clip', 'fine clip']);
  } finally {
    await e.close();
  }
  const m = await startArkEmulator({ apiKey: KEY, moderationAt: 'create' });
  try {
    assertArk(await create({ model: MODEL, content: [text('FORBIDDEN')] }, m), 400, 'InputTextSensitiveContentDetected');
    assert.equal(m.stats.creates, 0);
  } finally {
    await m.close();
  }
});
