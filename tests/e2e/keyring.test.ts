// Linux with no keyring (only Electron's basic_text backend), in Chromium over the bridge: saving a key asks in
// the window, not in a native message box. "Keep for this session only" is the default (focused, what Enter
// and Escape mean) and the key panel says so; "Store anyway" stores it. The key never comes back to the page.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { BasicTextSecrets } from '../bridge/keyring.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = 'sk-keyring-e2e-5f0c3a9b21';
let dir: string;
let app: Storyreel;
let secrets: BasicTextSecrets;
let win: OpenedWindow;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-keyring-'));
  await createProject(dir, { title: 'No keyring', provider: 'openai-videos', model: 'sora-2', size: '1280x720', scenes: [{ prompt: 'A kite over the dunes', seconds: 4 }] });
  secrets = new BasicTextSecrets({});
  app = new Storyreel({ version: 'e2e', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets, log: () => undefined, owner: 'e2e' });
  await app.openProject(dir);
  win = await openWindow(app, { consoleErrors: true });
  await win.page.getByTestId('scene-card').first().waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function saveKey(key: string) {
  const { page } = win;
  await page.getByTestId('api-key').fill(key);
  await page.getByTestId('api-key-save').click();
  await page.getByTestId('keyring-dialog').waitFor();
}

test('saving a key asks in the window; Keep for this session only is the default and the panel says so', { timeout: 60000 }, async () => {
  const { page } = win;
  await saveKey(KEY);
  const dialog = page.getByTestId('keyring-dialog');
  assert.match(await dialog.innerText(), /Store the key without a keyring\?[\s\S]*fixed password/);
  assert.ok(await page.getByTestId('keyring-keep').evaluate((el) => el === el.ownerDocument.activeElement), 'the safe answer has the focus');
  assert.equal(secrets.source('openai-videos'), 'session', 'until the answer, kept for this session only');
  await page.screenshot({ path: path.join(SHOTS, 'keyring-dialog.png') });
  await page.keyboard.press('Enter');
  await waitFor(async () => (await page.getByTestId('keyring-dialog').count()) === 0, 10000, 'the dialog closed');
  await waitFor(async () => /for this session only/.test(await page.getByTestId('key-status').innerText()), 10000, 'the panel says for this session only');
  assert.equal(secrets.source('openai-videos'), 'session');
  await page.getByTestId('key-status').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'keyring-session-only.png') });
  assert.ok(!(await page.content()).includes(KEY.slice(0, -4)), 'the key is nowhere in the page');
});

test('Escape also keeps the key for this session only; Store… in the panel asks again, and Store anyway stores it', { timeout: 60000 }, async () => {
  const { page } = win;
  await saveKey(`${KEY}-2`);
  await page.keyboard.press('Escape');
  await waitFor(async () => (await page.getByTestId('keyring-dialog').count()) === 0, 10000, 'the dialog closed');
  assert.equal(secrets.source('openai-videos'), 'session');
  // Later, from the panel: the same question, and this time Store anyway.
  await page.getByTestId('api-key-store').click();
  await page.getByTestId('keyring-dialog').waitFor();
  await page.getByTestId('keyring-store').click();
  await waitFor(async () => secrets.source('openai-videos') === 'app', 10000, 'stored anyway');
  await waitFor(async () => /saved/.test(await page.getByTestId('key-status').innerText()), 10000, 'the panel says saved');
  assert.doesNotMatch(await page.getByTestId('key-status').innerText(), /session/);
  assert.equal(await page.getByTestId('api-key-store').count(), 0, 'nothing left to store');
  assert.deepEqual(win.pageErrors, []);
});
