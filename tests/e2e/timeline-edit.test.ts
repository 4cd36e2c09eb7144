// The boundary's transition picker and trimming a take, in Chromium through the bridge: a crossfade set by
// clicking the boundary (with its overlap drawn on the strip), a too-long one refused with the most it can be,
// and a trim made in the scene editor, saved in take.trim and undone with Ctrl+Z on the strip.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readProject } from '../../electron/services/projects/store.ts';
import { openCraft, SHOTS, waitFor, type Craft } from './craft-setup.ts';

let c: Craft;
before(async () => {
  c = await openCraft({ scenes: ['Boats leave the harbour', 'A gull steals a sardine', 'The lighthouse fades'], withTakes: 3, seconds: 2 });
});
after(() => c?.close());

test('clicking a boundary opens the picker; a crossfade is set and its overlap drawn; too long is refused', { timeout: 60000 }, async () => {
  const { page } = c;
  await page.getByTestId('boundary').first().click();
  const picker = page.getByTestId('transition-picker');
  await picker.waitFor();
  await picker.getByTestId('transition-crossfade').check();
  await picker.getByTestId('transition-seconds').fill('3');
  const problem = picker.getByTestId('transition-problem');
  assert.match(await problem.innerText(), /at most 1 s/);
  assert.equal(await picker.getByTestId('transition-apply').isDisabled(), true);
  await picker.getByTestId('transition-seconds').fill('0.5');
  await problem.waitFor({ state: 'detached' });
  await picker.getByTestId('transition-apply').click();
  await waitFor(async () => JSON.stringify((await readProject(c.dir)).scenes[0]!.transition) === JSON.stringify({ type: 'crossfade', seconds: 0.5 }), 10000, 'the crossfade saved');
  await picker.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('boundary').first().getAttribute('data-transition'), 'crossfade');
  await page.getByTestId('transition-overlap').first().waitFor();
  // The film is shorter by the overlap.
  await waitFor(async () => (await page.getByTestId('player-time').innerText()).endsWith('/ 0:05.5'), 5000, 'film length 5.5 s shown');
  // Opened again: the picker shows what is set, over the overlap it draws.
  await page.getByTestId('boundary').first().click();
  assert.equal(await picker.getByTestId('transition-crossfade').isChecked(), true);
  await page.screenshot({ path: path.join(SHOTS, 'transition-picker.png') });
  await page.keyboard.press('Escape');
  await picker.waitFor({ state: 'detached' });
});

test('trimming the chosen take in the scene editor saves take.trim and undoes as one step', { timeout: 60000 }, async () => {
  const { page } = c;
  await page.getByTestId('scene-card').nth(1).click();
  const trimIn = page.getByTestId('trim-in');
  await trimIn.fill('0.5');
  await trimIn.press('Enter');
  const trimOut = page.getByTestId('trim-out');
  await trimOut.fill('1.5');
  await trimOut.press('Enter');
  await waitFor(async () => JSON.stringify((await readProject(c.dir)).scenes[1]!.takes[0]!.trim) === JSON.stringify({ in: 0.5, out: 1.5 }), 10000, 'the trim saved');
  await waitFor(async () => (await page.getByTestId('scene-card').nth(1).locator('.card-dur').innerText()) === '1s', 5000, 'the card shows 1 s');
  await page.getByTestId('scene-card').nth(1).focus();
  await page.keyboard.press('Control+z');
  await waitFor(async () => JSON.stringify((await readProject(c.dir)).scenes[1]!.takes[0]!.trim) === JSON.stringify({ in: 0.5, out: 2 }), 10000, 'the out point undone');
  assert.equal(await trimOut.inputValue(), '2');
  assert.deepEqual(c.pageErrors, []);
});
