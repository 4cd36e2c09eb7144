// Issue 8 in the window, in Chromium over the bridge: one key per provider (the status and address of each,
// never the key), and a model per scene (the storyboard mixes them; each scene's lengths follow its model).
// Screenshots: the API keys panel with several providers' keys, and a storyboard mixing models.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { openWindow, SHOTS, type OpenedWindow } from '../helpers/e2e.ts';

const FAL_KEY = 'fal-key-e2e-3b9d27c1f0aa';
const OPENROUTER_KEY = 'sk-or-e2e-77c0ae51d2b4';
const GEMINI_KEY = 'AIza-e2e-gemini-51f0c9d3';

let dir: string;
let app: Storyreel;
let win: OpenedWindow;
let page: Page;
const confirm = new ConfirmStub(true);
let pageErrors: string[] = [];

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-providers-'));
  await createProject(dir, {
    title: 'Three Providers',
    size: '1280x720',
    scenes: [
      { prompt: 'A lighthouse keeper climbs the spiral stairs at dusk', seconds: 4 },
      { prompt: 'The lamp turns; its beam sweeps a stormy sea', seconds: 4 },
      { prompt: 'Dawn: the keeper sleeps in a chair by the window', seconds: 4 },
    ],
  });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    // Two keys from the environment, as the command line would have them; the third is saved in the window.
    secrets: new EnvSecrets({ FAL_KEY, OPENROUTER_API_KEY: OPENROUTER_KEY }),
    log: () => undefined,
    owner: 'e2e',
    dialogs: confirm.dialogs(),
  });
  await app.openProject(dir);
  win = await openWindow(app, { viewport: { width: 1440, height: 1000 } });
  page = win.page;
  pageErrors = win.pageErrors;
  await page.getByTestId('scene-card').nth(2).waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const row = (provider: string) => page.locator(`[data-testid="provider-key"][data-provider="${provider}"]`);

test('the key panel lists every provider that takes a key, each with its status and address, never the key', { timeout: 60000 }, async () => {
  const providers = await page.getByTestId('provider-key').evaluateAll((els) => els.map((e) => [e.getAttribute('data-provider'), e.getAttribute('data-set')]));
  assert.deepEqual(Object.fromEntries(providers), { 'openai-videos': 'false', gemini: 'false', ark: 'false', fal: 'true', openrouter: 'true' });
  assert.match((await row('fal').textContent()) ?? '', new RegExp(`••••${FAL_KEY.slice(-4)}.*from the environment.*Sent only to https://queue\\.fal\\.run`));
  assert.match((await row('openrouter').textContent()) ?? '', /Sent only to https:\/\/openrouter\.ai/);
  // A key saved in the window: main asks (its own dialog) whether it may go to Gemini's address.
  await page.getByTestId('api-key-gemini').fill(GEMINI_KEY);
  await page.getByTestId('api-key-save-gemini').click();
  await row('gemini').and(page.locator('[data-set="true"]')).waitFor();
  assert.match((await row('gemini').textContent()) ?? '', /Sent only to https:\/\/generativelanguage\.googleapis\.com/);
  assert.equal(confirm.asked.at(-1)?.title, 'Send your API key to this address?');
  assert.equal(await page.getByTestId('api-key-gemini').inputValue(), '', 'the field is emptied once main has the key');
  const html = await page.content();
  for (const k of [FAL_KEY, OPENROUTER_KEY, GEMINI_KEY]) assert.ok(!html.includes(k.slice(0, -4)), 'the window never holds a key');
  // The plain name, whole in its select.
  const option = page.getByTestId('settings-provider').locator('option[value="openai-videos"]');
  assert.equal(await option.textContent(), 'OpenAI-compatible gateway');
  assert.equal(await option.getAttribute('title'), 'OpenAI-compatible gateway (/v1/videos)');
  // The panel with all five is taller than the window, and the sidebar scrolls inside it: a shot of the
  // panel alone stopped at the window's edge. A window tall enough shows it whole.
  await page.setViewportSize({ width: 1440, height: 2000 });
  await page.getByRole('region', { name: 'API keys' }).screenshot({ path: path.join(SHOTS, 'key-panel-several-providers.png') });
  await page.setViewportSize({ width: 1440, height: 1000 });
});

test('a scene picks its own provider and model; its lengths follow that model', { timeout: 60000 }, async () => {
  await page.getByTestId('scene-card').nth(1).click();
  await page.getByTestId('scene-model').selectOption('fal|fal-ai/kling-video/v3/standard');
  await page.getByTestId('card-model').first().waitFor();
  await page.getByTestId('scene-card').nth(2).click();
  await page.getByTestId('scene-model').selectOption('openrouter|google/veo-3.1');
  await page.getByTestId('card-model').nth(1).waitFor();
  const scenes = app.current().store.get().scenes;
  assert.deepEqual(scenes.map((s) => [s.provider ?? null, s.model ?? null]), [[null, null], ['fal', 'fal-ai/kling-video/v3/standard'], ['openrouter', 'google/veo-3.1']]);
  // Veo 3.1 on OpenRouter makes 4, 6 or 8 s: the length select offers those, not Preview's 1–60.
  const lengths = await page.getByTestId('scene-seconds').locator('option').allTextContents();
  assert.deepEqual(lengths, ['4 s', '6 s', '8 s']);
  // Both paid providers are in use now: their keys come first, open.
  assert.equal(await page.locator('[data-testid="key-others"] [data-provider="fal"]').count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'storyboard-mixing-models.png') });
  // The spend confirmation adds the film up model by model, and the safe button has the focus.
  await page.getByTestId('generate-all').click();
  await page.getByTestId('spend-by-model').waitFor();
  const lines = await page.getByTestId('spend-by-model').locator('li').allTextContents();
  assert.deepEqual(lines.map((l) => l.split(':')[0]), ['Animatic', 'Kling 3 Standard (fal)', 'Veo 3.1 (OpenRouter)']);
  assert.ok(await page.getByTestId('confirm-spend-no').evaluate((el) => el === el.ownerDocument.activeElement), '"Not now" has the focus');
  await page.screenshot({ path: path.join(SHOTS, 'storyboard-mixing-models-spend.png') });
  await page.keyboard.press('Enter');
  await page.getByTestId('confirm-spend').waitFor({ state: 'detached' });
  assert.equal(app.current().engine.list().length, 0, 'Enter on the focused button sent nothing');
  // Back to the project's model: the scene's own fields go.
  await page.getByTestId('scene-model').selectOption('');
  await page.getByTestId('card-model').nth(1).waitFor({ state: 'detached' });
  assert.equal(app.current().store.get().scenes[2]!.provider, undefined);
  assert.deepEqual(pageErrors, []);
});
