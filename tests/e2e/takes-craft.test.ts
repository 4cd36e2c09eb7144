// Takes worth comparing, in the real renderer through the bridge: three variations in one action with their
// cost confirmed first (the Takes count does not carry to the next scene), four-criteria scores, the
// side-by-side compare scrubbing both takes, the best-takes cut, takes marked stale after a size change
// (and the export's warning); and a Preview board regenerated on the /v1/videos emulator, where the new
// takes enter the film except the one the creator picked by hand.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject, type NewProjectOptions } from '../../electron/services/projects/store.ts';
import { startOpenAiVideosEmulator, type OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';

const KEY = 'sk-test-takes-e2e-0123456789';
/** The parts of a <video> element read in the page (the tests are typed without the DOM library). */
type Video = { currentTime: number; readyState: number };

let root: string;
let emu: OpenAiVideosEmulator;
const open: Array<{ app: Storyreel; win: OpenedWindow }> = [];

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-takes-'));
  emu = await startOpenAiVideosEmulator({ apiKey: KEY });
});

after(async () => {
  for (const o of open) {
    await o.win.close();
    await o.app.shutdown();
  }
  await emu?.close();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

async function start(name: string, opts: NewProjectOptions): Promise<{ page: Page; dir: string; app: Storyreel }> {
  const dir = path.join(root, name);
  await createProject(dir, opts);
  const app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings({ openaiBaseUrl: emu.url }),
    secrets: new EnvSecrets({ OPENAI_API_KEY: KEY }),
    log: () => undefined,
    owner: 'e2e',
    timing: { pollMinMs: 100, pollMaxMs: 300 },
  });
  await app.openProject(dir);
  const win = await openWindow(app, { viewport: { width: 1280, height: 860 } });
  open.push({ app, win });
  const page = win.page;
  await page.getByTestId('project-title').waitFor();
  return { page, dir, app };
}

