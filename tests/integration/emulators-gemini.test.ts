// The Gemini Interactions emulator (Gemini Omni) over real HTTP (undici): background interaction → polling →
// file download with the key header (a real MP4), frames and references, extend by previous_interaction_id,
// google.rpc.Status errors, every fault switch, the counters and billing.
// Run: node --import tsx --test tests/integration/emulators-gemini.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGeminiEmulator } from '../emulators/gemini/server.ts';
import type { GeminiEmulator } from '../emulators/gemini/server.ts';
import { ManualClock, makeSolidPng } from '../emulators/kit/index.ts';
import { call, probe, whereKeyWent } from '../emulators/kit/testing.ts';
import type { Reply } from '../emulators/kit/testing.ts';

const KEY = 'gemini-test-key-SENTINEL-0002';
const H = { 'x-goog-api-key': KEY };
const MODEL = 'gemini-omni-1.1-flash';
const clock = new ManualClock();
let emu: GeminiEmulator;

before(async () => {
  emu = await startGeminiEmulator({ apiKey: KEY, now: clock.now, timing: { queuedMs: 30, runningMs: 150 } });
});
after(async () => {
  await emu.close();
});

const png = (w = 64, h = 36): string => makeSolidPng(w, h).toString('base64');
const create = (body: unknown, e: GeminiEmulator = emu, headers: Record<string, string> = H): Promise<Reply> => call(`${e.url}/v1beta/interactions`, { headers, json: body });
const get = (id: string, e: GeminiEmulator = emu): Promise<Reply> => call(`${e.url}/v1beta/interactions/${id}`, { headers: H });
const video = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'video', aspect_ratio: '16:9', resolution: '720p', duration: '4s', delivery: 'uri', ...extra });

function assertRpc(r: Reply, code: number, status: string, match?: RegExp): void {
  assert.equal(r.status, code, r.text);
  const err = r.json.error as { code: number; message: string; status: string };
  assert.equal(err.code, code);
  assert.equal(err.status, status);
  assert.equal(typeof err.message, 'string');
  if (match) assert.match(err.message, match);
}

