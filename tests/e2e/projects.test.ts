// Projects as a desktop app has them, in Chromium over the bridge: the Welcome screen opens clean (no error
// toast) with the recent projects on it; a recent project opens from there; New project works while another
// is open and asks for the title; the menu's commands (sent by main as `menu` events) reach the window.
// Screenshots: the Welcome screen with recent projects, and the application menu drawn from its template.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import { buildMenuTemplate } from '../../electron/menu.ts';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject, readProject } from '../../electron/services/projects/store.ts';
import { menuHtml } from '../helpers/menu-html.ts';
import { openWindow, SHOTS, type OpenedWindow } from '../helpers/e2e.ts';


let root: string;
let app: Storyreel;
let win: OpenedWindow;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
const asked: Array<[string, string | undefined]> = [];

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-e2e-projects-'));
  await createProject(path.join(root, 'harbour'), { title: 'Harbour at Dawn', size: '640x360', scenes: [{ prompt: 'Boats at first light', seconds: 2 }] });
  await createProject(path.join(root, 'lighthouse'), { title: 'The Last Lighthouse', size: '640x360', scenes: [{ prompt: 'A lamp is lit', seconds: 2 }] });
  app = new Storyreel({
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'e2e',
    // The system's pickers as a creator answers them: a new project's folder is proposed from its title.
    dialogs: {
      pickFolder: async (purpose, name) => {
        asked.push([purpose, name]);
        return purpose === 'create' ? path.join(root, name ?? 'untitled') : path.join(root, 'harbour');
      },
      pickImage: async () => null,
      reveal: async () => false,
    },
  });
  // Both were open before (so they are recent), and neither is open now: the app starts on the Welcome screen.
  await app.openProject(path.join(root, 'harbour'));
  await app.openProject(path.join(root, 'lighthouse'));
  await app.closeProject();
  win = await openWindow(app, { viewport: { width: 1280, height: 800 } });
  page = win.page;
  pageErrors = win.pageErrors;
  browser = win.browser;
});

after(async () => {
  await win?.close();
  await app?.shutdown();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

const toasts = () => page.getByTestId('error-banner');
const title = () => page.getByTestId('project-title');

test('the Welcome screen opens with no error toast, and lists the recent projects', { timeout: 60000 }, async () => {
  await page.getByTestId('welcome-new').waitFor();
  await page.getByTestId('recent-project').nth(1).waitFor();
  assert.equal(await toasts().count(), 0, `no error toast before anything was done: ${await toasts().allTextContents()}`);
  const names = await page.getByTestId('recent-project').locator('.recent-title').allTextContents();
  assert.deepEqual(names, ['The Last Lighthouse', 'Harbour at Dawn'], 'most recent first');
  await page.screenshot({ path: path.join(SHOTS, 'welcome-recent-projects.png') });
});

test('Open Recent: a project on the recent list opens from the Welcome screen', { timeout: 60000 }, async () => {
  await page.getByTestId('recent-project').filter({ hasText: 'Harbour at Dawn' }).click();
  await page.getByTitle(path.join(root, 'harbour'), { exact: true }).waitFor();
  assert.equal(await title().inputValue(), 'Harbour at Dawn');
  assert.equal(await toasts().count(), 0);
});

test('New project while another is open: it asks for the title and makes a folder of its own', { timeout: 60000 }, async () => {
  await page.getByTestId('header-new-project').click();
  const dialog = page.getByTestId('new-project');
  await dialog.waitFor();
  assert.ok(await page.getByTestId('new-project-title').evaluate((el) => el === el.ownerDocument.activeElement), 'the title field has focus');
  await page.getByTestId('new-project-title').fill('Night Ferry');
  await page.getByTestId('new-project-title').press('Enter');
  const dir = path.join(root, 'Night Ferry');
  await page.getByTitle(dir, { exact: true }).waitFor();
  assert.equal(await title().inputValue(), 'Night Ferry', 'the title asked for, not the folder name');
  assert.deepEqual(asked.at(-1), ['create', 'Night Ferry'], 'the folder picker was offered the title');
  assert.equal((await readProject(dir)).title, 'Night Ferry');
  assert.equal((await readProject(path.join(root, 'harbour'))).scenes.length, 1, 'the project open before is untouched');
  assert.equal(await toasts().count(), 0);
});

test('menu commands reach the window: Close shows the Welcome screen, New asks for a title, Open Recent opens', { timeout: 60000 }, async () => {
  app.emit('event', 'menu', { command: 'close' });
  await page.getByTestId('welcome-new').waitFor();
  await page.getByTestId('recent-project').first().waitFor();
  assert.equal(await page.getByTestId('recent-project').first().locator('.recent-title').textContent(), 'Night Ferry');
  assert.equal(app.view(), null, 'main closed the project');

  app.emit('event', 'menu', { command: 'new' });
  await page.getByTestId('new-project').waitFor();
  await page.getByTestId('new-project-cancel').click();
  await page.getByTestId('new-project').waitFor({ state: 'detached' });

  app.emit('event', 'menu', { command: 'openRecent', dir: path.join(root, 'lighthouse') });
  await page.getByTitle(path.join(root, 'lighthouse'), { exact: true }).waitFor();
  assert.equal(await toasts().count(), 0, `no error toast: ${await toasts().allTextContents()}`);
  assert.deepEqual(pageErrors, []);
});

test('the application menu, drawn from its template (Linux and macOS)', { timeout: 60000 }, async () => {
  const recent = [
    { dir: '/home/ana/Documents/Storyreel/Night Ferry', title: 'Night Ferry' },
    { dir: '/home/ana/Documents/Storyreel/灯台守の夜', title: '灯台守の夜' },
    { dir: '/home/ana/Documents/Storyreel/Example film', title: 'The Last Lighthouse' },
  ];
  const noop = () => undefined;
  const linux = buildMenuTemplate({ platform: 'linux', appName: 'Storyreel', hasProject: true, recent, devTools: false, home: '/home/ana' }, noop);
  const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Storyreel', hasProject: true, recent: recent.map((r) => ({ ...r, dir: r.dir.replace('/home/', '/Users/') })), devTools: false, home: '/Users/ana' }, noop);
  const menuPage = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await menuPage.setContent(menuHtml([{ caption: 'Linux and Windows (packaged)', mac: false, template: linux }, { caption: 'macOS (packaged)', mac: true, template: mac }]));
  await menuPage.screenshot({ path: path.join(SHOTS, 'application-menu.png'), fullPage: true });
  await menuPage.close();
});
