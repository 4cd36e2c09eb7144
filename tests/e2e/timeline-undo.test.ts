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

test('a drag reorder: the drop line follows the pointer from gap to gap, and the drop is one undo step', { timeout: 60000 }, async () => {
  const { page } = c;
  const undo = page.getByTestId('undo');
  const before = await undo.getAttribute('aria-label');
  const line = page.locator('.drop-line');
  const from = (await card(2).boundingBox())!;
  const first = (await card(0).boundingBox())!;
  const second = (await card(1).boundingBox())!;
  const y = from.y + 40;
  await page.mouse.move(from.x + from.width / 2, y);
  await page.mouse.down();
  try {
    await page.mouse.move(from.x + from.width / 2 - 12, y, { steps: 3 }); // the drag starts
    // Over the second card's left half: the line stands in the gap between the first two cards.
    await page.mouse.move(second.x + 10, y, { steps: 4 });
    await waitFor(async () => {
      const at = await line.boundingBox();
      return !!at && at.x > first.x + first.width && at.x < second.x;
    }, 10000, 'the drop line between scenes 1 and 2');
    await page.screenshot({ path: path.join(SHOTS, 'strip-drag.png'), clip: { x: 0, y: first.y - 60, width: 900, height: first.height + 120 } });
    // Over its own place (nothing would move): no line.
    await page.mouse.move(from.x + from.width / 2, y, { steps: 4 });
    await line.waitFor({ state: 'hidden' });
    // Over the first card's left half (clear of the window's edge, where Chromium scrolls instead): the line
    // before it, and the drop there.
    await page.mouse.move(first.x + 40, y, { steps: 6 });
    await waitFor(async () => {
      const at = await line.boundingBox();
      return !!at && at.x < first.x;
    }, 10000, 'the drop line before scene 1');
  } finally {
    await page.mouse.up();
  }
  const dragged = [ORIGINAL[2]!, ORIGINAL[0]!, ORIGINAL[1]!];
  await waitFor(same(dragged), 10000, 'scene 3 dropped first');
  await line.waitFor({ state: 'detached' });
  const shown = await c.page.getByTestId('scene-card').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  assert.deepEqual(shown.map((t) => ORIGINAL.findIndex((o) => t.includes(o))), [2, 0, 1], 'the strip shows the new order');
  assert.match((await undo.getAttribute('aria-label')) ?? '', /^Undo move scene/);
  // One Ctrl+Z: the order back, and the undo button back to what it offered before the drag.
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'the drag undone');
  await waitFor(async () => (await undo.getAttribute('aria-label')) === before, 10000, `the undo button offers "${before}" again`);
  await page.keyboard.press('Control+Shift+Z');
  await waitFor(same(dragged), 10000, 'the drag redone');
  await page.keyboard.press('Control+z');
  await waitFor(same(ORIGINAL), 10000, 'undone again');
  assert.deepEqual(c.pageErrors, []);
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
