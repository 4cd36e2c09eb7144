// Continuity in the window (issue 10, item 7), in Chromium through the bridge against the fal emulator:
// "Continue from the previous shot's last frame" set on a scene, the scene generated, and the image fal
// RECEIVED compared pixel by pixel with the previous scene's chosen take at the frame that was picked; the
// card says where it continues from, and is marked when that source changes. A keyframe shared at a
// boundary (and undone), refused in words where a model cannot end on it. A bible character's description
// in the prompt fal received and her picture as its reference image; a long bible's list virtualised.
// Screenshots in test-results/screenshots/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import type { Take } from '../../shared/project.ts';
import { startFalEmulator, type FalEmulator } from '../emulators/fal/server.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';
import { meanDiff, rgbAt } from '../helpers/pixels.ts';

const exec = promisify(execFile);
const paths = resolveFfmpeg({ env: process.env });
const KEY = 'fal-e2e-continuity-key-0123';
const SIZE = '1280x720';
const SEEDANCE = 'bytedance/seedance-2.0/fast';

let dir: string;
let keyframePng: string;
let emu: FalEmulator;
let app: Storyreel;
let win: OpenedWindow;
let page: Page;


/** A take of scene 1 made here: a moving, tinted test pattern (its last second differs from its first). */
async function take(n: number, colour: string): Promise<Take> {
  const file = `media/take-1-${n}.mp4`;
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=640x360:r=24:d=4`, '-vf', `drawbox=c=${colour}@0.5:t=fill,scale=${SIZE.replace('x', ':')}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', path.join(dir, file)]);
  return { id: `take_1_${n}`, jobId: `job_1_${n}`, provider: 'preview', model: 'animatic', file, thumbnail: null, seconds: 4, size: SIZE, prompt: 'A lantern swings in the dark.', providerJobId: null, costUsd: 0, createdAt: new Date().toISOString(), rating: 0 };
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-continuity-'));
  keyframePng = `${dir}-keyframe.png`;
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'smptebars=s=640x360', '-frames:v', '1', '-y', keyframePng]);
  emu = await startFalEmulator({ apiKey: KEY });
  await createProject(dir, {
    title: 'The Lantern',
    provider: 'fal',
    model: SEEDANCE,
    size: SIZE,
    scenes: [
      { prompt: 'A lantern swings in the dark.', seconds: 4 },
      { prompt: 'The lantern falls into the black water.', seconds: 4 },
      { prompt: 'A gull lands on the pier rail.', seconds: 5 },
      { prompt: '@Mara walks slowly left along the pier.', seconds: 4 },
    ],
  });
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  await fs.mkdir(path.join(dir, 'media', 'refs'), { recursive: true });
  raw.scenes[0].takes = [await take(1, '0x2f6fd6'), await take(2, '0xd6692f')];
  raw.scenes[0].chosenTake = 'take_1_1';
  // Wan 2.6 opens on an image but cannot end on one.
  Object.assign(raw.scenes[2], { provider: 'fal', model: 'wan/v2.6' });
  // Mara's picture: magenta at the frame size, so what fal receives can be compared as it is.
  await exec(paths.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `color=c=0xff00ff:s=${SIZE}`, '-frames:v', '1', '-y', path.join(dir, 'media', 'refs', 'bible-mara.png')]);
  // A long bible (the most it holds): the inspector's list keeps only the rows in view in the page.
  const extras = Array.from({ length: 99 }, (_, i) => ({ id: `extra${i + 1}`, kind: 'character', name: `Extra${i + 1}`, description: `passer-by number ${i + 1}, grey coat, umbrella`, images: [] }));
  raw.bible = { entries: [{ id: 'mara', kind: 'character', name: 'Mara', description: 'a woman in her thirties, short silver hair, red raincoat', images: ['media/refs/bible-mara.png'] }, ...extras], presets: [] };
  await fs.writeFile(file, JSON.stringify(raw, null, 2));

  app = new Storyreel({
    version: 'e2e',
    ffmpeg: paths,
    settings: new MemorySettings(),
    secrets: new EnvSecrets({ FAL_KEY: KEY }),
    env: { FAL_BASE_URL: emu.url },
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log'), secrets: () => [KEY] }),
    owner: 'e2e',
    dialogs: { pickFolder: async () => null, pickImage: async () => keyframePng, reveal: async () => false, confirm: async () => true },
    timing: { pollMinMs: 100, pollMaxMs: 300 },
  });
  await app.openProject(dir);
  win = await openWindow(app, { viewport: { width: 1280, height: 860 }, consoleErrors: true });
  page = win.page;
  await page.getByTestId('scene-card').first().waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await emu?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  if (keyframePng) await fs.rm(keyframePng, { force: true });
});

