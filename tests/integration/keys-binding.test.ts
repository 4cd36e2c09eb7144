// Keys bound to where they go, through the door the window uses (dispatch): a base URL changed from the
// window does not carry the key until main's dialog says yes; base URLs are https (http for loopback only);
// a base URL's query stays a query; the window cannot loosen the budget cap, or make a gateway model
// cheaper, without main's confirmation; a gateway model the creator describes is estimated at its own price.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Settings } from '../../shared/contract.ts';
import type { AppErrorShape } from '../../shared/errors.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, type NewProjectOptions } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';

const KEY = 'sk-bound-5e1d9c0a7b3f4411';
let root: string;
let emu: OpenAiVideosEmulator;
let n = 0;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-keys-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY });
});
after(async () => {
  await emu?.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** A listener on 127.0.0.1 that records every request's headers and answers 401 (a definite "no"). */
async function listener() {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    for (const w of waiters.splice(0)) w();
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    /** Resolves once a request has arrived. */
    next: () => new Promise<void>((resolve) => (seen.length ? resolve() : waiters.push(resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The reply envelope, with the few fields these tests read from key statuses and estimates. */
type Answer =
  | { ok: true; value: { origin?: string | null; set?: boolean; blocked?: { code: string } | null; pricePerSecond?: number; totalUsd?: number; overBudgetUsd?: number; outcome?: string; status?: { set: boolean; origin: string | null } } }
  | { ok: false; error: AppErrorShape };

async function makeApp(o: { settings?: Partial<Settings>; key?: boolean; confirm?: ConfirmStub; project?: NewProjectOptions } = {}) {
  const dir = path.join(root, `p${++n}`);
  await createProject(dir, o.project ?? { provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A lighthouse blinks at dusk', seconds: 4 }] });
  const settings = new MemorySettings(o.settings);
  const app = new Storyreel({
    version: 'test',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings,
    secrets: new EnvSecrets(o.key === false ? {} : { OPENAI_API_KEY: KEY }),
    dialogs: (o.confirm ?? new ConfirmStub(false)).dialogs(),
    log: () => undefined,
    owner: 'test',
    timing: { pollMinMs: 50, pollMaxMs: 200, backoffBaseMs: 50, backoffMaxMs: 200 },
  });
  await app.openProject(dir);
  const call = (channel: string, payload: unknown = {}) => dispatch(app.handlers(), channel, payload) as Promise<Answer>;
  return { app, settings, call };
}

function failed(reply: Answer, code: string, message?: RegExp) {
  assert.equal(reply.ok, false, `expected ${code}, got ${JSON.stringify(reply)}`);
  if (!reply.ok) {
    assert.equal(reply.error.code, code, reply.error.message);
    if (message) assert.match(reply.error.message, message);
  }
}

test('a base URL changed from the window does not carry the key until main confirms the new address', { timeout: 60000 }, async () => {
  const trap = await listener();
  const confirm = new ConfirmStub(false);
  const { app, settings, call } = await makeApp({ settings: { openaiBaseUrl: emu.url }, confirm });
  try {
    // The window names another address: main asks the creator, who says no. Nothing changes.
    failed(await call('settings.update', { openaiBaseUrl: `${trap.url}/v1` }), 'NotConfirmed');
    assert.equal(confirm.asked.length, 1);
    assert.match(confirm.asked[0]!.message, new RegExp(`${trap.url.replace(/[.]/g, '\\.')}\\?$`), 'the dialog names the new address');
    assert.equal(settings.get().openaiBaseUrl, emu.url);

    // The address changes another way (a hand-edited settings file): the key still does not go there.
    settings.update({ openaiBaseUrl: `${trap.url}/v1` });
    const est = await call('jobs.estimate', { sceneIds: [] });
    assert.ok(est.ok && est.value.blocked?.code === 'NotConfirmed', JSON.stringify(est));
    failed(await call('jobs.generate', { sceneIds: [] }), 'NotConfirmed', new RegExp(`saved for ${emu.url.replace(/\/v1$/, '').replace(/[.]/g, '\\.')}`));
    failed(await call('keys.confirmAddress', { provider: 'openai-videos' }), 'NotConfirmed');
    assert.equal(trap.seen.length, 0, 'no request reached the new address');
    assert.equal(emu.stats.creates, 0);

    // Only main's yes binds the key to the new address; then, and only then, it is sent there.
    confirm.answer(true);
    const bound = await call('keys.confirmAddress', { provider: 'openai-videos' });
    assert.ok(bound.ok && bound.value.origin === trap.url, JSON.stringify(bound));
    assert.equal(confirm.asked.length, 3);
    const gen = await call('jobs.generate', { sceneIds: [] });
    assert.ok(gen.ok, JSON.stringify(gen));
    await trap.next();
    assert.equal(trap.seen[0]!.headers.authorization, `Bearer ${KEY}`);
    await app.current().engine.idle();
  } finally {
    await app.shutdown();
    await trap.close();
  }
});

test('a key saved from the window goes only where main confirms; with no key, nothing is asked', async () => {
  const confirm = new ConfirmStub(false);
  const { app, call } = await makeApp({ key: false, confirm, settings: { openaiBaseUrl: 'https://gateway.example/v1' } });
  try {
    const saved = await call('keys.set', { provider: 'openai-videos', key: 'sk-window-typed-12345678' });
    assert.ok(saved.ok && saved.value.outcome === 'stored' && saved.value.status?.set && saved.value.status.origin === null, JSON.stringify(saved));
    assert.equal(confirm.asked.length, 1, 'main asked whether the key may go to the base URL in force');
    failed(await call('jobs.generate', { sceneIds: [] }), 'NotConfirmed');
    confirm.answer(true);
    const again = await call('keys.confirmAddress', { provider: 'openai-videos' });
    assert.ok(again.ok && again.value.origin === 'https://gateway.example', JSON.stringify(again));
    // Clearing the key forgets the address; a base URL change with no key asks nothing.
    await call('keys.clear', { provider: 'openai-videos' });
    assert.ok((await call('settings.update', { openaiBaseUrl: 'https://other.example/v1' })).ok);
    assert.equal(confirm.asked.length, 2);
  } finally {
    await app.shutdown();
  }
});

test('base URLs: https, or plain http for this computer only; never file: or javascript:', async () => {
  const { app, settings, call } = await makeApp({ key: false });
  try {
    for (const bad of ['http://example.com/v1', 'http://10.0.0.5:8080/v1', 'http://127.0.0.1.nip.io/v1', 'http://[::2]/v1', 'file:///etc/passwd', 'javascript:alert(1)', 'ftp://gateway.example/v1', 'https://user:pw@gateway.example/v1']) {
      failed(await call('settings.update', { openaiBaseUrl: bad }), 'InvalidInput');
      assert.equal(settings.get().openaiBaseUrl, null, bad);
    }
    for (const good of ['https://gateway.example/v1', 'http://localhost:4010/v1', 'http://127.0.0.2:9/v1', 'http://[::1]:8080/v1', 'https://gateway.example/openai/v1?api-version=2025-04-01']) {
      const r = await call('settings.update', { openaiBaseUrl: good });
      assert.ok(r.ok, `${good}: ${JSON.stringify(r)}`);
    }
  } finally {
    await app.shutdown();
  }
});

test('a base URL with a query: /videos is joined to the path and the query goes on every request', { timeout: 60000 }, async () => {
  const gw = await startOpenAiVideosEmulator({ apiKey: KEY, gateway: { requireQuery: { 'api-version': '2025-04-01' } } });
  const { app } = await makeApp({ settings: { openaiBaseUrl: `${gw.url}?api-version=2025-04-01` } });
  try {
    const ids = await app.generate([]);
    await app.current().engine.idle();
    const jobs = app.current().engine.list();
    assert.deepEqual(jobs.map((j) => j.state), ['ready'], JSON.stringify(jobs.map((j) => j.error)));
    assert.equal(ids.length, 1);
    assert.equal(gw.stats.creates, 1);
    for (const r of gw.stats.requests) {
      assert.match(r.path, /^\/v1\/videos/, `${r.method} ${r.path}`);
      assert.equal(r.query['api-version'], '2025-04-01', `${r.method} ${r.path}`);
    }
  } finally {
    await app.shutdown();
    await gw.close();
  }
});

test('the window cannot raise or clear the budget cap without main confirming; lowering it needs nothing', async () => {
  const confirm = new ConfirmStub(false);
  const { app, settings, call } = await makeApp({ key: false, confirm, settings: { budgetUsd: 1 } });
  try {
    assert.ok((await call('settings.update', { budgetUsd: 0.5 })).ok, 'lowering only restricts spending');
    assert.equal(confirm.asked.length, 0);
    failed(await call('settings.update', { budgetUsd: 2 }), 'NotConfirmed', /stays at \$0\.50/);
    failed(await call('settings.update', { budgetUsd: null }), 'NotConfirmed');
    assert.equal(settings.get().budgetUsd, 0.5);
    assert.deepEqual(confirm.asked.map((q) => q.title), ['Raise the budget cap?', 'Remove the budget cap?']);
    confirm.answer(true);
    assert.ok((await call('settings.update', { budgetUsd: null })).ok);
    assert.equal(settings.get().budgetUsd, null);
    assert.ok((await call('settings.update', { budgetUsd: 3 })).ok, 'setting a cap where there was none restricts');
    assert.equal(confirm.asked.length, 3);
  } finally {
    await app.shutdown();
  }
});

test('a gateway model the creator describes is estimated and capped at its own price, with its own durations and sizes', async () => {
  const confirm = new ConfirmStub(false);
  const { app, call } = await makeApp({
    confirm,
    settings: { openaiBaseUrl: emu.url, budgetUsd: 5 },
    project: { provider: 'openai-videos', model: 'veo-3.1-fast', size: '1920x1080', scenes: [{ prompt: 'Waves at night', seconds: 10 }, { prompt: 'Gulls at dawn', seconds: 5 }] },
  });
  try {
    const veo = { provider: 'openai-videos', id: 'veo-3.1-fast', pricePerSecond: 0.4, durations: [5, 10], sizes: ['1920x1080', '1080x1920'] };
    assert.ok((await call('settings.update', { customModels: [veo] })).ok, 'a price above the fallback only restricts: no question');
    assert.equal(confirm.asked.length, 0);
    const est = await call('jobs.estimate', { sceneIds: [] });
    assert.ok(est.ok, JSON.stringify(est));
    assert.equal(est.value.pricePerSecond, 0.4);
    assert.equal(est.value.totalUsd, 6, '15 s at $0.40/s');
    assert.equal(est.value.overBudgetUsd, 1);
    failed(await call('jobs.generate', { sceneIds: [] }), 'BudgetExceeded', /\$6\.00.*\$5\.00 by \$1\.00/);
    assert.equal(emu.stats.creates, 0);

    // Its own durations: a 4-second scene is refused before anything is sent.
    const project = app.current().store.get();
    failed(await call('scenes.update', { id: project.scenes[1]!.id, patch: { seconds: 4 } }).then(() => call('jobs.generate', { sceneIds: [project.scenes[1]!.id] })), 'UnsupportedByModel', /only makes 5, 10 s/);

    // The window cannot make it cheaper (and so slip past the cap) without main's yes.
    failed(await call('settings.update', { customModels: [{ ...veo, pricePerSecond: 0.01 }] }), 'NotConfirmed', /stays at \$0\.40\/s/);
    failed(await call('settings.update', { customModels: [] }), 'NotConfirmed', /stays at \$0\.40\/s/);
    failed(await call('settings.update', { customModels: [{ ...veo, id: 'sora-2' }] }), 'InvalidInput', /built in/);
    const still = await call('jobs.estimate', { sceneIds: [project.scenes[0]!.id] });
    assert.ok(still.ok && still.value.totalUsd === 4, JSON.stringify(still));
  } finally {
    await app.shutdown();
  }
});
