// The export panel through the bridge, on a small real project (three 2 s takes, a crossfade): a second
// export asked for while one runs waits with its place and can be canceled; finished films are listed,
// the one from before a take changed says so; a failed export says why, with ffmpeg's command line and
// last lines behind "Details". Screenshots: export-queue.png, export-past.png, export-failed.png.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { conformFixture, FIXTURE_TAKES } from '../helpers/conform-fixture.ts';
import { exportApp } from '../helpers/export-app.ts';
import { closeAfter, openWindow, SHOTS, waitFor } from '../helpers/e2e.ts';

const opened = closeAfter();

test('queue, cancel, past exports from an older cut, and a failure with its details, in the export panel', { timeout: 240000 }, async () => {
  const root = (opened.root = await mkdtemp(path.join(os.tmpdir(), 'storyreel-export-queue-e2e-')));
  const dir = path.join(root, 'harbour');
  await conformFixture(dir);
  const app = (opened.app = exportApp({ concurrency: 1 }));
  await app.openProject(dir);
  const win = (opened.win = await openWindow(app, { viewport: { width: 1280, height: 900 } }));
  const { page } = win;
  const panel = page.locator('.panel-export');
  const start = page.getByTestId('export-start');
  await start.waitFor();

  // 1. Export, and twice more while it runs: both wait, in order; the first of them is canceled.
  await start.click();
  await waitFor(async () => (await start.innerText()).includes('Queue another export'), 20000, 'the button offers to queue');
  await start.click();
  await start.click();
  await waitFor(async () => (await page.getByTestId('export-queued').count()) === 2, 20000, 'two exports wait');
  assert.deepEqual(await page.getByTestId('export-queued').evaluateAll((els) => els.map((e) => e.getAttribute('data-position'))), ['1', '2']);
  assert.match(await page.getByTestId('export-queue').innerText(), /next[\s\S]*2nd in line/);
  await panel.screenshot({ path: path.join(SHOTS, 'export-queue.png') });
  await page.getByTestId('export-queued-cancel').first().click();
  await waitFor(async () => (await page.getByTestId('export-queued').count()) <= 1, 20000, 'the canceled export left the queue');

  // 2. Both remaining exports finish and are listed; then scene 2's take changes: the films say so.
  await waitFor(async () => (await page.getByTestId('past-export').count()) === 2, 120000, 'two past exports are listed');
  assert.equal(await page.getByTestId('export-queued').count(), 0);
  assert.equal((await readdir(path.join(dir, 'exports'))).filter((f) => f.endsWith('.mp4')).length, 2);
  assert.equal(await page.getByTestId('past-export-older').count(), 0, 'both are of the cut as it is');
  await copyFile(path.join(dir, 'media', `${FIXTURE_TAKES[1]}.mp4`), path.join(dir, 'media', 'take_other.mp4'));
  const scene2 = app.current().store.get().scenes[1]!;
  await app.current().store.addTake(scene2.id, { ...scene2.takes[0]!, id: 'take_other', jobId: 'job_other', file: 'media/take_other.mp4' });
  await app.current().store.chooseTake(scene2.id, 'take_other');
  await waitFor(async () => (await page.getByTestId('past-export-older').count()) === 2, 20000, 'the past exports are from an older cut now');
  assert.equal(await page.getByTestId('past-export-older').first().innerText(), "Made from an older cut: scene 2's take changed.");
  // The list itself: the whole panel is taller than the window, and a shot of it came out half black.
  await page.getByTestId('past-exports').scrollIntoViewIfNeeded();
  await page.getByTestId('past-exports').screenshot({ path: path.join(SHOTS, 'export-past.png') });

  // 3. The exports folder is replaced by a file: the export fails and says why; the details hold
  // ffmpeg's command line and its last lines.
  await rm(path.join(dir, 'exports'), { recursive: true });
  await writeFile(path.join(dir, 'exports'), 'not a folder');
  await start.click();
  const error = page.getByTestId('export-error');
  await error.waitFor({ timeout: 120000 });
  assert.match(await error.innerText(), /The export failed: ffmpeg could not write the film/);
  assert.equal(await page.getByTestId('export-error-command').isVisible(), false, 'the details start closed');
  await page.getByTestId('export-error-details').locator('summary').click();
  assert.match(await page.getByTestId('export-error-command').innerText(), /^\S*ffmpeg -hide_banner .* -i .*\.part$/);
  assert.match(await page.getByTestId('export-error-lines').innerText(), /Not a directory/);
  await error.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(SHOTS, 'export-failed.png') });
  assert.deepEqual(win.pageErrors, []);
});
