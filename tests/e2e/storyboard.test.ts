// The whole flow a new user goes through, in Debian's Chromium, against the real services over the bridge:
// create three scenes, generate them with Preview, choose takes, export, check the MP4 with ffprobe.
// Screenshots land in test-results/screenshots/ (look at them: the timeline must read like a storyboard).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { createLog } from '../../electron/services/log.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';
import { probeStreams } from '../helpers/probe.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

let dir: string;
let referencePng: string;
let app: Storyreel;
let win: OpenedWindow;
let page: Page;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-'));
  referencePng = path.join(dir, '..', `${path.basename(dir)}-red.png`);
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=320x240', '-frames:v', '1', '-y', referencePng]);
  await createProject(dir, { title: 'Harbour at Dawn', size: '640x360', style: 'watercolour, soft light' });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log') }),
    owner: 'e2e',
    timing: { pollMinMs: 100, pollMaxMs: 300 },
    // The system's pickers, as a user would answer them.
    dialogs: { pickFolder: async () => null, pickImage: async () => referencePng, reveal: async () => false },
  });
  await app.openProject(dir);
  win = await openWindow(app, { viewport: { width: 1280, height: 800 }, extraArgs: ['--autoplay-policy=no-user-gesture-required'], consoleErrors: true });
  page = win.page;
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  if (referencePng) await fs.rm(referencePng, { force: true });
});

const cards = () => page.getByTestId('scene-card');

async function selectCard(i: number) {
  await cards().nth(i).click();
  await page.getByTestId('scene-prompt').waitFor();
}

async function statuses(): Promise<string[]> {
  return cards().evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
}

test('create three scenes, generate with Preview, choose takes, export, and check the MP4', { timeout: 240000 }, async () => {
  await page.getByTestId('project-title').waitFor();

  // 1. Three scenes, typed in by hand.
  const prompts = ['Fishing boats leave the harbour at first light', 'A gull steals a sardine from a crate; the fisherman laughs', 'The lighthouse beam fades as the sun rises'];
  const seconds = ['4', '8', '4'];
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('add-scene').click();
    await assert.doesNotReject(cards().nth(i).waitFor());
    await selectCard(i);
    await page.getByTestId('scene-prompt').fill(prompts[i]!);
    await page.getByTestId('scene-seconds').selectOption(seconds[i]!);
  }
  assert.equal(await cards().count(), 3);
  // Edits reach the project file (debounced autosave).
  await waitFor(async () => {
    const p = await readProject(dir);
    return p.scenes.length === 3 && p.scenes.every((s, i) => s.prompt === prompts[i] && String(s.seconds) === seconds[i]);
  }, 10000, 'the three scenes are saved to project.json');

  // Card widths follow durations: the 8 s card is about twice the 4 s one.
  const widths = await cards().evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.ok(widths[1]! > widths[0]! * 1.6 && widths[1]! < widths[0]! * 2.4, `widths ${widths}`);

  // 2. Generate everything with Preview (no key is set).
  await page.getByTestId('generate-all').click();
  await waitFor(async () => (await statuses()).every((s) => s === 'ready'), 120000, 'every scene is ready');
  await page.screenshot({ path: path.join(SHOTS, 'timeline-with-takes.png') });

  // 3. Choose takes: scene 1 gets a second take and the creator picks it.
  await selectCard(0);
  await page.getByTestId('generate-scene').click();
  await waitFor(async () => (await page.getByTestId('take').count()) === 2, 60000, 'a second take for scene 1');
  const second = page.getByTestId('take').nth(1);
  const secondId = await second.getAttribute('data-take-id');
  await second.getByTestId('choose-take').click();
  await waitFor(async () => (await readProject(dir)).scenes[0]!.chosenTake === secondId, 10000, 'the chosen take is saved');
  await assert.doesNotReject(second.getByTestId('chosen-take').waitFor());
  await page.screenshot({ path: path.join(SHOTS, 'scene-takes.png') });

  // 4. Export, watching the progress bar.
  await page.getByTestId('export-start').click();
  const bar = page.getByTestId('export-progress');
  await bar.waitFor();
  await page.getByTestId('export-done').waitFor({ timeout: 60000 });
  const outRel = await page.getByTestId('export-done').getAttribute('data-file');
  assert.ok(outRel, 'the done panel names the file');
  assert.equal(await bar.getAttribute('data-progress'), '1');
  await page.screenshot({ path: path.join(SHOTS, 'export-done.png') });

  // 5. The file itself: duration and streams, by ffprobe.
  const info = await probeStreams(path.join(dir, outRel!));
  assert.ok(Math.abs(info.duration - 16) <= 0.1, `duration ${info.duration}`);
  assert.deepEqual(info.video, [{ codec: 'h264', width: 640, height: 360 }]);
  assert.deepEqual(info.audio.map((a) => a.codec), ['aac']);

  assert.deepEqual(win.pageErrors, [], 'no errors in the page');
});

