// The export panel's choices kept per project (bridge + Chromium): a loudness target, a music bed and
// burned-in captions chosen in one session are there again when the project is opened in the next, and
// kept in .storyreel/export-choices.json, not in project.json. Screenshot: export-choices-kept.png (the
// panel as the second session opens it).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { conformFixture } from '../helpers/conform-fixture.ts';
import { exportApp, musicBed } from '../helpers/export-app.ts';
import { closeAfter, openWindow, SHOTS, waitFor } from '../helpers/e2e.ts';

const opened = closeAfter();

test('the export panel starts the next session with the choices left in the last', { timeout: 120000 }, async () => {
  const root = (opened.root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-choices-kept-e2e-')));
  const dir = path.join(root, 'harbour');
  await conformFixture(dir);
  const song = path.join(root, 'Evening swell.m4a');
  await musicBed(song, 65);
  const projectBefore = await fs.readFile(path.join(dir, 'project.json'), 'utf8');
  const session = async (): Promise<void> => {
    opened.app = exportApp({ music: song });
    await opened.app.openProject(dir);
    opened.win = await openWindow(opened.app, { viewport: { width: 960, height: 640 } });
  };

  await session();
  let panel = opened.win!.page.getByRole('region', { name: 'Export', exact: true });
  await panel.getByTestId('export-loudness').selectOption('-23');
  await panel.getByTestId('export-music-pick').click();
  await panel.getByTestId('export-music').waitFor();
  await panel.getByTestId('export-burn-captions').check();
  const kept = path.join(dir, '.storyreel', 'export-choices.json');
  await waitFor(async () => JSON.parse(await fs.readFile(kept, 'utf8')).burnCaptions === true, 20000, 'the choices are kept');
  assert.deepEqual(opened.win!.pageErrors, []);
  await opened.win!.close();
  await opened.app!.shutdown();
  opened.win = undefined;
  opened.app = undefined;
  assert.equal(await fs.readFile(path.join(dir, 'project.json'), 'utf8'), projectBefore, 'project.json is not touched');

  await session();
  panel = opened.win!.page.getByRole('region', { name: 'Export', exact: true });
  await panel.getByTestId('export-music').waitFor();
  assert.equal(await panel.getByTestId('export-loudness').inputValue(), '-23');
  assert.match((await panel.getByTestId('export-music').innerText()) ?? '', /Evening swell\.m4a\s*1:05/);
  assert.equal(await panel.getByTestId('export-burn-captions').isChecked(), true);
  await panel.getByTestId('export-options').scrollIntoViewIfNeeded();
  await opened.win!.page.screenshot({ path: path.join(SHOTS, 'export-choices-kept.png') });
  assert.deepEqual(opened.win!.pageErrors, []);
});
