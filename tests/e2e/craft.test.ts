// Storyboard craft in the window (issue 10, items 8–10), in Chromium over the bridge: a shot list pasted in,
// the linter's warnings as the creator types, the composer and the bible. Screenshots land in
// test-results/screenshots/ (look at them as a creator would).
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
import { startChatEmulator, type ChatEmulator } from '../emulators/chat/server.ts';
import { openWindow, SHOTS, waitFor, type OpenedWindow } from '../helpers/e2e.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

let dir: string;
let facePng: string;
let app: Storyreel;
let chat: ChatEmulator;
let win: OpenedWindow;
let page: Page;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-craft-'));
  facePng = path.join(dir, '..', `${path.basename(dir)}-face.png`);
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=240x320', '-frames:v', '1', '-y', facePng]);
  await createProject(dir, { title: 'Night Market', size: '1280x720', provider: 'openai-videos', model: 'sora-2' });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: createLog({ file: path.join(dir, '.storyreel', 'logs', 'e2e.log') }),
    owner: 'e2e',
    dialogs: { pickFolder: async () => null, pickImage: async () => facePng, reveal: async () => false, confirm: async () => true },
  });
  await app.openProject(dir);
  chat = await startChatEmulator({ apiKey: 'sk-e2e-chat-key-1234' });
  win = await openWindow(app, { viewport: { width: 1280, height: 860 }, consoleErrors: true });
  page = win.page;
  await page.getByTestId('project-title').waitFor();
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  await chat?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  if (facePng) await fs.rm(facePng, { force: true });
});

test('a pasted Markdown shot list and a seed-style shot sequence become scenes, lengths snapped with a note', async () => {
  await page.getByTestId('import-shotlist').click();
  await page.getByTestId('shotlist-text').fill(await fs.readFile('tests/fixtures/shotlists/lighthouse.md', 'utf8'));
  await page.getByTestId('shotlist-summary').filter({ hasText: '4 shots, read as a numbered list' }).waitFor();
  assert.match(await page.getByTestId('shotlist-dialog').innerText(), /Shot 2 asked for 7 s; sora-2 makes 4, 8, 12 s, so it is 8 s\./);
  await page.screenshot({ path: path.join(SHOTS, 'craft-import-shotlist.png') });
  await page.getByTestId('shotlist-import').click();
  await page.getByTestId('shotlist-notes').waitFor();
  await page.getByRole('button', { name: 'OK' }).click();
  await page.getByTestId('scene-card').nth(3).waitFor();

  await page.getByTestId('import-shotlist').click();
  await page.getByTestId('shotlist-text').fill(await fs.readFile('tests/fixtures/shotlists/seed-sequence.txt', 'utf8'));
  await page.getByTestId('shotlist-summary').filter({ hasText: '7 shots, read as a shot sequence' }).waitFor();
  await page.getByTestId('shotlist-import').click();
  await page.getByTestId('shotlist-notes').waitFor();
  await page.getByRole('button', { name: 'OK' }).click();
  // The strip draws only the cards in view (a virtualised strip): the file says how many there are.

  await waitFor(async () => (await readProject(dir)).scenes.length === 11, 10000, 'eleven scenes in project.json');
  const p = await readProject(dir);
  // The second list went in after the selected scene: the first one the first import added.
  assert.deepEqual(p.scenes.map((s) => s.seconds), [8, 4, 4, 4, 4, 4, 4, 4, 8, 4, 12]);
  assert.ok(p.scenes[1]!.prompt.startsWith('开场:日出海天,国旗飘扬。'), p.scenes[1]!.prompt.slice(0, 20));
  assert.equal(p.style, '35mm film, muted teal and amber grade');
});

