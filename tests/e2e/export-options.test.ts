// The export panel's sound and captions options in the real renderer (bridge + Chromium): a loudness target
// chosen, a music bed picked through main's dialog, captions burned in; the export then runs with them and
// the plan says so. Screenshots: test-results/screenshots/export-options.png (chosen, before exporting) and
// export-options-done.png (the finished export with its plan).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { conformFixture } from '../helpers/conform-fixture.ts';
import { exportApp, musicBed } from '../helpers/export-app.ts';
import { closeAfter, openWindow, SHOTS } from '../helpers/e2e.ts';

const opened = closeAfter();

test('the export panel offers loudness, a music bed and burned-in captions, and the export uses them', async () => {
  const root = (opened.root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-export-options-')));
  const dir = path.join(root, 'harbour');
  await conformFixture(dir);
  const song = path.join(root, 'Morning tide.m4a');
  await musicBed(song, 95);
  const app = (opened.app = exportApp({ music: song }));
  await app.openProject(dir);
  // Tall enough for the whole panel with the finished export and its plan open.
  const win = (opened.win = await openWindow(app, { viewport: { width: 1280, height: 1500 } }));
  const { page } = win;
  const panel = page.getByRole('region', { name: 'Export', exact: true });

  await panel.getByTestId('export-loudness').selectOption('-16');
  await panel.getByTestId('export-music-pick').click();
  await panel.getByTestId('export-music').waitFor();
  assert.match((await panel.getByTestId('export-music').textContent()) ?? '', /Morning tide\.m4a.*1:35/);
  await panel.getByTestId('export-burn-captions').check();
  assert.match((await panel.getByTestId('export-captions-hint').textContent()) ?? '', /2 captions drawn on the film; every frame is re-encoded/);
  await panel.screenshot({ path: path.join(SHOTS, 'export-options.png') });

  await panel.getByTestId('export-start').click();
  await panel.getByTestId('export-done').waitFor({ timeout: 120_000 });
  await panel.getByTestId('export-plan').locator('summary').click();
  const reason = (await panel.getByTestId('export-plan').textContent()) ?? '';
  assert.match(reason, /because of captions burned into the picture/);
  assert.match(reason, /a music bed \(Morning tide\.m4a\) laid under the film/);
  assert.match(reason, /brought to -16 LUFS/);
  await panel.screenshot({ path: path.join(SHOTS, 'export-options-done.png') });
  assert.deepEqual(win.pageErrors, []);
});
