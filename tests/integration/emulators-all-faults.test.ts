// Each emulator with its `--faults all` preset (slow replies shortened) and a hand-moved clock: a patient client
// that never resends a create still gets every job whose create was answered, the emulator's create count is
// exactly the answered creates plus the creates whose reply was lost, and billing covers every job that ran.
// This checks the presets are survivable and the counters honest, for the adapters' own all-faults tests.
// Run: node --import tsx --test tests/integration/emulators-all-faults.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDER_EMULATORS } from '../emulators/index.ts';
import type { ProviderEmulatorName } from '../emulators/index.ts';
import { ManualClock } from '../emulators/kit/index.ts';
import type { KitEmulator } from '../emulators/kit/index.ts';
import { call, probe } from '../emulators/kit/testing.ts';
import type { Reply } from '../emulators/kit/testing.ts';

const KEY = 'all-faults-SENTINEL-0005';
const JOBS = 8;

/** GET (or any idempotent call) until it is answered with something other than 429/5xx/a reset. */
async function patient(fn: () => Promise<Reply>, clock: ManualClock, ok: (r: Reply) => boolean = () => true): Promise<Reply> {
  for (let i = 0; i < 60; i++) {
    clock.advance(50);
    let r: Reply;
    try {
      r = await fn();
    } catch {
      continue; // reset: try again
    }
    if (r.status === 429 || r.status >= 500 || !ok(r)) continue;
    return r;
  }
  throw new Error('no answer after 60 tries');
}

interface Client {
  /** Sends one create; the job handle when answered, null when the outcome is unknown. */
  create(i: number): Promise<unknown>;
  /** Polls until terminal; the video URL (and headers) to download, or null when it failed. */
  finish(handle: unknown): Promise<{ url: string; headers: Record<string, string> } | null>;
}

function clientFor(name: ProviderEmulatorName, emu: KitEmulator, clock: ManualClock): Client {
  const tryCreate = async (url: string, headers: Record<string, string>, json: unknown): Promise<Reply | null> => {
    try {
      const r = await call(url, { headers, json });
      return r.status === 200 || r.status === 202 ? r : null;
    } catch {
      return null;
    }
  };
  switch (name) {
    case 'fal': {
      const h = { authorization: `Key ${KEY}` };
      return {
        create: async (i) => (await tryCreate(`${emu.url}/fal-ai/veo3.1/fast`, h, { prompt: `scene ${i}`, duration: '4s', generate_audio: false }))?.json ?? null,
        async finish(handle) {
          const u = handle as { status_url: string; response_url: string };
          const st = await patient(() => call(u.status_url, { headers: h }), clock, (r) => r.json.status === 'COMPLETED');
          if (st.json.error) return null;
          const res = await patient(() => call(u.response_url, { headers: h }), clock);
          return { url: (res.json.video as { url: string }).url, headers: {} };
        },
      };
    }
    case 'gemini': {
      const h = { 'x-goog-api-key': KEY };
      return {
        create: async (i) => (await tryCreate(`${emu.url}/v1beta/interactions`, h, { model: 'gemini-omni-1.1-flash', input: `scene ${i}`, response_format: { type: 'video', duration: '4s', resolution: '360p', delivery: 'uri' }, background: true }))?.json.id ?? null,
        async finish(id) {
          const r = await patient(() => call(`${emu.url}/v1beta/interactions/${String(id)}`, { headers: h }), clock, (x) => ['completed', 'failed', 'cancelled'].includes(String(x.json.status)));
          if (r.json.status !== 'completed') return null;
          return { url: `${emu.url}/v1beta/${(r.json.outputs as Array<{ uri: string }>)[0]!.uri}:download?alt=media`, headers: h };
        },
      };
    }
    case 'ark': {
      const h = { authorization: `Bearer ${KEY}` };
      return {
        create: async (i) => (await tryCreate(`${emu.url}/contents/generations/tasks`, h, { model: 'dreamina-seedance-2-0-fast-260128', content: [{ type: 'text', text: `scene ${i}` }], duration: 4, resolution: '480p' }))?.json.id ?? null,
        async finish(id) {
          const r = await patient(() => call(`${emu.url}/contents/generations/tasks/${String(id)}`, { headers: h }), clock, (x) => ['succeeded', 'failed', 'cancelled', 'expired'].includes(String(x.json.status)));
          if (r.json.status !== 'succeeded') return null;
          return { url: (r.json.content as { video_url: string }).video_url, headers: {} };
        },
      };
    }
    case 'openrouter': {
      const h = { authorization: `Bearer ${KEY}` };
      const origin = new URL(emu.url).origin;
      return {
        create: async (i) => (await tryCreate(`${emu.url}/videos`, h, { model: 'alibaba/wan-2.7', prompt: `scene ${i}`, duration: 5, resolution: '720p' }))?.json.polling_url ?? null,
        async finish(pollingUrl) {
          const r = await patient(() => call(new URL(String(pollingUrl), origin).toString(), { headers: h }), clock, (x) => ['completed', 'failed', 'cancelled', 'expired'].includes(String(x.json.status)));
          if (r.json.status !== 'completed') return null;
          return { url: (r.json.unsigned_urls as string[])[0]!, headers: h };
        },
      };
    }
  }
}

for (const name of Object.keys(PROVIDER_EMULATORS) as ProviderEmulatorName[]) {
  test(`${name}: every fault on — answered creates all finish, the create count is answered + lost replies, billing covers what ran`, async () => {
    const clock = new ManualClock();
    const entry = PROVIDER_EMULATORS[name];
    const faults = { ...entry.faultsAll, seed: 11, slow: { probability: 0.05, delayMs: 5 }, resetAfterCreate: { skip: 2, count: 2 } };
    const emu = await entry.start({ apiKey: KEY, now: clock.now, timing: { queuedMs: 100, runningMs: 300 }, faults });
    try {
      const client = clientFor(name, emu, clock);
      const handles: unknown[] = [];
      let unknown = 0;
      for (let i = 0; i < JOBS; i++) {
        const h = await client.create(i);
        if (h === null) unknown++;
        else handles.push(h);
      }
      let downloaded = 0;
      for (const h of handles) {
        const v = await client.finish(h);
        assert.ok(v, `job ${JSON.stringify(h)} did not complete`);
        const bytes = await patient(() => call(v.url, { headers: v.headers }), clock, (r) => r.status === 200);
        assert.equal(probe(bytes.bytes).streams.some((s) => s.codec_type === 'video'), true);
        downloaded++;
      }
      assert.equal(downloaded, handles.length);
      const lostAfterCreate = (emu.stats.faults.resetAfterCreate ?? 0) + (emu.stats.faults.serverErrorAfterCreate ?? 0);
      assert.equal(emu.stats.creates, handles.length + lostAfterCreate, JSON.stringify(emu.stats.faults));
      assert.ok(unknown >= lostAfterCreate);
      assert.ok(lostAfterCreate >= 1, `two create replies are lost: ${JSON.stringify(emu.stats.faults)}`);
      clock.advance(10_000);
      assert.equal(emu.billed().jobs.length, emu.stats.creates, 'every job that was made ran and was billed, lost replies included');
      assert.ok(Object.keys(emu.stats.faults).length >= 3, `several faults fired: ${JSON.stringify(emu.stats.faults)}`);
      assert.ok(emu.stats.requests.every((r) => r.validation !== 'invalid'), 'the client sent valid requests only');
    } finally {
      await emu.close();
    }
  });
}