test('the linter warns as the creator types, each warning with a fix, and shows the prompt as sent with its length', async () => {
  await page.getByTestId('scene-card').first().click();
  const prompt = page.getByTestId('scene-prompt');
  await prompt.fill('A beautiful sunny beach under a starry night sky. Taylor Swift and a man, a woman, a dog and a horse walk, then dance, then swim, then sleep. The camera pans.');
  const warnings = page.getByTestId('lint-warning');
  await page.locator('[data-testid="lint-warning"][data-code="motion"]').waitFor();
  const found = await warnings.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  for (const code of ['vague', 'contradiction', 'crowded', 'motion', 'blocked']) assert.ok(found.includes(code), `${code} in ${found.join(',')}`);
  assert.match(await page.getByTestId('lint-list').innerText(), /Describe an original instead, e\.g\. “a blonde pop singer/);
  await page.getByTestId('sent-prompt').locator('summary').click();
  assert.match(await page.getByTestId('sent-length').innerText(), /^\d+ \/ 32,000 characters$/);
  assert.match(await page.getByTestId('sent-text').innerText(), /Style: 35mm film, muted teal and amber grade$/);
  await page.screenshot({ path: path.join(SHOTS, 'craft-linter.png') });

  // Fixed as the linter suggests: the warnings go.
  await prompt.fill('Wide shot of an empty beach at noon, harsh sunlight, the camera pans slowly left to right.');
  await page.getByTestId('lint-list').waitFor({ state: 'detached' });
  assert.deepEqual(win.pageErrors, []);
});

test('the bible: a character with a picture, a preset; a scene naming @Mara shows her description in the prompt sent', async () => {
  await page.getByTestId('bible-edit').click();
  await page.getByTestId('bible-add-character').click();
  await page.getByTestId('bible-name').last().fill('Mara');
  await page.getByTestId('bible-description').last().fill('a woman in her thirties, short silver hair, red raincoat');
  await page.getByTestId('bible-add-location').click();
  await page.getByTestId('bible-name').last().fill('Market');
  await page.getByTestId('bible-description').last().fill('a night market under strings of paper lanterns, wet tarmac');
  await page.getByTestId('bible-add-image').first().click();
  await page.getByTestId('bible-image').first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'craft-bible-editor.png') });
  await page.getByTestId('bible-save').click();
  await page.getByTestId('bible-editor').waitFor({ state: 'detached' });
  await page.getByTestId('preset-8mm').click();
  await page.locator('[data-testid="preset-8mm"][aria-pressed="true"]').waitFor();

  // Saved to project.json (the window shows the change before the write ends).
  await waitFor(async () => (await readProject(dir)).bible?.presets.length === 1, 10000, 'the preset in project.json');
  const p = await readProject(dir);
  assert.deepEqual(p.bible?.entries.map((e) => [e.kind, e.name, e.images.length]), [['character', 'Mara', 1], ['location', 'Market', 0]]);
  assert.ok(p.bible!.entries[0]!.images[0]!.startsWith('media/refs/bible-mara-'));
  assert.deepEqual(p.bible?.presets, ['8mm']);

  await page.getByTestId('scene-card').first().click();
  await page.getByTestId('scene-prompt').fill('Medium shot: @Mara walks slowly left through the @Market at night, lantern light. @Bob waves.');
  await page.getByTestId('bible-usage').filter({ hasText: 'Uses @Mara, @Market' }).waitFor();
  assert.match(await page.getByTestId('bible-usage').innerText(), /sora-2 takes no reference images, so the 1 bible image of the named entries is not sent; their descriptions are\./);
  assert.match(await page.getByTestId('bible-unknown').innerText(), /@Bob is not in the bible/);
  const sent = await page.getByTestId('sent-text').innerText();
  assert.match(sent, /^Medium shot: Mara walks slowly left through the Market at night, lantern light\. @Bob waves\.\n\nMara: a woman in her thirties, short silver hair, red raincoat\.\nMarket: a night market/);
  assert.match(sent, /Style: 35mm film, muted teal and amber grade; 8mm home movie, warm faded colour/);
  await page.getByTestId('bible-panel').scrollIntoViewIfNeeded();
  await page.getByTestId('scene-prompt').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'craft-bible.png') });
  assert.deepEqual(win.pageErrors, []);
});

