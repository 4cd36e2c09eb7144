// The diagnostics dialog in the real renderer: the text main builds, with prompts hidden until the creator
// ticks the box, and no key either way.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';
import { UpdateService } from '../../electron/services/updates.ts';
import { openWindow, SHOTS, waitFor } from '../helpers/e2e.ts';

const KEY = 'sk-e2e-diag-0123456789abcdef';

test('Diagnostics… shows what would be copied: versions, ffmpeg, log lines; no key; prompts only when ticked', { timeout: 90000 }, async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-diag-'));
  const logFile = path.join(root, 'logs', 'main.log');
  const prompt = 'A paper lantern drifts over the harbour at night';
  const log = createLog({ file: logFile, secrets: () => [KEY] });
  const app = new Storyreel({ version: '1.4.0', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }), log, logFile, owner: 'e2e' });
  const dir = path.join(root, 'film');
  await createProject(dir, { title: 'Lanterns', size: '640x360', scenes: [{ prompt, seconds: 2 }] });
  await app.openProject(dir);
  log(`project opened: ${dir}`);
  log(`preview: rendering "${prompt}"`);
  const win = await openWindow(app, { viewport: { width: 1100, height: 760 } });
  try {
    const { page } = win;
    await page.getByTestId('open-diagnostics').click();
    const box = page.getByTestId('diagnostics-text');
    // The box fills when main answers: read it until it holds the text (the page's CSP forbids string eval).
    const boxHas = (needle: string) => waitFor(async () => (await box.inputValue()).includes(needle), 30000, `the diagnostics show ${needle}`);
    await boxHas('Last log lines');
    const text = await box.inputValue();
    assert.match(text, /Storyreel 1\.4\.0/);
    assert.match(text, /project opened: /);
    assert.ok(!text.includes(KEY));
    assert.ok(!text.includes(prompt));
    assert.equal(await page.getByTestId('diagnostics-copy').evaluate((el) => el === el.ownerDocument.activeElement), true, 'focus starts on Copy');
    await page.screenshot({ path: path.join(SHOTS, 'diagnostics-dialog.png') });
    await page.getByTestId('diagnostics-prompts').check();
    await boxHas(prompt);
    assert.ok(!(await box.inputValue()).includes(KEY));
    assert.deepEqual(win.pageErrors, []);
  } finally {
    await win.close();
    await app.shutdown();
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('an update is offered in a notice: notify-only links to the release page; Later hides it; nothing downloads', { timeout: 90000 }, async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-update-'));
  let downloads = 0;
  const updates = new UpdateService({
    current: '1.4.0',
    canInstall: false,
    releaseUrl: (v) => `https://github.com/storyreel/storyreel/releases/tag/v${v}`,
    source: { latest: async () => ({ version: '1.5.0' }), download: async () => void downloads++ },
  });
  const app = new Storyreel({ version: '1.4.0', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'e2e', updates });
  const dir = path.join(root, 'film');
  await createProject(dir, { title: 'Harbour', size: '640x360', scenes: [{ prompt: 'A harbour at dawn', seconds: 2 }] });
  await app.openProject(dir);
  const win = await openWindow(app, { viewport: { width: 1100, height: 700 } });
  try {
    const { page } = win;
    await page.getByTestId('scene-card').first().waitFor();
    assert.equal(await page.getByTestId('update-notice').count(), 0, 'no notice before a newer release is known');
    await updates.check(); // main's quiet look finds 1.5.0: the window hears it as an event
    const notice = page.getByTestId('update-notice');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Storyreel 1\.5\.0 is available.*you have 1\.4\.0/);
    assert.equal(await page.getByTestId('update-release-page').getAttribute('href'), 'https://github.com/storyreel/storyreel/releases/tag/v1.5.0');
    assert.equal(await page.getByTestId('update-download').count(), 0, 'a notify-only build offers no download');
    await page.screenshot({ path: path.join(SHOTS, 'update-notice.png') });
    await page.getByTestId('update-later').click();
    await notice.waitFor({ state: 'detached' });
    assert.equal(downloads, 0, 'nothing was downloaded');
    assert.deepEqual(win.pageErrors, []);
  } finally {
    await win.close();
    await app.shutdown();
    await fs.rm(root, { recursive: true, force: true });
  }
});
