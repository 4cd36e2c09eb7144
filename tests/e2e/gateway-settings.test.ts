// Gateway settings in the real renderer, through the bridge, against the emulator in gateway mode (it
// refuses requests without its api-key header, routing header and api-version): the key is bound to the
// address main's dialog confirmed, header values never come back to the window, and a gateway model the
// creator prices is estimated at that price.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { openWindow, recordReplies, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = `sk-gw-SENTINEL-${randomBytes(10).toString('hex')}`;
const ROUTE = `route-SENTINEL-${randomBytes(6).toString('hex')}`;

let dir: string;
let app: Storyreel;
let emu: OpenAiVideosEmulator;
let win: OpenedWindow;
let page: Page;
const confirm = new ConfirmStub(true);
const bodies: Array<{ url: string; text: string }> = [];

before(async () => {
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, gateway: { authHeader: 'api-key', requireHeaders: { 'x-route': ROUTE }, requireQuery: { 'api-version': '2025-04-01' } } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-gateway-'));
  await createProject(dir, {
    title: 'Harbour Lights',
    provider: 'openai-videos',
    model: 'harbour-video-1',
    size: '1280x720',
    scenes: [
      { prompt: 'Fishing boats return at dusk, lights on the water', seconds: 4 },
      { prompt: 'A lighthouse beam sweeps over the harbour wall', seconds: 8 },
    ],
  });
  const secrets = new EnvSecrets({});
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets,
    dialogs: confirm.dialogs(),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log'), secrets: () => secrets.all() }),
    owner: 'e2e',
    timing: { pollMinMs: 100, pollMaxMs: 300 },
  });
  await app.openProject(dir);
  // Every reply from the first request on, to look for the key in them at the end.
  win = await openWindow(app, { viewport: { width: 1280, height: 1000 }, beforeLoad: recordReplies(bodies) });
  page = win.page;
  await page.getByTestId('project-title').waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('gateway settings: key bound by main, headers kept in main, a priced gateway model, every request routed', { timeout: 180000 }, async () => {
  // The base URL first (no key yet: nothing to ask), then the key: main asks whether it may go there.
  await page.getByTestId('settings-base-url').fill(emu.url);
  await page.getByTestId('settings-base-url').press('Enter');
  await waitFor(async () => app.opts.settings.get().openaiBaseUrl === emu.url, 10000, 'base URL saved');
  assert.equal(confirm.asked.length, 0);
  await page.getByTestId('api-key').fill(KEY);
  await page.getByTestId('api-key-save').click();
  const origin = new URL(emu.url).origin;
  await waitFor(async () => (await page.getByTestId('key-origin').innerText()).includes(origin), 10000, 'key bound');
  assert.deepEqual(confirm.asked.map((q) => q.message), [`Send your openai-videos API key (••••${KEY.slice(-4)}) to ${origin}?`]);

  // How the gateway wants to be spoken to: the api-key header, a routing header, an api-version.
  await page.getByTestId('gateway-settings-toggle').click();
  await page.getByTestId('gateway-auth').selectOption('api-key');
  await waitFor(async () => app.opts.secrets.gateway('openai-videos').authHeader === 'api-key', 10000, 'auth header saved');
  await page.getByTestId('gateway-header-name').fill('X-Route');
  await page.getByTestId('gateway-header-value').fill(ROUTE);
  await page.getByTestId('gateway-header-add').click();
  await waitFor(async () => (await page.getByTestId('gateway-header-names').innerText()).includes('x-route'), 10000, 'header listed');
  await waitFor(async () => (await page.getByTestId('gateway-header-value').inputValue()) === '', 10000, 'the value field is cleared');
  await page.getByTestId('gateway-query-name').fill('api-version');
  await page.getByTestId('gateway-query-value').fill('2025-04-01');
  await page.getByTestId('gateway-query-add').click();
  await waitFor(async () => (await page.getByTestId('gateway-query-names').innerText()).includes('api-version'), 10000, 'query listed');

  // The gateway's own model: its price, lengths and sizes.
  await page.getByTestId('custom-price').fill('0.25');
  await page.getByTestId('custom-durations').fill('4, 8');
  await page.getByTestId('custom-sizes').fill('1280x720');
  await page.getByTestId('custom-save').click();
  await waitFor(async () => (await page.getByTestId('custom-model').innerText()).includes('use $0.25/s'), 10000, 'model price saved');
  assert.deepEqual(app.opts.settings.get().customModels, [{ provider: 'openai-videos', id: 'harbour-video-1', pricePerSecond: 0.25, durations: [4, 8], sizes: ['1280x720'] }]);
  await page.getByRole('region', { name: 'API key' }).screenshot({ path: path.join(SHOTS, 'key-panel-gateway-settings.png') });

  await page.getByTestId('generate-all').click();
  await page.getByTestId('confirm-spend').waitFor();
  const spend = await page.getByTestId('confirm-spend').innerText();
  assert.match(spend, /Generate 2 scenes for \$3\.00\?/);
  assert.match(spend, /12 s of video × \$0\.25\/s/);
  await page.getByTestId('confirm-spend-yes').click();
  await waitFor(async () => {
    const s = await page.getByTestId('scene-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    return s.every((x) => x === 'ready');
  }, 120000, 'both scenes ready');
  assert.equal(emu.stats.creates, 2);
  for (const r of emu.stats.requests) {
    assert.equal(r.headers?.['x-route'], ROUTE, `${r.method} ${r.path}`);
    assert.equal(r.headers?.['api-key'], '[key]');
    assert.equal(r.headers?.authorization, undefined);
    assert.equal(r.query['api-version'], '2025-04-01');
  }
  await page.screenshot({ path: path.join(SHOTS, 'gateway-generated.png') });

  // Another address typed in the window: main asks, the creator says no, nothing changes.
  const elsewhere = emu.url.replace('127.0.0.1', 'localhost');
  confirm.fallback = false;
  await page.getByTestId('settings-base-url').fill(elsewhere);
  await page.getByTestId('settings-base-url').press('Enter');
  await page.getByTestId('error-banner').waitFor();
  assert.match(await page.getByTestId('error-banner').innerText(), /not confirmed for http:\/\/localhost/);
  assert.equal(app.opts.settings.get().openaiBaseUrl, emu.url);
  await page.getByTestId('error-dismiss').first().click();
  assert.equal(confirm.asked.length, 2, 'asked once: leaving the field does not ask again');
  // The address changed behind the window's back (a hand-edited settings file): the panel says the key
  // will not go there, and only main's dialog can change that.
  app.opts.settings.update({ openaiBaseUrl: elsewhere });
  await page.reload();
  await page.getByTestId('key-address-warning').waitFor();
  await page.getByRole('region', { name: 'API key' }).screenshot({ path: path.join(SHOTS, 'key-panel-address-not-confirmed.png') });
  await page.getByTestId('key-confirm-address').click();
  await page.getByTestId('error-banner').waitFor();
  assert.equal(confirm.asked.length, 3);
  assert.equal(app.opts.secrets.origin('openai-videos'), origin, 'still bound to the address confirmed first');

  // Neither the key nor the header value ever came back to the window.
  const html = await page.content();
  assert.ok(!html.includes(KEY) && !html.includes(ROUTE), 'not in the DOM');
  const leaks = bodies.filter((b) => b.text.includes(KEY.slice(0, -4)) || b.text.includes(ROUTE));
  assert.deepEqual(leaks.map((b) => b.url), []);
  assert.ok(bodies.length > 10, 'replies were captured');
});
