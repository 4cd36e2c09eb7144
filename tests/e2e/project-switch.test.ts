// Events scoped by project, in the real renderer over the bridge: project A has a paid job still running at
// the /v1/videos emulator; the creator opens project B. B must not show A's job ("Cancel 1 running" that
// answers NotFound), a late event from A must be dropped, and B's own jobs must still arrive.
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

const KEY = 'sk-test-switch-0123456789';

let root: string;
let dirA: string;
let dirB: string;
let app: Storyreel;
let win: OpenedWindow;
let emu: OpenAiVideosEmulator;
let page: Page;
let pageErrors: string[] = [];

before(async () => {
  // A's job stays "running" at the provider for the whole test.
  emu = await startOpenAiVideosEmulator({ apiKey: KEY, timing: { runningMs: 30 * 60_000 } });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-switch-'));
  dirA = path.join(root, 'a');
  dirB = path.join(root, 'b');
  await createProject(dirA, { title: 'Project A', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A kite over the dunes', seconds: 4 }] });
  await createProject(dirB, { title: 'Project B', size: '640x360', scenes: [{ prompt: 'A harbour at dawn', seconds: 1 }] });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: () => undefined,
    owner: 'e2e',
    timing: { pollMinMs: 100, pollMaxMs: 300 },
    // The folder picker, as the creator answers it: project B.
    dialogs: { pickFolder: async () => dirB, pickImage: async () => null, reveal: async () => false },
  });
  await app.openProject(dirA);
  win = await openWindow(app, { viewport: { width: 1280, height: 800 } });
  page = win.page;
  pageErrors = win.pageErrors;
  await showing(dirA);
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

// The header names the open project's folder (its title attribute holds the full path).
const showing = (dir: string) => page.getByTitle(dir, { exact: true }).waitFor();

test('after opening project B, project A’s running job is gone from the window, and stays gone', { timeout: 120000 }, async () => {
  // A's paid job, at the provider and running.
  const [jobId] = await app.generate([]);
  assert.ok(jobId);
  const projectA = app.current().store.get().id;
  await page.getByTestId('cancel-all').waitFor({ state: 'visible' });
  assert.match((await page.getByTestId('cancel-all').textContent()) ?? '', /Cancel 1 running/);

  // The creator opens project B.
  await page.getByTestId('open-project').click();
  await showing(dirB);
  assert.equal(await page.getByTestId('project-title').inputValue(), 'Project B');
  assert.equal(await page.getByTestId('cancel-all').count(), 0, 'no "Cancel 1 running" for a job of project A');

  // A late event from project A (sent while it closed) must not come back into B's window. Events arrive in
  // order, so once B's own change (a second scene) is on screen, A's event has been handled.
  const stale = app.current().engine.list().length; // B has no jobs yet
  assert.equal(stale, 0);
  const late = { id: jobId, sceneId: 'scene-of-a', provider: 'openai-videos', model: 'sora-2', state: 'running', progress: 0.5, providerJobId: 'video_a', seconds: 4, size: '1280x720', costUsd: 0.4, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), error: null, takeId: null, projectId: projectA };
  app.emit('event', 'job', late);
  await app.current().store.addScene(null, 'A gull on a mast', 1);
  await page.getByTestId('scene-card').nth(1).waitFor();
  assert.equal(await page.getByTestId('cancel-all').count(), 0, 'the late event from project A was dropped');

  // B's own jobs still arrive: generate B with Preview and see its cards become ready.
  await page.getByTestId('generate-all').click();
  await page.locator('[data-testid="scene-card"][data-status="ready"]').nth(1).waitFor({ timeout: 90000 });
  assert.equal(await page.getByTestId('error-banner').count(), 0, 'no error was shown');
  assert.deepEqual(pageErrors, []);
});
