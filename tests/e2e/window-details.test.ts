// Smaller first-hour fixes in the window, in Chromium over the bridge: the budget field says what is wrong with
// what was typed; the selection survives a reload; the delete dialog's focus is on the safe button; cancelling
// a paid job asks first and says its cost is already counted; the estimate line says what is going on.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { openWindow, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = 'sk-test-details-0123456789';

let dir: string;
let app: Storyreel;
let settings: MemorySettings;
let win: OpenedWindow;
let emu: OpenAiVideosEmulator;
let page: Page;

before(async () => {
  // Jobs stay "running" at the provider for the whole test.
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, timing: { runningMs: 30 * 60_000 } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-details-'));
  await createProject(dir, { title: 'Details', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A kite over the dunes', seconds: 4 }, { prompt: 'The kite string snaps', seconds: 4 }] });
  settings = new MemorySettings({ openaiBaseUrl: emu.url });
  app = new Storyreel({ version: 'e2e', ffmpeg: resolveFfmpeg({ env: process.env }), settings, secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }), log: () => undefined, owner: 'e2e', timing: { pollMinMs: 100, pollMaxMs: 300 } });
  await app.openProject(dir);
  win = await openWindow(app, { viewport: { width: 1280, height: 800 } });
  page = win.page;
  await page.getByTestId('scene-card').nth(1).waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('the budget field says what is wrong with -5 and abc, and saves 12.50', { timeout: 60000 }, async () => {
  const field = page.getByTestId('settings-budget');
  await field.fill('-5');
  await field.press('Enter');
  assert.match((await page.getByTestId('budget-error').textContent()) ?? '', /cannot be negative/);
  await field.fill('abc');
  assert.match((await page.getByTestId('budget-error').textContent()) ?? '', /"abc" is not an amount/);
  await field.press('Enter');
  assert.equal(settings.get().budgetUsd, null, 'nothing invalid was saved');
  await field.fill('12.50');
  await field.press('Enter');
  await page.getByText('Generations that would pass $12.50 are refused.').waitFor();
  assert.equal(settings.get().budgetUsd, 12.5);
});

test('the selected scene survives a reload', { timeout: 60000 }, async () => {
  await page.getByTestId('scene-card').nth(1).click();
  await page.locator('#editor-title', { hasText: 'Scene 2' }).waitFor();
  await page.reload();
  await page.locator('#editor-title').waitFor();
  assert.match((await page.locator('#editor-title').textContent()) ?? '', /^Scene 2/);
});

test('the delete dialog puts the focus on Keep it: Enter keeps the scene', { timeout: 60000 }, async () => {
  await page.getByTestId('delete-scene').click();
  await page.getByTestId('confirm-delete').waitFor();
  assert.ok(await page.getByTestId('confirm-delete-no').evaluate((el) => el === el.ownerDocument.activeElement));
  await page.keyboard.press('Enter');
  await page.getByTestId('confirm-delete').waitFor({ state: 'detached' });
  assert.equal(app.current().store.get().scenes.length, 2);
});

test('cancelling paid jobs asks first and says their cost is already counted; the estimate line is honest', { timeout: 90000 }, async () => {
  const ids = await app.generate([]);
  assert.equal(ids.length, 2);
  await page.getByTestId('cancel-all').waitFor();
  await page.getByText('Nothing more to send · 2 generating').waitFor();
  assert.doesNotMatch((await page.getByTestId('estimate-total').textContent()) ?? '', /the rest/);
  await page.getByTestId('cancel-all').click();
  await page.getByTestId('confirm-cancel').waitFor();
  assert.match((await page.getByTestId('confirm-cancel-body').textContent()) ?? '', /\$0\.80 for 2 of them is already counted against this project's budget/);
  assert.ok(await page.getByTestId('confirm-cancel-no').evaluate((el) => el === el.ownerDocument.activeElement), 'Keep generating has the focus');
  await page.keyboard.press('Escape');
  await page.getByTestId('confirm-cancel').waitFor({ state: 'detached' });
  assert.ok(app.current().engine.list().every((j) => j.state !== 'canceled'), 'nothing was cancelled');
  await page.getByTestId('cancel-all').click();
  await page.getByTestId('confirm-cancel-yes').click();
  await page.getByTestId('cancel-all').waitFor({ state: 'detached' });
  assert.ok(app.current().engine.list().every((j) => j.state === 'canceled'));
});

test('Clean up unused media shows what it frees, then removes only that', { timeout: 60000 }, async () => {
  await fs.mkdir(path.join(dir, 'media', 'refs'), { recursive: true });
  await fs.writeFile(path.join(dir, 'media', 'scene_deleted-job_old.mp4'), Buffer.alloc(300_000));
  await fs.writeFile(path.join(dir, 'media', 'refs', 'scene_deleted-ref_x.png'), Buffer.alloc(2_000));
  await page.getByTestId('cleanup-open').click();
  await page.getByTestId('cleanup').waitFor();
  assert.match((await page.locator('#cleanup-title').textContent()) ?? '', /^Free 295 KB\?$/);
  assert.match((await page.getByTestId('cleanup-body').textContent()) ?? '', /2 files.*media\/refs\/scene_deleted-ref_x\.png.*media\/scene_deleted-job_old\.mp4/s);
  assert.ok(await page.getByTestId('cleanup-cancel').evaluate((el) => el === el.ownerDocument.activeElement), 'the safe button has the focus');
  await page.screenshot({ path: path.resolve('test-results', 'screenshots', 'cleanup-unused-media.png') });
  await page.getByTestId('cleanup-confirm').click();
  await page.getByTestId('cleanup-done').waitFor();
  assert.match((await page.getByTestId('cleanup-done').textContent()) ?? '', /Freed 295 KB \(2 files\)/);
  assert.deepEqual(await fs.readdir(path.join(dir, 'media', 'refs')), []);
  assert.equal(await fs.stat(path.join(dir, 'media', 'scene_deleted-job_old.mp4')).then(() => true, () => false), false);
});

/** In the page: every select option whose text is wider than its closed select's content box (less the arrow). */
const CUT_OPTIONS = `(() => {
  const out = [];
  const ctx = document.createElement('canvas').getContext('2d');
  for (const sel of document.querySelectorAll('select')) {
    const cs = getComputedStyle(sel);
    ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16;
    for (const o of sel.options) if (ctx.measureText(o.text).width > room) out.push(sel.id + ': "' + o.text + '"');
  }
  return out;
})()`;

test('at the smallest window (960×640) every option of the scene editor and inspector selects fits its select, closed', { timeout: 60000 }, async () => {
  await page.setViewportSize({ width: 960, height: 640 });
  try {
    await page.getByTestId('scene-card').nth(0).click();
    await page.getByTestId('scene-model').waitFor();
    // Any option may be the chosen one, so each must fit the closed select (text width vs its content box).
    const cut = (await page.evaluate(CUT_OPTIONS)) as string[];
    assert.deepEqual(cut, []);
    await page.getByTestId('scene-model').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.resolve('test-results', 'screenshots', 'selects-960x640.png') });
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});
