// A create whose answer was lost while the provider's list cannot be read, in the real renderer: the scene
// says it is not confirmed (when it was sent, what it may cost), nothing is sent again by itself, and
// "Send again…" asks first — with the safe button focused — before the one explicit resend.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { openWindow, SHOTS, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = 'sk-e2e-unknown-0123456789';

let dir: string;
let app: Storyreel;
let win: OpenedWindow;
let emu: OpenAiVideosEmulator;
let page: Page;

before(async () => {
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, faults: { serverErrorAfterCreate: { count: 1 }, serverError: { routes: ['list'] } } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-unknown-'));
  await createProject(dir, { title: 'Harbour', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A ferry leaves the harbour at dusk', seconds: 4 }] });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log'), secrets: () => [KEY] }),
    owner: 'e2e',
    timing: { pollMinMs: 100, pollMaxMs: 300, backoffBaseMs: 50, backoffMaxMs: 200, reconcileDelaysMs: [50, 100], reconcileGiveUpMs: 700 },
  });
  await app.openProject(dir);
  win = await openWindow(app, { viewport: { width: 1280, height: 800 } });
  page = win.page;
  await page.getByTestId('project-title').waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('an unconfirmed create is shown in words, kept, and sent again only after the creator confirms', { timeout: 120000 }, async () => {
  await page.getByTestId('generate-all').click();
  await page.getByTestId('confirm-spend-yes').click();
  const job = page.locator('[data-testid="job"][data-state="unknown"]');
  await job.waitFor({ timeout: 60000 });
  const note = await job.innerText();
  assert.match(note, /Not confirmed/);
  assert.match(note, /could not confirm whether the provider received this scene/);
  assert.match(note, /\$0\.40/);
  assert.equal(emu.stats.creates, 1, 'nothing was sent again by itself');
  await page.screenshot({ path: path.join(SHOTS, 'unknown-outcome.png') });

  // Asking: the safe button has focus; "Keep waiting" sends nothing.
  await job.getByTestId('resend-job').click();
  await page.getByTestId('confirm-resend').waitFor();
  assert.match(await page.getByTestId('confirm-resend').innerText(), /billed a second time \(up to \$0\.40 more\)/);
  assert.equal(await page.getByTestId('confirm-resend-no').evaluate((el) => el === el.ownerDocument.activeElement), true, 'the safe button has focus');
  await page.screenshot({ path: path.join(SHOTS, 'unknown-outcome-confirm.png') });
  await page.getByTestId('confirm-resend-no').click();
  await page.getByTestId('confirm-resend').waitFor({ state: 'detached' });
  assert.equal(emu.stats.creates, 1);

  // The creator's word: one more create, and the take arrives.
  emu.setFaults({});
  await job.getByTestId('resend-job').click();
  await page.getByTestId('confirm-resend-yes').click();
  await page.locator('[data-testid="scene-card"][data-status="ready"]').waitFor({ timeout: 60000 });
  assert.equal(emu.stats.creates, 2);
  assert.equal((await readProject(dir)).scenes[0]!.takes.length, 1);
});
