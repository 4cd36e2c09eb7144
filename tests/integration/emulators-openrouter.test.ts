// The OpenRouter videos emulator over real HTTP (undici): 202 + relative polling URL → pending → in_progress →
// completed with usage.cost → content download with the key (a real MP4), the models catalogue, requests checked
// against each model's capabilities in OpenRouter's error shape, every fault switch, counters and billed cost.
// Run: node --import tsx --test tests/integration/emulators-openrouter.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OPENROUTER_MODELS, startOpenRouterEmulator } from '../emulators/openrouter/server.ts';
import type { OpenRouterEmulator } from '../emulators/openrouter/server.ts';
import { ManualClock, makeSolidPng } from '../emulators/kit/index.ts';
import { call, probe } from '../emulators/kit/testing.ts';
import type { Reply } from '../emulators/kit/testing.ts';

const KEY = 'sk-or-test-key-SENTINEL-0004';
const H = { authorization: `Bearer ${KEY}` };
const clock = new ManualClock();
let emu: OpenRouterEmulator;

before(async () => {
  emu = await startOpenRouterEmulator({ apiKey: KEY, now: clock.now, timing: { queuedMs: 30, runningMs: 150 } });
});
after(async () => {
  await emu.close();
});

const dataPng = (): string => `data:image/png;base64,${makeSolidPng(32, 18).toString('base64')}`;
const create = (body: unknown, e: OpenRouterEmulator = emu, headers: Record<string, string> = H): Promise<Reply> => call(`${e.url}/videos`, { headers, json: body });
const origin = (e: OpenRouterEmulator): string => new URL(e.url).origin;
const poll = (e: OpenRouterEmulator, pollingUrl: string): Promise<Reply> => call(new URL(pollingUrl, origin(e)).toString(), { headers: H });

function assertOr(r: Reply, code: number, match?: RegExp): void {
  assert.equal(r.status, code, r.text);
  const err = r.json.error as { code: number; message: string };
  assert.equal(err.code, code);
  assert.equal(typeof err.message, 'string');
  if (match) assert.match(err.message, match);
}

test('the models endpoint lists each video model with durations, resolutions, aspect ratios, frame images and prices', async () => {
  const r = await call(`${emu.url}/videos/models`);
  assert.equal(r.status, 200);
  const data = r.json.data as Array<Record<string, unknown>>;
  assert.deepEqual(data.map((m) => m.id), OPENROUTER_MODELS.map((m) => m.id));
  const veo = data.find((m) => m.id === 'google/veo-3.1')!;
  assert.deepEqual(veo.supported_durations, [4, 6, 8]);
  assert.deepEqual(veo.supported_frame_images, ['first_frame', 'last_frame']);
  assert.deepEqual(veo.pricing_skus, { video_per_second_720p: '0.4', video_per_second_1080p: '0.5' });
  const wan = data.find((m) => m.id === 'alibaba/wan-2.6')!;
  assert.deepEqual(wan.supported_frame_images, ['first_frame']);
  assert.equal(((await call(`${emu.url}/models?output_modalities=video`)).json.data as unknown[]).length, data.length);
});

test('happy path: 202 with a relative polling URL → pending → in_progress → completed with usage.cost; the content downloads with the key as a real MP4', async () => {
  const r = await create({ model: 'google/veo-3.1', prompt: 'openrouter happy path', duration: 4, resolution: '720p', aspect_ratio: '16:9', generate_audio: true, seed: 5, frame_images: [{ type: 'image_url', image_url: { url: dataPng() }, frame_type: 'first_frame' }, { type: 'image_url', image_url: { url: 'https://example.com/l.png' }, frame_type: 'last_frame' }] });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'pending');
  const id = String(r.json.id);
  assert.equal(r.json.polling_url, `/api/v1/videos/${id}`);
  const seen = [String((await poll(emu, String(r.json.polling_url))).json.status)];
  for (const step of [30, 100, 50]) {
    clock.advance(step);
    seen.push(String((await poll(emu, String(r.json.polling_url))).json.status));
  }
  assert.deepEqual(seen, ['pending', 'in_progress', 'in_progress', 'completed']);
  const done = (await poll(emu, String(r.json.polling_url))).json;
  assert.deepEqual(done.usage, { cost: 1.6, is_byok: false }, '4 s × $0.40');
  assert.match(String(done.generation_id), /^gen-/);
  const url = (done.unsigned_urls as string[])[0]!;
  assert.equal(url, `${emu.url}/videos/${id}/content?index=0`);
  assertOr(await call(url), 401);
  const dl = await call(url, { headers: H });
  assert.equal(dl.status, 200);
  const info = probe(dl.bytes);
  assert.deepEqual(info.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
  assert.equal(info.streams.find((s) => s.codec_type === 'video')?.width, 1280);
  assert.ok(Math.abs(info.duration - 4) < 0.3);
  // The signed storage URL works without the key.
  assert.equal((await call((done.urls as string[])[0]!)).status, 200);
  assert.equal(emu.stats.createsByPrompt['openrouter happy path'], 1);
  assert.deepEqual(emu.billed().jobs.find((j) => j.id === id), { id, prompt: 'openrouter happy path', usd: 1.6 });
  assert.equal(emu.stats.requests.find((x) => x.route === 'content' && x.status === 200)?.headers.authorization, `Bearer ${KEY}`);
});

