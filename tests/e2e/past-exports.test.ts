// Past exports in the export panel through the bridge, on a small real project: each says what it was made
// with (loudness, music bed, captions) in words; Show in folder hands main the film's path (main finds it
// by the export's id and checks it is there); a film deleted since is said in words and loses its button.
// Screenshots: past-exports.png (1280 wide) and past-exports-960.png (the whole window at 960×640).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { conformFixture } from '../helpers/conform-fixture.ts';
import { exportApp, musicBed } from '../helpers/export-app.ts';
import { closeAfter, openWindow, SHOTS, waitFor } from '../helpers/e2e.ts';

const opened = closeAfter();

test('past exports say what they were made with and can be shown in their folder while the file is there', { timeout: 240000 }, async () => {
  const root = (opened.root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-past-exports-e2e-')));
  const dir = path.join(root, 'harbour');
  await conformFixture(dir);
  const song = path.join(root, 'Morning tide.m4a');
  await musicBed(song, 5);
  const revealed: string[] = [];
  const app = (opened.app = exportApp({ music: song, reveal: async (file) => (revealed.push(file), true) }));
  await app.openProject(dir);
  const win = (opened.win = await openWindow(app, { viewport: { width: 1280, height: 1100 } }));
  const { page } = win;
  const panel = page.getByRole('region', { name: 'Export', exact: true });
  const past = panel.getByTestId('past-export');

  // 1. −14 LUFS, a music bed and burned-in captions; then the sound as recorded, no music, no captions.
  await panel.getByTestId('export-loudness').selectOption('-14');
  await panel.getByTestId('export-music-pick').click();
  await panel.getByTestId('export-music').waitFor();
  await panel.getByTestId('export-burn-captions').check();
  await panel.getByTestId('export-start').click();
  await waitFor(async () => (await past.count()) === 1, 120000, 'the first export is listed');
  await panel.getByTestId('export-loudness').selectOption('');
  await panel.getByTestId('export-music-clear').click();
  await panel.getByTestId('export-burn-captions').uncheck();
  await panel.getByTestId('export-start').click();
  await waitFor(async () => (await past.count()) === 2, 120000, 'the second export is listed');
  assert.deepEqual(await panel.getByTestId('past-export-choices').allInnerTexts(), ['Sound as recorded', '\u221214 LUFS · music: Morning tide.m4a · captions burned in']);

  // 2. Show in folder: main is asked for the film's own file.
  const files = await past.evaluateAll((els) => els.map((e) => e.getAttribute('data-file')!));
  await past.nth(1).getByTestId('past-export-reveal').click();
  await waitFor(async () => revealed.length === 1, 20000, 'main was asked to show the film');
  assert.equal(revealed[0], path.join(dir, files[1]!));
  await panel.getByTestId('past-exports').scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(SHOTS, 'past-exports.png') });

  // 3. The newer film is deleted outside the app: Show in folder says so in words, and the button goes.
  await fs.rm(path.join(dir, files[0]!));
  await past.nth(0).getByTestId('past-export-reveal').click();
  const banner = page.getByTestId('error-banner');
  await banner.waitFor({ timeout: 20000 });
  assert.match(await banner.innerText(), /is no longer where it was exported: it was moved or deleted\. Export the film again to have it\./);
  await waitFor(async () => (await past.nth(0).getByTestId('past-export-missing').count()) === 1, 20000, 'the deleted film is marked');
  assert.equal(await past.nth(0).getByTestId('past-export-reveal').count(), 0, 'no Show in folder for a missing film');
  assert.equal(await past.nth(1).getByTestId('past-export-reveal').count(), 1);
  assert.equal(revealed.length, 1, 'main showed nothing for the missing film');
  await page.getByTestId('error-dismiss').click();

  // 4. As a creator sees it in a small window.
  await page.setViewportSize({ width: 960, height: 640 });
  await panel.getByTestId('past-exports').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'past-exports-960.png') });
  assert.deepEqual(win.pageErrors, []);
});
