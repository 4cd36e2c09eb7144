// Undo and redo on the storyboard, in Chromium through the bridge: delete, reorder and a typing burst each
// undo as one step (and redo), and Ctrl+Z pressed on the strip never edits a text field that lost the focus.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readProject } from '../../electron/services/projects/store.ts';
import { openCraft, prompts, SHOTS, waitFor, type Craft } from './craft-setup.ts';

let c: Craft;
const ORIGINAL = ['Boats leave the harbour', 'A gull steals a sardine', 'The lighthouse fades'];

before(async () => {
  c = await openCraft({ scenes: ORIGINAL });
});
after(() => c?.close());

const card = (i: number) => c.page.getByTestId('scene-card').nth(i);
const same = (want: string[]) => async () => JSON.stringify(await prompts(c.dir)) === JSON.stringify(want);

test('delete, then Ctrl+Z on the strip brings the scene back; Shift+Ctrl+Z deletes it again', { timeout: 60000 }, async () => {
  const { page } = c;
  await card(2).click();
  await page.keyboard.press('Delete');
  await page.getByTestId('confirm-delete-yes').click();
  await waitFor(same(ORIGINAL.slice(0, 2)), 10000, 'scene 3 deleted');
  assert.equal(await page.getByTestId('undo').getAttribute('aria-label'), 'Undo delete scene 3');
  await card(1).focus();
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'scene 3 back');
  assert.equal(await page.getByTestId('scene-card').count(), 3);
  await page.keyboard.press('Control+Shift+Z');
  await waitFor(same(ORIGINAL.slice(0, 2)), 10000, 'scene 3 deleted again');
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'scene 3 back again');
});

test('a reorder undoes as one step', { timeout: 60000 }, async () => {
  const { page } = c;
  await card(0).click();
  await page.keyboard.press('Alt+ArrowRight');
  await waitFor(same([ORIGINAL[1]!, ORIGINAL[0]!, ORIGINAL[2]!]), 10000, 'scene 1 moved right');
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'order restored');
});

test('a typing burst undoes as one step, and redo puts it back', { timeout: 60000 }, async () => {
  const { page } = c;
  await card(1).click();
  const prompt = page.getByTestId('scene-prompt');
  await prompt.click();
  await prompt.press('End');
  await prompt.pressSequentially(' while the fisherman laughs', { delay: 30 });
  await card(1).click(); // focus leaves the field for the strip (the field sends its text on blur)
  const typed = [ORIGINAL[0]!, `${ORIGINAL[1]} while the fisherman laughs`, ORIGINAL[2]!];
  await waitFor(same(typed), 10000, 'the burst saved');
  await waitFor(async () => (await page.getByTestId('save-state').getAttribute('data-state')) === 'saved', 10000, 'the indicator says Saved');
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'the whole burst undone');
  await waitFor(async () => (await prompt.inputValue()) === ORIGINAL[1], 10000, 'the field shows the text before the burst');
  await page.keyboard.press('Control+Shift+Z');
  await waitFor(same(typed), 10000, 'the burst redone');
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'undone again');
});

test('Ctrl+Z with the focus on the strip leaves every text field as it is', { timeout: 60000 }, async () => {
  const { page } = c;
  const title = page.getByTestId('project-title');
  await title.fill('Harbour at Dusk');
  await card(0).click();
  const prompt = page.getByTestId('scene-prompt');
  await prompt.click();
  await prompt.press('End');
  await prompt.pressSequentially(' at dusk', { delay: 20 });
  const edited = `${ORIGINAL[0]} at dusk`;
  // The last step is a move, made on the strip after the typing.
  await card(2).click();
  await page.keyboard.press('Alt+ArrowLeft');
  await waitFor(same([edited, ORIGINAL[2]!, ORIGINAL[1]!]), 10000, 'typing saved and scene 3 moved');
  await page.getByTestId('scene-card').nth(1).focus();
  await page.keyboard.press('Control+z');
  // Whichever comes first: the move undone (right), or a field edited behind the creator's back (the old bug).
  const undone = same([edited, ORIGINAL[1]!, ORIGINAL[2]!]);
  await waitFor(async () => (await undone()) || (await title.inputValue()) !== 'Harbour at Dusk', 10000, 'the move undone');
  assert.equal(await title.inputValue(), 'Harbour at Dusk', 'the title kept every character');
  await waitFor(undone, 10000, 'the move undone');
  await card(0).click();
  assert.equal(await prompt.inputValue(), edited, 'the prompt kept every character');
  assert.equal(await title.inputValue(), 'Harbour at Dusk', 'the title kept every character');
  const saved = await readProject(c.dir);
  assert.equal(saved.title, 'Harbour at Dusk');
  assert.equal(saved.scenes[0]!.prompt, edited);
  assert.deepEqual(c.pageErrors, []);
});

test('Snap to nearest says which scenes changed from what to what, and undoes as one step', { timeout: 60000 }, async () => {
  const { page } = c;
  const lengths = async () => (await readProject(c.dir)).scenes.map((s) => s.seconds);
  await card(0).click();
  await page.getByTestId('scene-seconds').selectOption('5');
  await card(2).click();
  await page.getByTestId('scene-seconds').selectOption('11');
  await waitFor(async () => JSON.stringify(await lengths()) === '[5,4,11]', 10000, 'lengths Preview makes');
  await page.getByTestId('settings-provider').selectOption('openai-videos'); // sora-2 makes 4, 8 or 12 s
  await page.getByTestId('snap-durations').click();
  const note = page.getByTestId('snapped-lengths');
  await note.waitFor();
  assert.equal(await note.innerText().then((t) => t.split('\n')[0]), 'Snapped scene 1 from 5 s to 4 s, scene 3 from 11 s to 12 s.');
  await waitFor(async () => JSON.stringify(await lengths()) === '[4,4,12]', 10000, 'lengths snapped');
  assert.equal(await page.getByTestId('undo').getAttribute('aria-label'), 'Undo snap lengths (2 scenes)');
  await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'snapped-lengths.png') });
  await note.getByTestId('snapped-undo').click();
  await waitFor(async () => JSON.stringify(await lengths()) === '[5,4,11]', 10000, 'both lengths back in one step');
  assert.equal(await page.getByTestId('snapped-lengths').count(), 0, 'the note goes with the change');
  assert.equal(await page.getByTestId('snap-durations').count(), 1, 'the warning is back');
  assert.deepEqual(c.pageErrors, []);
});
