// The paid path in the real renderer, against the /v1/videos emulator through the bridge: a key entered in
// the window is only ever shown as a hint, nothing is sent before the creator confirms the cost, a moderated
// scene fails in words while the other is kept, and the budget cap is shown before anything is sent.
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
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { ConfirmStub } from '../bridge/confirm.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { openWindow, recordReplies, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = `sk-live-SENTINEL-${randomBytes(10).toString('hex')}`;

let dir: string;
let app: Storyreel;
let emu: OpenAiVideosEmulator;
let win: OpenedWindow;
let page: Page;
const bodies: Array<{ url: string; text: string }> = [];
/** Main's dialog: the creator says yes when asked whether the key may go to the emulator. */
const confirm = new ConfirmStub(true);

before(async () => {
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, faults: { moderationWord: 'FORBIDDEN' } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-paid-'));
  await createProject(dir, {
    title: 'Dune Kites',
    provider: 'openai-videos',
    model: 'sora-2',
    size: '1280x720',
    scenes: [
      { prompt: 'A red kite climbs over the dunes at dawn', seconds: 4 },
      { prompt: 'FORBIDDEN: a famous actor waves at the camera', seconds: 4 },
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
  win = await openWindow(app, { viewport: { width: 1280, height: 800 }, beforeLoad: recordReplies(bodies) });
  page = win.page;
  await page.getByTestId('project-title').waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const statuses = () => page.getByTestId('scene-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));

test('paid generation: key as a hint only, base URL, cost confirmed first, moderation in words, one create per scene', { timeout: 180000 }, async () => {
  // No key yet: asking for work says what to do, and nothing is sent.
  await page.getByTestId('generate-all').click();
  await page.getByTestId('error-banner').waitFor();
  assert.match(await page.getByTestId('error-banner').innerText(), /No API key.*Add an API key in the API keys panel/s);
  await page.getByTestId('error-dismiss').first().click();

  // The key goes in once; the window shows only its last four characters from then on.
  await page.getByTestId('api-key').fill(KEY);
  await page.getByTestId('api-key-save').click();
  await waitFor(async () => (await page.getByTestId('key-status').innerText()).includes(KEY.slice(-4)), 10000, 'key hint');
  assert.equal(await page.getByTestId('api-key').inputValue(), '', 'the field is cleared after saving');
  assert.match(await page.getByTestId('key-status').innerText(), /••••/);

  await page.getByTestId('settings-base-url').fill(emu.url);
  await page.getByTestId('settings-base-url').press('Enter');
  await waitFor(async () => app.opts.settings.get().openaiBaseUrl === emu.url, 10000, 'base URL saved');
  // The key was saved before any base URL: main asked, in its own dialog, before binding it to this one.
  assert.deepEqual(confirm.asked.map((q) => q.title), ['Send your API key to this address?']);

  // The cost is shown and confirmed before anything is submitted; "Not now" sends nothing.
  await page.getByTestId('generate-all').click();
  await page.getByTestId('confirm-spend').waitFor();
  const dialog = await page.getByTestId('confirm-spend').innerText();
  assert.match(dialog, /Generate 2 scenes for \$0\.80\?/);
  assert.match(dialog, /8 s of video × \$0\.10\/s/);
  await page.screenshot({ path: path.join(SHOTS, 'paid-confirm-spend.png') });
  await page.getByTestId('confirm-spend-no').click();
  await waitFor(async () => (await page.getByTestId('confirm-spend').count()) === 0, 10000, 'the dialog closed');
  // A job is written down before its create is sent, so none written means none on its way; a late create
  // would also show in the count of two below, after the creator says yes.
  assert.deepEqual(await app.handlers().jobs.list({}), [], 'no job was made');
  assert.equal(emu.stats.creates, 0);

  await page.getByTestId('generate-all').click();
  await page.getByTestId('confirm-spend-yes').click();
  await waitFor(async () => {
    const s = await statuses();
    return s[0] === 'ready' && s[1] === 'failed';
  }, 90000, 'scene 1 ready, scene 2 failed');
  assert.equal(emu.stats.creates, 2, 'one create per scene');

  // The moderated scene says why, in words, with what to do next.
  await page.getByTestId('scene-card').nth(1).click();
  const why = await page.getByTestId('scene-error').innerText();
  assert.match(why, /moderation|blocked/i);
  assert.match(why, /Rephrase the prompt/);
  await page.screenshot({ path: path.join(SHOTS, 'paid-moderation-failed.png') });
  const project = await readProject(dir);
  assert.equal(project.scenes[0]!.takes.length, 1);
  assert.equal(project.scenes[1]!.lastError?.code, 'ModerationBlocked');

  // The budget is shown before anything is sent: over the cap, the dialog says by how much and refuses.
  await page.getByTestId('settings-budget').fill('0.5');
  await page.getByTestId('settings-budget').press('Enter');
  await waitFor(async () => app.opts.settings.get().budgetUsd === 0.5, 10000, 'budget saved');
  await page.getByTestId('generate-scene').click();
  await page.getByTestId('spend-over').waitFor();
  // Spent: $0.40 (the moderated scene is recorded as not billed); + $0.40 for this scene - $0.50 cap.
  assert.match(await page.getByTestId('spend-over').innerText(), /over your budget by \$0\.30\b/);
  assert.equal(await page.getByTestId('confirm-spend-yes').isDisabled(), true);
  await page.getByTestId('confirm-spend-no').click();
  assert.equal(emu.stats.creates, 2);

  // The key never came back to the window: not in the page, not in any reply or pushed event.
  assert.ok(!(await page.content()).includes(KEY), 'not in the DOM');
  const leaks = bodies.filter((b) => b.text.includes(KEY) || b.text.includes(KEY.slice(0, -4)));
  assert.deepEqual(leaks.map((b) => b.url), []);
  assert.ok(bodies.length > 10, 'replies were captured');
});