test('variations → four-criteria scores → compare → best-takes cut; a size change marks the takes stale', { timeout: 180000 }, async () => {
  const { page, dir } = await start('variations', {
    title: 'Kites',
    provider: 'openai-videos',
    model: 'sora-2',
    size: '1280x720',
    scenes: [
      { prompt: 'A red kite climbs over the dunes at dawn', seconds: 4 },
      { prompt: 'The kite string snaps and it drifts away', seconds: 4 },
    ],
  });
  const cards = page.getByTestId('scene-card');
  await cards.nth(0).click();
  await page.getByTestId('scene-takes').selectOption('3');
  await page.getByTestId('generate-scene').click();
  // Three takes of one scene: the cost is shown, and nothing is sent before the creator says yes.
  const dialog = page.getByTestId('confirm-spend');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Generate 3 takes of scene 1 for \$1\.20\?/);
  assert.match(await dialog.innerText(), /12 s of video \(3 takes each\)/);
  await page.screenshot({ path: path.join(SHOTS, 'takes-variations-confirm.png') });
  assert.equal(emu.stats.creates, 0);
  await page.getByTestId('confirm-spend-yes').click();
  // The count was for that action: back to one, here and on the next scene.
  await waitFor(async () => (await page.getByTestId('scene-takes').inputValue()) === '1', 10000, 'takes count back to 1');
  await cards.nth(1).click();
  assert.equal(await page.getByTestId('scene-takes').inputValue(), '1', 'the Takes count does not carry to another scene');
  await page.getByTestId('generate-scene').click();
  assert.match(await dialog.innerText(), /Generate 1 scene for \$0\.40\?/);
  await page.getByTestId('confirm-spend-yes').click();
  await waitFor(async () => (await readProject(dir)).scenes.every((s, i) => s.takes.length === [3, 1][i]), 90000, 'three takes of scene 1, one of scene 2');
  assert.equal(emu.stats.creates, 4, 'one create per take');

  // Score takes 1 and 3 on the four criteria; take 3 scores higher overall.
  await cards.nth(0).click();
  const takes = page.getByTestId('take');
  await waitFor(async () => (await takes.count()) === 3, 10000, 'three takes listed');
  for (const [k, v] of Object.entries({ visual: '6', adherence: '7', consistency: '5', narrative: '6' })) await takes.nth(0).getByTestId(`score-${k}`).selectOption(v);
  for (const [k, v] of Object.entries({ visual: '9', adherence: '8', consistency: '8', narrative: '9' })) await takes.nth(2).getByTestId(`score-${k}`).selectOption(v);
  await waitFor(async () => (await takes.nth(2).getByTestId('take-overall').getAttribute('data-score')) === '8.5', 10000, 'overall 8.5');
  assert.equal(await takes.nth(0).getByTestId('take-overall').getAttribute('data-score'), '6');

  // Remix and extend are offered where the model can (sora-2); each shows its cost first, nothing is sent on "Not now".
  assert.equal(await takes.nth(0).getByTestId('take-remix').count(), 1);
  await takes.nth(0).getByTestId('take-extend').click();
  await page.getByTestId('confirm-spend').waitFor();
  assert.match(await page.getByTestId('confirm-spend').innerText(), /Extend take 1 of scene 1 for \$0\.80\?/);
  await page.getByTestId('confirm-spend-no').click();
  assert.equal(emu.stats.creates, 4);

  // How take 3 was made: the exact prompt sent, provider, cost.
  await takes.nth(2).getByTestId('take-details-toggle').click();
  assert.match(await takes.nth(2).getByTestId('take-details').innerText(), /openai-videos · sora-2[\s\S]*\$0\.40[\s\S]*A red kite climbs over the dunes at dawn/);

  // Side by side: one slider moves both takes.
  await takes.nth(0).getByTestId('take-compare-pick').check();
  await takes.nth(2).getByTestId('take-compare-pick').check();
  await page.getByTestId('compare-takes').click();
  const compare = page.getByTestId('take-compare');
  await compare.waitFor();
  const videos = compare.locator('video');
  await waitFor(async () => (await videos.evaluateAll((vs) => vs.every((v) => (v as unknown as Video).readyState >= 1))) === true, 20000, 'both videos loaded');
  await compare.getByTestId('compare-scrub').fill('2');
  await waitFor(async () => {
    const times = await videos.evaluateAll((vs) => vs.map((v) => (v as unknown as Video).currentTime));
    return times.every((t) => Math.abs(t - 2) < 0.05);
  }, 10000, 'both takes at 2 s');
  await waitFor(async () => (await videos.evaluateAll((vs) => vs.every((v) => (v as unknown as Video).readyState >= 2))) === true, 20000, 'frames at 2 s');
  await page.screenshot({ path: path.join(SHOTS, 'takes-compare.png') });
  await compare.getByTestId('compare-close').click();
  await compare.waitFor({ state: 'detached' });

  // The best-takes cut: take 3 of scene 1 goes into the film; scene 2 (unscored) keeps its take.
  await page.getByTestId('best-takes').click();
  await waitFor(async () => (await takes.nth(2).getByTestId('chosen-take').count()) === 1, 10000, 'take 3 in the film');
  await waitFor(async () => {
    const saved = await readProject(dir);
    return saved.scenes[0]!.chosenTake === saved.scenes[0]!.takes[2]!.id && saved.scenes[1]!.chosenTake === saved.scenes[1]!.takes[0]!.id;
  }, 10000, 'the cut saved: take 3 of scene 1, scene 2 unchanged');
  assert.equal(await page.getByTestId('best-takes').isDisabled(), true, 'nothing left to change');

  // Portrait now: every take is marked stale, with the reason, and the export warns; nothing is generated.
  assert.equal(await page.getByTestId('export-stale').count(), 0);
  await page.getByTestId('settings-size').selectOption('720x1280');
  await waitFor(async () => (await page.getByTestId('take-stale').count()) === 3, 10000, 'three takes marked stale');
  assert.equal(await takes.nth(2).getByTestId('take-stale').innerText(), 'Made at 1280x720; the film is now 720x1280.');
  assert.equal(await page.getByTestId('card-stale').count(), 2, 'both cards say their take is stale');
  assert.match(await page.getByTestId('export-stale').innerText(), /2 takes in the film are stale[\s\S]*Scene 1's take is stale: Made at 1280x720; the film is now 720x1280\./);
  await takes.nth(2).getByTestId('take-details-toggle').click(); // fold the details so the card fits
  await takes.nth(2).scrollIntoViewIfNeeded();
  assert.equal(await page.getByTestId('scene-prompt').count(), 1, 'one scene in the editor');
  await page.screenshot({ path: path.join(SHOTS, 'take-stale.png') });
  assert.equal(emu.stats.creates, 4, 'nothing regenerated by itself');
});