const cards = () => page.getByTestId('scene-card');

/** Selects scene `n` on the strip and waits for the editor to show it (its controls are then that scene's). */
async function selectScene(n: number): Promise<void> {
  await cards().nth(n - 1).click();
  await page.locator('#editor-title').filter({ hasText: new RegExp(`^Scene ${n}(?!\\d)`) }).waitFor();
}

/** Generates the selected scene: the cost is confirmed first (fal is paid). */
async function generateSelected(): Promise<void> {
  await page.getByTestId('generate-scene').click();
  await page.getByTestId('confirm-spend-yes').click();
}

test('continue from the previous shot: set in the window, fal receives scene 1\'s chosen take\'s picked last frame', { timeout: 180000 }, async () => {
  // Scene 1 has no shot before it: the control is disabled and says why.
  await selectScene(1);
  assert.ok(await page.getByTestId('scene-continuity').isDisabled());
  assert.match(await page.getByTestId('continuity-note').innerText(), /first scene has no shot before it/);

  await selectScene(2);
  const toggle = page.getByTestId('scene-continuity');
  assert.ok(!(await toggle.isChecked()) && !(await toggle.isDisabled()));
  await toggle.check();
  await waitFor(async () => (await readProject(dir)).scenes[1]!.continuity === 'previous-last-frame', 10000, 'continuity saved');
  await page.getByTestId('continuity-note').filter({ hasText: 'Starts from take 1 of scene 1' }).waitFor();
  // As much of "continues from 1" as the card's width allows: here (4 s at 100%) "↤ from 1", whole.
  const link = cards().nth(1).getByTestId('card-continuity');
  assert.equal((await link.innerText()).replace(/\s+/g, ' ').trim(), '↤ from 1');
  const fits = await link.evaluate((e) => { const el = e as unknown as { scrollWidth: number; clientWidth: number; parentElement: { clientWidth: number } }; return [el.scrollWidth, el.clientWidth, el.parentElement.clientWidth]; });
  assert.ok(fits[0]! <= fits[1]!, `not cut off (${fits.join(', ')})`);
  assert.equal(await cards().nth(1).getByTestId('card-continuity').getAttribute('aria-label'), "Continues from scene 1's last frame. Show scene 1.");
  await page.getByTestId('scene-continuity').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'continuity-control.png') });

  // Undoable like any edit.
  await page.getByTestId('undo').click();
  await waitFor(async () => (await readProject(dir)).scenes[1]!.continuity === 'none', 10000, 'continuity undone');
  assert.equal(await cards().nth(1).getByTestId('card-continuity').count(), 0);
  await page.getByTestId('redo').click();
  await waitFor(async () => (await readProject(dir)).scenes[1]!.continuity === 'previous-last-frame', 10000, 'continuity redone');

  emu.resetStats();
  await generateSelected();
  await waitFor(async () => (await readProject(dir)).scenes[1]!.takes.length === 1, 90000, 'scene 2\'s take');
  const project = await readProject(dir);
  const [one, two] = project.scenes;
  const made = two!.takes[0]!;
  const source = one!.takes.find((t) => t.id === 'take_1_1')!;
  assert.equal(made.continuityFrom?.takeId, source.id);
  const at = made.continuityFrom!.atSeconds;
  assert.ok(at >= source.seconds - 1.05 && at <= source.seconds, `a frame of the last second (${at} s of ${source.seconds} s)`);

  // What fal received: the image-to-video endpoint, with an uploaded first frame that is scene 1's frame at `at`.
  const submits = emu.stats.requests.filter((r) => r.route === 'submit');
  assert.equal(submits.length, 1, 'one create');
  assert.equal(submits[0]!.path, `/${SEEDANCE}/image-to-video`);
  const upload = emu.uploads.get(String((submits[0]!.body as { image_url?: string }).image_url));
  assert.ok(upload, 'the first frame was uploaded');
  const sent = path.join(dir, 'sent-first-frame.png');
  await fs.writeFile(sent, upload.bytes);
  const small = '320x180';
  const diff = meanDiff(await rgbAt(sent, small), await rgbAt(path.join(dir, source.file), small, at));
  assert.ok(diff < 4, `fal received scene 1's frame at ${at} s (mean difference ${diff.toFixed(2)})`);
  // Control: the other take of scene 1, at the same moment, is another picture.
  const other = meanDiff(await rgbAt(sent, small), await rgbAt(path.join(dir, one!.takes[1]!.file), small, at));
  assert.ok(other > diff + 8, `and not take 2's (${other.toFixed(2)})`);

  // The card: continues from 1, current. Choosing another take of scene 1 marks it (nothing regenerates).
  const card2 = cards().nth(1);
  await waitFor(async () => (await card2.getByTestId('card-continuity').getAttribute('data-stale')) === null && (await card2.getByTestId('card-stale').count()) === 0, 10000, 'scene 2 current');
  await card2.screenshot({ path: path.join(SHOTS, 'continuity-card.png') });
  await selectScene(1);
  await page.getByTestId('take').nth(1).getByTestId('choose-take').click();
  await waitFor(async () => (await card2.getByTestId('card-continuity').getAttribute('data-stale')) === 'true', 10000, 'continuity marked changed');
  assert.equal(await card2.getByTestId('card-stale').getAttribute('data-fields'), 'continuity');
  assert.match((await card2.getByTestId('card-stale').getAttribute('title')) ?? '', /another take of the scene before/);
  await card2.screenshot({ path: path.join(SHOTS, 'continuity-card-changed.png') });
  // The link goes to the scene it continues from.
  await selectScene(3);
  await card2.getByTestId('card-continuity').click();
  await waitFor(async () => (await cards().nth(0).getAttribute('aria-selected')) === 'true', 5000, 'scene 1 selected');
  assert.equal((await readProject(dir)).scenes[1]!.takes.length, 1, 'nothing regenerated');
  assert.deepEqual(win.pageErrors, []);
});

