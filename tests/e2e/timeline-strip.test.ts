// The strip as a storyboard, in Chromium through the bridge: at the window's minimum size (960×640) the
// primary actions are on screen; several scenes picked with Shift/Ctrl are duplicated and deleted as one
// undoable step each, and generated (only those); a 200-scene board keeps only the cards near the view in the page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readProject } from '../../electron/services/projects/store.ts';
import { framesLoaded, openCraft, SHOTS, waitFor } from './craft-setup.ts';

const count = async (dir: string) => (await readProject(dir)).scenes.length;

test('at 960×640: primary actions visible; Shift/Ctrl multi-select duplicates and deletes as one step each, and generates only the picked', { timeout: 90000 }, async () => {
  const c = await openCraft({ scenes: ['Boats leave', 'A gull', 'The lighthouse', 'Nets hauled in', 'Market opens', 'Night falls'], withTakes: 4, seconds: 2, viewport: { width: 960, height: 640 } });
  try {
    const { page } = c;
    await framesLoaded(page);
    await page.screenshot({ path: path.join(SHOTS, 'window-960x640.png') });
    for (const id of ['add-scene', 'generate-all', 'play', 'undo', 'zoom-fit', 'scene-prompt']) {
      const box = await page.getByTestId(id).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= 960 && box.y + box.height <= 640, `${id} is on screen at 960×640 (${JSON.stringify(box)})`);
    }
    const card = (i: number) => page.getByTestId('scene-card').nth(i);
    await card(0).click();
    await card(2).click({ modifiers: ['Shift'] });
    assert.equal(await page.getByTestId('picked-count').innerText(), '3 picked');
    await page.getByTestId('duplicate').click();
    await waitFor(async () => (await count(c.dir)) === 9, 10000, 'three scenes duplicated');
    await card(0).focus();
    await page.keyboard.press('Control+z');
    await waitFor(async () => (await count(c.dir)) === 6, 10000, 'the duplication undone in one step');

    await card(1).click();
    await card(3).click({ modifiers: ['Control'] });
    await card(3).press('Delete');
    await waitFor(async () => (await readProject(c.dir)).scenes.map((s) => s.prompt).join('|') === 'Boats leave|The lighthouse|Market opens|Night falls', 10000, 'scenes 2 and 4 deleted');
    await page.getByTestId('scene-card').first().focus();
    await page.keyboard.press('Control+z');
    await waitFor(async () => (await count(c.dir)) === 6, 10000, 'both back in one step');

    // Generate for the picked scenes only (Preview: free, so no cost to confirm): scenes 5 and 6 get a take.
    await card(4).click();
    await card(5).click({ modifiers: ['Control'] });
    await page.screenshot({ path: path.join(SHOTS, 'strip-picked-960x640.png') });
    await page.getByTestId('generate-picked').click();
    const takes = async () => (await readProject(c.dir)).scenes.map((s) => s.takes.length);
    await waitFor(async () => (await takes()).join() === '1,1,1,1,1,1', 60000, 'scenes 5 and 6 each got a take');
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('a 200-scene board renders only the cards near the view, and fit zooms out', { timeout: 90000 }, async () => {
  const scenes = Array.from({ length: 200 }, (_, i) => `Shot ${i + 1}: the harbour wakes, a crane swings a crate of ice`);
  const c = await openCraft({ scenes, withTakes: 6, seconds: 2 });
  try {
    const { page } = c;
    const rendered = await page.getByTestId('scene-card').count();
    assert.ok(rendered > 3 && rendered < 60, `${rendered} cards in the page for 200 scenes`);
    await page.getByTestId('zoom-fit').click();
    await framesLoaded(page);
    await page.screenshot({ path: path.join(SHOTS, 'board-200.png') });
    // Scrolled to the end, the last scene's card is there.
    await page.getByTestId('strip-scroll').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await page.locator('[data-testid="scene-card"][data-index="199"]').waitFor();
    assert.ok((await page.getByTestId('scene-card').count()) < 200);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});