test('happy path: background create with first and last frame and a reference → queued → in_progress → completed; the file downloads with the key header as a real MP4', async () => {
  const r = await create({
    model: MODEL,
    input: [
      { type: 'text', text: 'gemini happy path' },
      { type: 'image', data: png(), mime_type: 'image/png', role: 'first_frame' },
      { type: 'image', data: png(), mime_type: 'image/png', role: 'last_frame' },
      { type: 'image', uri: 'files/ref-1', mime_type: 'image/png' },
    ],
    response_format: video(),
    background: true,
    generation_config: { seed: 7 },
  });
  assert.equal(r.status, 200, r.text);
  const id = String(r.json.id);
  assert.match(id, /^v1_/);
  const seen = [String(r.json.status)];
  for (const step of [30, 100, 50]) {
    clock.advance(step);
    seen.push(String((await get(id)).json.status));
  }
  assert.deepEqual(seen, ['queued', 'in_progress', 'in_progress', 'completed']);
  const done = (await get(id)).json;
  const out = (done.outputs as Array<{ type: string; mime_type: string; uri: string }>)[0]!;
  assert.deepEqual((done.steps as Array<{ content: unknown[] }>)[0]!.content[0], out, 'the same video in steps[].content');
  assert.equal(out.type, 'video');
  assert.equal(out.mime_type, 'video/mp4');
  assert.match(out.uri, /^files\//);
  const usage = done.usage as { output_tokens_by_modality: Array<{ modality: string; tokens: number }> };
  assert.deepEqual(usage.output_tokens_by_modality, [{ modality: 'video', tokens: 4000 }], '4 s at 720p = $0.40 = 4000 tokens at the emulator rate');

  // Without the key: 403. With it: the MP4.
  const url = `${emu.url}/v1beta/${out.uri}:download?alt=media`;
  assertRpc(await call(url), 403, 'PERMISSION_DENIED');
  const dl = await call(url, { headers: H });
  assert.equal(dl.status, 200);
  assert.equal(dl.headers['content-type'], 'video/mp4');
  const info = probe(dl.bytes);
  assert.deepEqual(info.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
  const v = info.streams.find((s) => s.codec_type === 'video')!;
  assert.equal(`${v.width}x${v.height}`, '1280x720');
  assert.ok(Math.abs(info.duration - 4) < 0.3);

  assert.equal(emu.stats.createsByPrompt['gemini happy path'], 1);
  assert.deepEqual(emu.billed().jobs.find((j) => j.id === id), { id, prompt: 'gemini happy path', usd: 0.4 });
  const dlRecs = emu.stats.requests.filter((x) => x.route === 'download');
  assert.deepEqual(dlRecs.map((x) => x.headers['x-goog-api-key'] === KEY), [false, true]);
  // The key went in the x-goog-api-key header only: never in a query string or a body.
  assert.deepEqual([...new Set(whereKeyWent(emu.stats.requests, KEY).map((w) => w.where))], ['header:x-goog-api-key']);
  await call(`${url}&key=${KEY}`);
  assert.deepEqual(whereKeyWent(emu.stats.requests, KEY).at(-1)?.where, 'query:key', 'a key in the query would be seen');
});

test('extend by previous_interaction_id: the new video is the chain so far plus the extension; only the extension is billed; 40 s at most', async () => {
  // 360p keeps the long renders of this chain cheap.
  const first = await create({ model: MODEL, input: 'extend base', response_format: video({ duration: '10s', resolution: '360p' }), background: true });
  const id = String(first.json.id);
  assertRpc(await create({ model: MODEL, input: 'too early', previous_interaction_id: id, response_format: video({ duration: '4s', aspect_ratio: undefined }), background: true }), 400, 'FAILED_PRECONDITION');
  clock.advance(1000);
  const ext = await create({ model: MODEL, input: 'extend more', previous_interaction_id: id, response_format: { type: 'video', duration: '6s', delivery: 'uri' }, background: true });
  assert.equal(ext.status, 200, ext.text);
  assert.equal(ext.json.previous_interaction_id, id);
  clock.advance(1000);
  const bytes = await emu.contentOf(String(ext.json.id));
  assert.ok(Math.abs(probe(bytes).duration - 16) < 0.3);
  assert.equal(emu.billed().jobs.find((j) => j.id === ext.json.id)?.usd, 0.24, '6 s at 360p × $0.04');
  // 16 + 10 + 10 + 10 > 40.
  let last = String(ext.json.id);
  for (let i = 0; i < 2; i++) {
    const r = await create({ model: MODEL, input: `chain ${i}`, previous_interaction_id: last, response_format: { type: 'video', duration: '10s', delivery: 'uri' }, background: true });
    assert.equal(r.status, 200, r.text);
    last = String(r.json.id);
    clock.advance(1000);
  }
  assertRpc(await create({ model: MODEL, input: 'chain too long', previous_interaction_id: last, response_format: { type: 'video', duration: '10s' }, background: true }), 400, 'INVALID_ARGUMENT', /at most 40s/);
  assertRpc(await create({ model: MODEL, input: 'nope', previous_interaction_id: 'v1_missing', response_format: video(), background: true }), 404, 'NOT_FOUND');
});

test('inline delivery (the default) carries the video as base64 data', async () => {
  const r = await create({ model: MODEL, input: 'inline clip', response_format: { type: 'video', duration: '3s' }, background: true });
  clock.advance(1000);
  const out = ((await get(String(r.json.id))).json.outputs as Array<{ data: string; uri?: string }>)[0]!;
  assert.equal(out.uri, undefined);
  assert.equal(probe(Buffer.from(out.data, 'base64')).streams.length, 2);
});

test('auth and errors in google.rpc.Status shape: no key 403, wrong key 400 API_KEY_INVALID, OAuth bearer 401; invalid requests 400/404; nothing created', async () => {
  const before = emu.stats.creates;
  const body = { model: MODEL, input: 'x', response_format: video(), background: true };
  assertRpc(await create(body, emu, {}), 403, 'PERMISSION_DENIED');
  const wrong = await create(body, emu, { 'x-goog-api-key': 'nope' });
  assertRpc(wrong, 400, 'INVALID_ARGUMENT', /API key not valid/);
  assert.equal(((wrong.json.error as { details: Array<{ reason: string }> }).details[0]!).reason, 'API_KEY_INVALID');
  assertRpc(await create(body, emu, { authorization: `Bearer ${KEY}` }), 401, 'UNAUTHENTICATED');
  const bad: Array<[unknown, number, string, RegExp?]> = [
    [{ input: 'x', response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /model/],
    [{ model: MODEL, input: 'x', response_format: video({ duration: 4 }), background: true }, 400, 'INVALID_ARGUMENT', /duration/],
    [{ model: MODEL, input: 'x', response_format: video({ duration: '12s' }), background: true }, 400, 'INVALID_ARGUMENT', /between 3s and 10s/],
    [{ model: MODEL, input: 'x', response_format: video({ aspect_ratio: '1:1' }), background: true }, 400, 'INVALID_ARGUMENT', /aspect_ratio/],
    [{ model: MODEL, input: 'x', response_format: video({ resolution: '480p' }), background: true }, 400, 'INVALID_ARGUMENT', /resolution/],
    [{ model: MODEL, input: 'x', response_format: video(), background: true, seed: 3 }, 400, 'INVALID_ARGUMENT', /Unknown name "seed"/],
    [{ model: MODEL, input: 'x', response_format: video() }, 400, 'INVALID_ARGUMENT', /background/],
    [{ model: MODEL, input: 'x', background: true }, 400, 'INVALID_ARGUMENT', /response_format/],
    [{ model: MODEL, input: [{ type: 'text', text: 'x' }, { type: 'image', data: png(), mime_type: 'image/png', role: 'last_frame' }], response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /needs a first frame/],
    [{ model: MODEL, input: [{ type: 'text', text: 'x' }, { type: 'image', data: png(), mime_type: 'image/jpeg', role: 'first_frame' }], response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /mime_type/],
    [{ model: MODEL, input: [{ type: 'text', text: 'x' }, { type: 'image', data: 'bm9wZQ==', mime_type: 'image/png' }], response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /Unable to process input image/],
    [{ model: MODEL, input: [{ type: 'text', text: 'x' }, ...Array.from({ length: 4 }, () => ({ type: 'image', uri: 'files/r', mime_type: 'image/png' }))], response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /At most 3 reference images/],
    [{ model: MODEL, input: [{ type: 'text', text: 'x' }, { type: 'image', mime_type: 'image/png', role: 'middle' }], response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /role/],
    [{ model: 'veo-3.1-generate-preview', input: 'x', response_format: video(), background: true }, 404, 'NOT_FOUND', /veo-3.1-generate-preview is not found/],
    [{ model: 'gemini-2.5-flash', input: 'x', response_format: video(), background: true }, 400, 'INVALID_ARGUMENT', /does not support video/],
  ];
  for (const [b, code, status, match] of bad) assertRpc(await create(b), code, status, match);
  assertRpc(await call(`${emu.url}/v1beta/models/${MODEL}:generateContent`, { headers: H, json: { contents: [] } }), 400, 'INVALID_ARGUMENT', /Interactions API/);
  assert.equal(emu.stats.creates, before);
  assert.ok(emu.stats.invalidRequests >= bad.length);
});

test('faults: safety block, 429 with RetryInfo, lost create reply, 5xx, slow, reset mid-download, expired file, off-contract status, cancel', async () => {
  const c = new ManualClock();
  const e = await startGeminiEmulator({ apiKey: KEY, now: c.now, timing: { queuedMs: 30, runningMs: 150 }, faults: { expireContent: { word: 'EPHEMERAL', afterMs: 0 }, offSpecStatus: [{ word: 'ODD', status: 'expired' }] } });
  try {
    const mk = async (prompt: string): Promise<string> => {
      const r = await create({ model: MODEL, input: prompt, response_format: video(), background: true }, e);
      assert.equal(r.status, 200, r.text);
      return String(r.json.id);
    };
    const blocked = await mk('a FORBIDDEN thing');
    const ok = await mk('fine clip');
    const eph = await mk('EPHEMERAL clip');
    const odd = await mk('ODD clip');
    const cancelMe = await mk('cancel me');
    const cancel = await call(`${e.url}/v1beta/interactions/${cancelMe}/cancel`, { method: 'POST', headers: H });
    assert.equal(cancel.json.status, 'cancelled');
    c.advance(1000);
    const b = (await get(blocked, e)).json;
    assert.equal(b.status, 'failed');
    assert.equal((b.error as { details: Array<{ reason: string }> }).details[0]!.reason, 'SAFETY');
    assert.equal((await get(odd, e)).json.status, 'expired');
    assertRpc(await call(`${e.url}/v1beta/interactions/${cancelMe}/cancel`, { method: 'POST', headers: H }), 400, 'FAILED_PRECONDITION');
    const ephUri = ((await get(eph, e)).json.outputs as Array<{ uri: string }>)[0]!.uri;
    assertRpc(await call(`${e.url}/v1beta/${ephUri}:download?alt=media`, { headers: H }), 404, 'NOT_FOUND', /expired/);
    assert.deepEqual(e.billed().jobs.map((j) => j.prompt).sort(), ['EPHEMERAL clip', 'fine clip'], 'a blocked, cancelled or off-contract job is not billed');

    e.setFaults({ rateLimit: { count: 1, retryAfterS: 3 } });
    const limited = await get(ok, e);
    assertRpc(limited, 429, 'RESOURCE_EXHAUSTED');
    assert.equal(limited.headers['retry-after'], undefined);
    assert.ok((limited.json.error as { details: Array<{ '@type': string; retryDelay?: string }> }).details.some((d) => d['@type'].endsWith('RetryInfo') && d.retryDelay === '3s'));

    e.setFaults({ resetAfterCreate: { count: 1 } });
    const creates = e.stats.creates;
    await assert.rejects(create({ model: MODEL, input: 'lost reply', response_format: video(), background: true }, e));
    assert.equal(e.stats.creates, creates + 1);
    assert.equal(e.stats.createsByPrompt['lost reply'], 1);

    e.setFaults({ serverError: { count: 1, statuses: [503] } });
    assertRpc(await get(ok, e), 503, 'UNAVAILABLE');
    e.setFaults({ serverErrorAfterCreate: { count: 1 } });
    assert.equal((await create({ model: MODEL, input: 'created then 502', response_format: video(), background: true }, e)).status, 502);
    assert.equal(e.stats.createsByPrompt['created then 502'], 1);

    e.setFaults({ slow: { count: 1, delayMs: 40 } });
    await get(ok, e);
    assert.equal(e.stats.requests.at(-1)?.fault, 'slow');

    e.setFaults({ resetMidDownload: { count: 1 } });
    const uri = ((await get(ok, e)).json.outputs as Array<{ uri: string }>)[0]!.uri;
    await assert.rejects(call(`${e.url}/v1beta/${uri}:download?alt=media`, { headers: H }));
    assert.equal(e.stats.requests.at(-1)?.fault, 'resetMidDownload');
    assert.equal((await call(`${e.url}/v1beta/${uri}:download?alt=media`, { headers: H })).status, 200);
    assert.deepEqual(Object.keys(e.stats.faults).sort(), ['rateLimit', 'resetAfterCreate', 'resetMidDownload', 'serverError', 'serverErrorAfterCreate', 'slow']);
  } finally {
    await e.close();
  }
});