test('an export in progress shows a moving progress bar (normalising path after a size change)', { timeout: 240000 }, async () => {
  // Changing the size after generating forces every take through the normalising path: slower, so the
  // progress bar is visible mid-way. The takes stay 640x360; the film comes out at 1280x720.
  await page.getByTestId('settings-size').selectOption('1280x720');
  await waitFor(async () => (await readProject(dir)).size === '1280x720', 10000, 'size saved');
  await page.getByTestId('export-start').click();
  const bar = page.getByTestId('export-progress');
  await waitFor(async () => {
    const p = Number(await bar.getAttribute('data-progress'));
    return p > 0.05 && p < 0.9;
  }, 60000, 'the bar is part-way');
  await page.screenshot({ path: path.join(SHOTS, 'export-in-progress.png') });
  const midway = Number(await bar.getAttribute('data-progress'));
  await page.getByTestId('export-done').waitFor({ timeout: 120000 });
  assert.ok(Number(await bar.getAttribute('data-progress')) > midway);
  const info = await probeStreams(path.join(dir, (await page.getByTestId('export-done').getAttribute('data-file'))!));
  assert.deepEqual(info.video, [{ codec: 'h264', width: 1280, height: 720 }]);
  assert.ok(Math.abs(info.duration - 16) <= 0.1, `duration ${info.duration}`);
});

test('keyboard: a focused card moves with Alt+Arrow and the order is saved', async () => {
  const before = (await readProject(dir)).scenes.map((s) => s.id);
  await cards().nth(0).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await waitFor(async () => (await readProject(dir)).scenes[1]!.id === before[0], 10000, 'scene 1 moved to position 2');
  const after = (await readProject(dir)).scenes.map((s) => s.id);
  assert.deepEqual(after, [before[1], before[0], before[2]]);
});

test('drag: dropping the last card onto the first moves that scene to the front, and it is saved', async () => {
  const before = (await readProject(dir)).scenes.map((s) => s.id);
  await cards().nth(2).dragTo(cards().nth(0), { targetPosition: { x: 5, y: 40 } });
  await waitFor(async () => (await readProject(dir)).scenes[0]!.id === before[2], 10000, 'the last scene moved to the front');
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.id), [before[2], before[0], before[1]]);
  const shown = await cards().evaluateAll((els) => els.map((e) => e.getAttribute('data-scene-id')));
  assert.deepEqual(shown, [before[2], before[0], before[1]], 'the strip shows the new order');
});

test('a reference image is copied into the project and becomes the first frame of the next take', { timeout: 120000 }, async () => {
  const scene = (await readProject(dir)).scenes[2]!;
  await selectCard(2);
  await page.getByTestId('reference-pick').click();
  await page.getByTestId('reference-thumb').waitFor();
  // The window shows the picture as soon as main has it in memory; project.json follows with the autosave.
  // Wait for the file itself, not for the window.
  await waitFor(async () => /^media\/refs\/.+\.png$/.test((await readProject(dir)).scenes[2]!.referenceImage ?? ''), 10000, 'the reference saved in project.json');
  const saved = (await readProject(dir)).scenes[2]!;
  assert.match(saved.referenceImage ?? '', /^media\/refs\/.+\.png$/);
  await fs.access(path.join(dir, saved.referenceImage!));
  const takesBefore = saved.takes.length;
  await page.getByTestId('generate-scene').click();
  await waitFor(async () => (await readProject(dir)).scenes[2]!.takes.length === takesBefore + 1, 60000, 'a new take with the reference');
  const take = (await readProject(dir)).scenes[2]!.takes.at(-1)!;
  assert.equal(take.jobId !== scene.takes[0]?.jobId, true);
  // The picture behind the text is the red reference, letterboxed to 16:9; only the bands behind the
  // text are darkened, so below the text the frame is the creator's picture as it is.
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-ss', '0.5', '-i', path.join(dir, take.file), '-frames:v', '1', '-vf', 'crop=iw/5:ih/6:2*iw/5:ih*0.62,scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer' });
  const [r, g, b] = [...(stdout as Buffer)];
  assert.ok(r! > 180 && g! < 60 && b! < 60, `colour in the middle ${r},${g},${b}`);
  await page.screenshot({ path: path.join(SHOTS, 'scene-reference.png') });
  await page.getByTestId('reference-clear').click();
  await waitFor(async () => (await readProject(dir)).scenes[2]!.referenceImage === null, 10000, 'reference cleared');
});

test('delete asks first: Escape keeps the scene, confirming removes it and its takes from the board', async () => {
  const before = (await readProject(dir)).scenes.map((s) => s.id);
  await cards().nth(1).focus();
  await page.keyboard.press('Delete');
  await page.getByTestId('confirm-delete').waitFor();
  assert.match(await page.getByTestId('confirm-delete').innerText(), /Delete scene 2\?/);
  await page.keyboard.press('Escape');
  await page.getByTestId('confirm-delete').waitFor({ state: 'detached' });
  assert.equal((await readProject(dir)).scenes.length, 3, 'Escape kept it');
  await cards().nth(1).focus();
  await page.keyboard.press('Delete');
  await page.getByTestId('confirm-delete-yes').click();
  await waitFor(async () => (await readProject(dir)).scenes.length === 2, 10000, 'the scene is gone');
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.id), [before[0], before[2]]);
  assert.equal(await cards().count(), 2);
});