test('a keyframe shared at a boundary, undone; refused in words where the scene cannot end on it; continuing from a scene with no take is refused before Generate', { timeout: 60000 }, async () => {
  // Scenes 1 → 2: scene 2 already continues from scene 1.
  await page.locator('[data-testid="boundary"][data-index="0"]').click();
  await page.getByTestId('keyframe-note').filter({ hasText: 'Scene 2 already starts from scene 1\'s last frame' }).waitFor();
  assert.ok(await page.getByTestId('keyframe-pick').isDisabled());
  await page.keyboard.press('Escape');

  // Scenes 3 → 4: Wan 2.6 cannot end on a picture; the refusal names models that can.
  await page.locator('[data-testid="boundary"][data-index="2"]').click();
  const refused = await page.getByTestId('keyframe-note').innerText();
  assert.match(refused, /^Scene 3 would end on the keyframe: Wan 2\.6 \(fal\) cannot take a last frame\. Models that can: /);
  assert.ok(await page.getByTestId('keyframe-pick').isDisabled());
  await page.screenshot({ path: path.join(SHOTS, 'continuity-keyframe-refused.png') });
  // Main refuses it too (the window is not the only guard).
  await assert.rejects(app.handlers().scenes.pickKeyframe({ id: (await readProject(dir)).scenes[2]!.id }), /cannot take a last frame/);
  await page.keyboard.press('Escape');

  // Scenes 2 → 3: Seedance ends on it, Wan opens on it.
  await page.locator('[data-testid="boundary"][data-index="1"]').click();
  await page.getByTestId('keyframe-pick').click();
  await page.getByTestId('keyframe-thumb').waitFor();
  await waitFor(async () => /^media\/refs\/.+\.png$/.test((await readProject(dir)).scenes[1]!.boundaryKeyframe ?? ''), 10000, 'keyframe saved');
  await page.locator('[data-testid="boundary"][data-index="1"]').getByTestId('boundary-keyframe').waitFor();
  assert.match(await page.getByTestId('keyframe-note').innerText(), /Scene 2 ends on this image and scene 3 opens on it\./);
  await page.screenshot({ path: path.join(SHOTS, 'continuity-keyframe.png') });
  // Scene 3 now opens on the keyframe, so it cannot also continue from scene 2.
  await page.keyboard.press('Escape');
  await selectScene(3);
  assert.ok(await page.getByTestId('scene-continuity').isDisabled());
  assert.match(await page.getByTestId('continuity-note').innerText(), /opens on the keyframe it shares with scene 2/);

  await page.getByTestId('undo').click();
  await waitFor(async () => !(await readProject(dir)).scenes[1]!.boundaryKeyframe, 10000, 'keyframe undone');
  await waitFor(async () => (await page.getByTestId('boundary-keyframe').count()) === 0, 5000, 'mark gone');

  // A scene continuing from one with no take yet cannot be generated alone; the button says why. Its own
  // first-frame image is then not offered either.
  await selectScene(4);
  await page.getByTestId('scene-continuity').check();
  await page.getByTestId('continuity-note').filter({ hasText: 'Scene 3 has no take in the film yet' }).waitFor();
  await waitFor(async () => await page.getByTestId('generate-scene').isDisabled(), 5000, 'Generate disabled');
  assert.match((await page.getByTestId('generate-scene').getAttribute('title')) ?? '', /Scene 4 continues from scene 3, which has no take yet\. Generate scene 3 first, or both together\./);
  assert.ok(await page.getByTestId('reference-pick').isDisabled());
  await page.getByTestId('scene-continuity').uncheck();
  await waitFor(async () => (await readProject(dir)).scenes[3]!.continuity === 'none', 10000, 'scene 4 starts fresh again');
  await waitFor(async () => !(await page.getByTestId('generate-scene').isDisabled()), 5000, 'Generate enabled');
  assert.deepEqual(win.pageErrors, []);
});