test('the reported cost can differ from the list price (costVariance); billed() is what usage.cost said', async () => {
  const c = new ManualClock();
  const e = await startOpenRouterEmulator({ apiKey: KEY, now: c.now, costVariance: 0.1, seed: 3 });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(String((await create({ model: 'bytedance/seedance-2.0', prompt: `cost ${i}`, duration: 5, resolution: '480p' }, e)).json.id));
    c.advance(10_000);
    const costs = await Promise.all(ids.map(async (id) => ((await call(`${e.url}/videos/${id}`, { headers: H })).json.usage as { cost: number }).cost));
    assert.ok(costs.some((x) => x !== 0.6), `list price is 5 × $0.12 = $0.60; reported ${costs.join(', ')}`);
    assert.ok(costs.every((x) => x >= 0.54 && x <= 0.66));
    assert.deepEqual(e.billed().jobs.map((j) => j.usd), costs);
  } finally {
    await e.close();
  }
});

test('requests are checked against the model\'s capabilities; errors in OpenRouter\'s shape; nothing created', async () => {
  const before = emu.stats.creates;
  assertOr(await create({ model: 'google/veo-3.1', prompt: 'x' }, emu, {}), 401);
  assertOr(await create({ model: 'google/veo-3.1', prompt: 'x' }, emu, { authorization: 'Bearer nope' }), 401);
  const frame = (t: string): Record<string, unknown> => ({ type: 'image_url', image_url: { url: 'https://example.com/f.png' }, frame_type: t });
  const cases: Array<[unknown, RegExp]> = [
    [{ prompt: 'x' }, /model is required/],
    [{ model: 'google/veo-3.1' }, /prompt is required/],
    [{ model: 'google/veo-3.1', prompt: 'x', duration: '4' }, /duration/],
    [{ model: 'google/veo-3.1', prompt: 'x', duration: 5 }, /duration 5 is not supported/],
    [{ model: 'google/veo-3.1', prompt: 'x', resolution: '4k' }, /resolution "4k" is not supported/],
    [{ model: 'google/veo-3.1', prompt: 'x', aspect_ratio: '1:1' }, /aspect_ratio/],
    [{ model: 'google/veo-3.1', prompt: 'x', seconds: '4' }, /Unrecognized key: "seconds"/],
    [{ model: 'alibaba/wan-2.6', prompt: 'x', frame_images: [frame('first_frame'), frame('last_frame')] }, /"last_frame" is not supported by alibaba\/wan-2.6/],
    [{ model: 'alibaba/wan-2.6', prompt: 'x', generate_audio: true }, /generate_audio is not supported/],
    [{ model: 'alibaba/wan-2.6', prompt: 'x', seed: 1 }, /seed is not supported/],
    [{ model: 'google/veo-3.1', prompt: 'x', frame_images: [frame('last_frame')] }, /needs a first_frame/],
    [{ model: 'google/veo-3.1', prompt: 'x', frame_images: [frame('first_frame'), frame('first_frame')] }, /once/],
    [{ model: 'google/veo-3.1', prompt: 'x', frame_images: [{ type: 'image_url', image_url: { url: 'x' }, frame_type: 'middle' }] }, /frame_type/],
    [{ model: 'google/veo-3.1', prompt: 'x', frame_images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,bm9wZQ==' }, frame_type: 'first_frame' }] }, /neither/],
    [{ model: 'google/veo-3.1-fast', prompt: 'x', input_references: [{ type: 'image_url', image_url: { url: 'https://example.com/r.png' } }] }, /at most 0 input_references/],
    [{ model: 'openai/sora-2', prompt: 'x' }, /not a valid model ID/],
  ];
  for (const [b, match] of cases) assertOr(await create(b), 400, match);
  assert.equal(emu.stats.creates, before);
  assert.ok(emu.stats.invalidRequests >= cases.length);
});

test('faults: moderation, expired results, off-contract and forced statuses, 429, lost create reply, 5xx after create, slow, reset mid-download, 402 out of credits', async () => {
  const c = new ManualClock();
  const e = await startOpenRouterEmulator({ apiKey: KEY, now: c.now, timing: { queuedMs: 10, runningMs: 100 }, faults: { expireContent: { word: 'EPHEMERAL', afterMs: 1000 }, offSpecStatus: [{ word: 'ODD', status: 'processing' }] } });
  try {
    const mk = async (prompt: string): Promise<string> => {
      const r = await create({ model: 'alibaba/wan-2.7', prompt, duration: 5, resolution: '720p' }, e);
      assert.equal(r.status, 202, r.text);
      return String(r.json.id);
    };
    const ok = await mk('fine clip');
    const bad = await mk('a FORBIDDEN thing');
    const eph = await mk('EPHEMERAL clip');
    const odd = await mk('ODD clip');
    const forced = await mk('to be cancelled');
    e.forceStatus(forced, 'cancelled');
    c.advance(500);
    const get = (id: string): Promise<Reply> => call(`${e.url}/videos/${id}`, { headers: H });
    const failed = (await get(bad)).json;
    assert.equal(failed.status, 'failed');
    assert.match(String(failed.error), /moderation/i);
    assert.equal((await get(odd)).json.status, 'processing');
    assert.equal((await get(forced)).json.status, 'cancelled');
    assert.equal((await get(eph)).json.status, 'completed');
    c.advance(2000);
    const gone = (await get(eph)).json;
    assert.equal(gone.status, 'expired');
    assertOr(await call(`${e.url}/videos/${eph}/content?index=0`, { headers: H }), 410);
    assert.deepEqual(e.billed().jobs.map((j) => j.prompt).sort(), ['EPHEMERAL clip', 'fine clip']);

    e.setFaults({ rateLimit: { count: 1, retryAfterS: 4 } });
    const limited = await get(ok);
    assertOr(limited, 429);
    assert.equal(limited.headers['retry-after'], '4');
    e.setFaults({ resetAfterCreate: { count: 1 } });
    await assert.rejects(create({ model: 'alibaba/wan-2.7', prompt: 'lost reply', duration: 5 }, e));
    assert.equal(e.stats.createsByPrompt['lost reply'], 1);
    e.setFaults({ serverErrorAfterCreate: { count: 1 } });
    assertOr(await create({ model: 'alibaba/wan-2.7', prompt: 'created then 502', duration: 5 }, e), 502);
    assert.equal(e.stats.createsByPrompt['created then 502'], 1);
    e.setFaults({ slow: { count: 1, delayMs: 40 } });
    await get(ok);
    assert.equal(e.stats.requests.at(-1)?.fault, 'slow');
    e.setFaults({ resetMidDownload: { count: 1, afterBytes: 100 } });
    await assert.rejects(call(`${e.url}/videos/${ok}/content?index=0`, { headers: H }));
    assert.equal(e.stats.requests.at(-1)?.bytesSent, 100);
    // A client can resume where the reset cut it off.
    const rest = await call(`${e.url}/videos/${ok}/content?index=0`, { headers: { ...H, range: 'bytes=100-' } });
    assert.equal(rest.status, 206);
    const whole = await e.contentOf(ok);
    assert.equal(rest.headers['content-range'], `bytes 100-${whole.length - 1}/${whole.length}`);
    assert.ok(rest.bytes.equals(whole.subarray(100)));
    e.expire(ok);
    assert.equal((await call(`${e.url}/videos/${ok}`, { headers: H })).json.status, 'expired');
    assertOr(await call(`${e.url}/videos/${ok}/content?index=1`, { headers: H }), 410, /expired/);
    e.resetStats();
    assert.deepEqual([e.stats.creates, e.stats.requests.length, Object.keys(e.stats.faults).length], [0, 0, 0]);
  } finally {
    await e.close();
  }
  const poor = await startOpenRouterEmulator({ apiKey: KEY, creditsUsd: 0.5 });
  try {
    assert.equal((await create({ model: 'alibaba/wan-2.7', prompt: 'cheap', duration: 5 }, poor)).status, 202);
    assertOr(await create({ model: 'google/veo-3.1', prompt: 'too dear', duration: 8 }, poor), 402);
    assert.equal(poor.stats.creates, 1);
  } finally {
    await poor.close();
  }
});