test('a Preview board regenerated on the /v1/videos emulator: new takes enter the film, except one picked by hand', { timeout: 180000 }, async () => {
  emu.resetStats();
  const { page, dir } = await start('regenerate', {
    title: 'Lamps',
    provider: 'preview',
    size: '1280x720',
    scenes: [
      { prompt: 'A lamp lights up in a dark room', seconds: 4 },
      { prompt: 'A second lamp answers across the street', seconds: 4 },
    ],
  });
  await page.getByTestId('generate-all').click(); // free: starts at once
  await waitFor(async () => (await readProject(dir)).scenes.every((s) => s.chosenTake), 60000, 'both animatics');
  // The creator picks scene 2's take by hand (Unchoose, then Use this take).
  const cards = page.getByTestId('scene-card');
  await cards.nth(1).click();
  await page.getByRole('button', { name: 'Unchoose' }).click();
  // A take and none in the film: the card asks for a pick, and Generate all offers nothing to make.
  await waitFor(async () => /Pick a take \(1\)/.test(await cards.nth(1).innerText()), 10000, 'the card asks for a pick');
  await waitFor(async () => (await page.getByTestId('estimate-total').innerText()) === 'Nothing to generate · pick a take for scene 2', 10000, 'nothing to generate');
  assert.ok(await page.getByTestId('generate-all').isDisabled(), 'no take more to generate for scene 2');
  await page.getByTestId('choose-take').click();
  await waitFor(async () => (await readProject(dir)).scenes[1]!.chosenBy === 'creator', 10000, 'picked by hand');

  await page.getByTestId('settings-provider').selectOption('openai-videos');
  // Planning with Preview no longer leaves "Generate all" disabled on the paid provider.
  await waitFor(async () => !(await page.getByTestId('generate-all').isDisabled()), 10000, 'Generate all enabled');
  await page.getByTestId('regenerate-board').click();
  await page.getByTestId('confirm-spend').waitFor();
  assert.match(await page.getByTestId('confirm-spend').innerText(), /Generate 2 scenes for \$0\.80\?/);
  await page.getByTestId('confirm-spend-yes').click();
  await waitFor(async () => (await readProject(dir)).scenes.every((s) => s.takes.length === 2), 90000, 'a new take for each scene');
  assert.equal(emu.stats.creates, 2);
  const scenes = (await readProject(dir)).scenes;
  assert.deepEqual(
    scenes.map((s) => s.takes.find((t) => t.id === s.chosenTake)!.provider),
    ['openai-videos', 'preview'],
    'the new take is in the film, except where the creator had picked one',
  );
  await cards.nth(0).click();
  await waitFor(async () => (await page.getByTestId('take').nth(1).getByTestId('chosen-take').count()) === 1, 10000, 'the new take shown in the film');
  await waitFor(async () => (await page.getByTestId('regenerate-board').count()) === 1, 10000, 'scene 2 still uses an animatic: the action stays offered');
});
