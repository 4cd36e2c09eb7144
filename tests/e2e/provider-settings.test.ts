// Each provider's settings beside its key, in Chromium over the bridge: Ark's region, a fal base URL (refused
// off this computer over plain http, kept on loopback, each new address confirmed in main's dialog), and
// OpenRouter's "Refresh models" saying what changed against the emulator's models endpoint. Main keeps every
// value; the window shows what main says. Screenshot: the key panel with three providers' keys and settings.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { OPENROUTER_MODELS, startOpenRouterEmulator, type OpenRouterEmulator } from '../emulators/openrouter/server.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';

const FAL_KEY = 'fal-key-e2e-settings-91c2';
const ARK_KEY = 'ark-key-e2e-settings-5d7e';
const OPENROUTER_KEY = 'sk-or-e2e-settings-3f08';
const TODAY = new Date().toISOString().slice(0, 10);

let dir: string;
let app: Storyreel;
let win: OpenedWindow;
let emu: OpenRouterEmulator;
const settings = new MemorySettings();
const confirm = new ConfirmStub(true);

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-provider-settings-'));
  // The live list moved on since the bundled profiles: Veo 3.1 costs more at 720p.
  emu = await startOpenRouterEmulator({ apiKey: OPENROUTER_KEY, models: OPENROUTER_MODELS.map((m) => (m.id === 'google/veo-3.1' ? { ...m, perSecond: { ...m.perSecond, '720p': 0.45 } } : m)) });
  await createProject(path.join(dir, 'film'), { title: 'Three Providers', provider: 'openrouter', model: 'google/veo-3.1', size: '1280x720', scenes: [{ prompt: 'A lighthouse at dusk', seconds: 4 }, { prompt: 'The beam sweeps the sea', seconds: 5 }, { prompt: 'Dawn over the rocks', seconds: 5 }] });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings,
    secrets: new EnvSecrets({ FAL_KEY, ARK_API_KEY: ARK_KEY, OPENROUTER_API_KEY: OPENROUTER_KEY }),
    env: { OPENROUTER_BASE_URL: emu.url },
    log: () => undefined,
    owner: 'e2e',
    dialogs: confirm.dialogs(),
    catalogDir: path.join(dir, 'catalog'),
  });
  const view = await app.openProject(path.join(dir, 'film'));
  const h = app.handlers();
  await h.scenes.update({ id: view.project.scenes[1]!.id, patch: { provider: 'fal', model: 'fal-ai/kling-video/v3/standard' } });
  await h.scenes.update({ id: view.project.scenes[2]!.id, patch: { provider: 'ark', model: 'dreamina-seedance-2-0-260128' } });
  win = await openWindow(app, { viewport: { width: 1440, height: 1400 } });
  await win.page.getByTestId('provider-settings-ark').waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const text = async (id: string) => (await win.page.getByTestId(id).textContent()) ?? '';

test("Ark's region picks its host; main keeps it and asks before the key goes there", { timeout: 60000 }, async () => {
  const page = win.page;
  await page.getByTestId('provider-settings-ark').locator('summary').click();
  assert.equal(await page.getByTestId('provider-region-ark').inputValue(), 'byteplus');
  assert.match(await text('provider-target-ark'), /Requests go to https:\/\/ark\.ap-southeast\.bytepluses\.com/);
  await page.getByTestId('provider-region-ark').selectOption('cn');
  await waitFor(async () => settings.get().providers.ark?.region === 'cn', 10000, 'the region in main');
  await waitFor(async () => /Requests go to https:\/\/ark\.cn-beijing\.volces\.com/.test(await text('provider-target-ark')), 10000, 'the new host shown');
  assert.equal(confirm.asked.at(-1)?.message, `Send your ark API key (••••${ARK_KEY.slice(-4)}) to https://ark.cn-beijing.volces.com?`);
  assert.equal(app.keyStatus('ark').origin, 'https://ark.cn-beijing.volces.com', 'the key is bound to the confirmed host');
});

test('a fal base URL: plain http off this computer is refused in words; a loopback one is kept', { timeout: 60000 }, async () => {
  const page = win.page;
  await page.getByTestId('provider-settings-fal').locator('summary').click();
  const field = page.getByTestId('provider-base-url-fal');
  await field.fill('http://gw.example/fal');
  await field.press('Enter');
  await page.getByText(/Plain http:\/\/ is allowed only for this computer/).first().waitFor();
  assert.equal(settings.get().providers.fal, undefined, 'nothing was kept');
  await field.fill('http://127.0.0.1:4011');
  await field.press('Enter');
  await waitFor(async () => settings.get().providers.fal?.baseUrl === 'http://127.0.0.1:4011', 10000, 'the base URL in main');
  await waitFor(async () => /Requests go to http:\/\/127\.0\.0\.1:4011/.test(await text('provider-target-fal')), 10000, 'the new address shown');
  assert.equal(app.keyStatus('fal').origin, 'http://127.0.0.1:4011');
});

test("OpenRouter's Refresh models reads the emulator's list, says what changed, and the estimate follows", { timeout: 60000 }, async () => {
  const page = win.page;
  assert.match(await text('models-refresh-result-openrouter'), /as bundled with Storyreel/);
  const before = await app.estimate([]);
  await page.getByTestId('models-refresh-openrouter').click();
  await waitFor(async () => (await text('models-refresh-result-openrouter')).includes('read'), 15000, 'the refresh result');
  assert.equal(await text('models-refresh-result-openrouter'), `1 model updated, read ${TODAY}.`);
  assert.equal(emu.stats.requests.filter((r) => r.route === 'models').length, 1);
  const after = await app.estimate([]);
  const line = (e: typeof before) => e.lines.find((l) => l.sceneId === app.current().store.get().scenes[0]!.id)!.usd;
  assert.deepEqual([line(before), line(after)], [1.6, 1.8], 'scene 1 (4 s of Veo 3.1 at 720p) at the price read');
  const html = await page.content();
  for (const k of [FAL_KEY, ARK_KEY, OPENROUTER_KEY]) assert.ok(!html.includes(k.slice(0, -4)), 'the window never holds a key');
  await page.getByRole('region', { name: 'API keys' }).screenshot({ path: path.join(SHOTS, 'key-panel-provider-settings.png') });
  assert.deepEqual(win.pageErrors, []);
});
