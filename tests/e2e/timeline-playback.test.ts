// Sequence playback without exporting, in Chromium through the bridge: play from a chosen scene, the
// playhead and the take's own video advance together, and Space pauses. Waits on the video's clock and the
// playhead's position, never on a delay.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openCraft, SHOTS, waitFor, type Craft } from './craft-setup.ts';

let c: Craft;
before(async () => {
  c = await openCraft({ scenes: ['Boats leave the harbour', 'A gull steals a sardine', 'The lighthouse fades'], withTakes: 3, seconds: 2 });
});
after(() => c?.close());

const playheadTime = async () => Number(await c.page.getByTestId('playhead').getAttribute('data-time'));

test('playing from scene 2 moves the playhead and plays that take, then Space pauses', { timeout: 60000 }, async () => {
  const { page } = c;
  await page.getByTestId('scene-card').nth(1).click();
  await waitFor(async () => (await playheadTime()) === 2, 5000, 'the playhead at scene 2 (2 s)');
  await page.getByTestId('play').click();
  // The take's own clock runs: the video showing scene 2 plays past 0.5 s of its file.
  const playingTake2 = () =>
    page.getByTestId('player-video').evaluateAll((els) =>
      els.some((e) => {
        const v = e as unknown as { dataset: Record<string, string | undefined>; paused: boolean; currentTime: number };
        return v.dataset.active === 'true' && (v.dataset.file ?? '').endsWith('take-2.mp4') && !v.paused && v.currentTime > 0.5;
      }),
    );
  await waitFor(playingTake2, 20000, 'the video of scene 2 plays past 0.5 s of its take');
  await waitFor(async () => (await playheadTime()) > 2.5, 10000, 'the playhead moved into scene 2');
  const x1 = await page.getByTestId('playhead').evaluate((el) => el.getBoundingClientRect().x);
  await waitFor(async () => (await page.getByTestId('playhead').evaluate((el) => el.getBoundingClientRect().x)) > x1, 10000, 'the playhead moves on the strip');
  await page.screenshot({ path: path.join(SHOTS, 'timeline-playback.png') });
  await page.getByTestId('scene-card').nth(1).focus();
  await page.keyboard.press(' ');
  await waitFor(async () => (await page.getByTestId('play').getAttribute('data-state')) === 'paused', 5000, 'Space paused');
  const stopped = await playheadTime();
  assert.ok(stopped > 2.5 && stopped <= 6, `paused at ${stopped}`);
  assert.equal(await page.getByTestId('scene-card').count(), 3, 'Space on a card did not do anything else');
  assert.deepEqual(c.pageErrors, []);
});