test('the composer: parts compose the prompt as the creator types, and the linter flags what they say', async () => {
  await page.getByTestId('scene-card').nth(2).click();
  await page.getByTestId('composer').locator('summary').click();
  // A scene never composed starts with its prompt as the subject.
  assert.ok((await page.getByTestId('composer-subject').inputValue()).startsWith('转场:浪花与石雕的呼应。'));
  await page.getByTestId('composer-camera').fill('Wide shot, the camera zooms');
  await page.getByTestId('composer-subject').fill('A beautiful harbour; a fisherman, a girl, a dog and a horse wait on the pier');
  await page.getByTestId('composer-setting').fill('Sunny harbour under a starry night sky');
  await page.getByTestId('composer-lighting').fill('');
  await page.getByTestId('composer-style').fill('Handheld documentary');
  await page.getByTestId('composer-sound').fill('Gulls, a distant bell');
  const composed = 'Wide shot, the camera zooms. A beautiful harbour; a fisherman, a girl, a dog and a horse wait on the pier. Sunny harbour under a starry night sky. Style: Handheld documentary. Sound: Gulls, a distant bell.';
  await waitFor(async () => (await page.getByTestId('scene-prompt').inputValue()) === composed, 10000, 'the composed prompt in the prompt field');
  await page.locator('[data-testid="lint-warning"][data-code="contradiction"]').waitFor();
  const found = await page.getByTestId('lint-warning').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  for (const code of ['vague', 'contradiction', 'crowded', 'motion']) assert.ok(found.includes(code), `${code} in ${found.join(',')}`);
  // Tall enough to see the prompt, its warnings and the parts together.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.getByTestId('scene-prompt').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'craft-composer-lint.png') });
  await page.setViewportSize({ width: 1280, height: 860 });
  await waitFor(async () => (await readProject(dir)).scenes[2]!.prompt === composed, 10000, 'the composed prompt in project.json');
  assert.equal((await readProject(dir)).scenes[2]!.composer?.camera, 'Wide shot, the camera zooms');
  assert.deepEqual(win.pageErrors, []);
});

test('Enhance: off until set up; the rewrite is shown as a diff and kept only when accepted', async () => {
  await page.getByTestId('scene-card').nth(3).click();
  assert.equal(await page.getByTestId('enhance').count(), 0, 'no Enhance button without a key');
  await page.getByTestId('enhance-url').fill(chat.url);
  await page.getByTestId('enhance-model').fill('openai/gpt-4o-mini');
  await page.getByTestId('enhance-model').blur();
  await page.getByTestId('enhance-key').fill('sk-e2e-chat-key-1234');
  await page.getByTestId('enhance-key-save').click();
  await page.getByTestId('enhance-state').filter({ hasText: 'On: openai/gpt-4o-mini' }).waitFor();
  const prompt = page.getByTestId('scene-prompt');
  await prompt.fill('a nice harbour');
  await page.getByTestId('enhance').click();
  await page.getByTestId('enhance-review').waitFor();
  assert.match(await page.getByTestId('enhance-diff').locator('ins').first().innerText(), /Medium close-up, slow dolly in:/);
  // Words kept are plain: only the changed ones are marked.
  assert.deepEqual(await page.getByTestId('enhance-diff').locator('span').allInnerTexts(), ['a nice harbour']);
  await page.screenshot({ path: path.join(SHOTS, 'craft-enhance-diff.png') });
  await page.getByTestId('enhance-accept').click();
  const enhanced = 'Medium close-up, slow dolly in: a nice harbour, warm golden backlight at dusk.';
  await waitFor(async () => (await prompt.inputValue()) === enhanced, 10000, 'the enhanced prompt in the field');
  await waitFor(async () => (await readProject(dir)).scenes[3]!.prompt === enhanced, 10000, 'the enhanced prompt in project.json');
  const sent = chat.requests.at(-1)!;
  assert.equal(sent.headers.authorization, 'Bearer sk-e2e-chat-key-1234');
  assert.match(JSON.stringify(sent.body), /Prompt to rewrite:\\na nice harbour/);
  assert.deepEqual(win.pageErrors, []);
});