test('a bible character: her description in the prompt fal received, her picture as its reference image', { timeout: 120000 }, async () => {
  emu.resetStats();
  await selectScene(4);
  await page.getByTestId('bible-usage').filter({ hasText: 'Uses @Mara · 1 reference image sent' }).waitFor();
  await generateSelected();
  await waitFor(async () => (await readProject(dir)).scenes[3]!.takes.length === 1, 90000, 'scene 4\'s take');
  const submit = emu.stats.requests.find((r) => r.route === 'submit')!;
  assert.equal(submit.path, `/${SEEDANCE}/reference-to-video`);
  const body = submit.body as { prompt: string; reference_image_urls?: string[] };
  assert.equal(body.prompt, 'Mara walks slowly left along the pier.\n\nMara: a woman in her thirties, short silver hair, red raincoat.');
  assert.equal(body.reference_image_urls?.length, 1);
  const upload = emu.uploads.get(body.reference_image_urls[0]!);
  assert.ok(upload, 'her picture was uploaded');
  const sent = path.join(dir, 'sent-reference.png');
  await fs.writeFile(sent, upload.bytes);
  const diff = meanDiff(await rgbAt(sent, '320x180'), await rgbAt(path.join(dir, 'media', 'refs', 'bible-mara.png'), '320x180'));
  assert.ok(diff < 4, `fal received Mara's picture (mean difference ${diff.toFixed(2)})`);
  assert.deepEqual(win.pageErrors, []);
});

test('a long bible stays light: only the entries in view are in the page, and scrolling brings the last one', { timeout: 30000 }, async () => {
  const list = page.getByTestId('bible-list');
  await list.scrollIntoViewIfNeeded();
  assert.equal(await list.getAttribute('aria-label'), '100 bible entries');
  const shown = await page.getByTestId('bible-item').count();
  assert.ok(shown > 0 && shown <= 15, `${shown} of 100 rows in the page`);
  await page.screenshot({ path: path.join(SHOTS, 'continuity-bible-long.png') });
  await list.evaluate((e) => void ((e as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (e as unknown as { scrollHeight: number }).scrollHeight));
  await page.getByTestId('bible-item').filter({ hasText: '@Extra99' }).waitFor();
  assert.ok((await page.getByTestId('bible-item').count()) <= 15);
  assert.equal(await page.getByTestId('bible-item').filter({ hasText: '@Mara' }).count(), 0, 'the first row left the page');
  assert.deepEqual(win.pageErrors, []);
});
