// The Electron main process: lifecycle, the hardened window, and wiring. Thin on purpose: the work lives in
// electron/services/, which the command-line interface and the tests run without Electron.
import { app, BrowserWindow, clipboard, dialog, Menu, protocol, session, shell, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Storyreel } from './services/app.ts';
import { confirmInMain } from './confirm.ts';
import { createUpdates } from './updater.ts';
import { crashReportUrl, shareCrashReports, startCrashReporter } from './crash.ts';
import { eventChannel, type EventPayload, type MenuCommand } from '../shared/contract.ts';
import { bindIpc } from './ipc.ts';
import { buildMenuTemplate, type MenuAction } from './menu.ts';
import { createLog } from './services/log.ts';
import { MUSIC_EXTENSIONS } from './services/export/music.ts';
import { drainAll, resolveFfmpeg } from './services/media/ffmpeg.ts';
import { newProjectFolder } from './services/projects/naming.ts';
import { holdsProject } from './services/projects/recent.ts';
import { createProject, readProject } from './services/projects/store.ts';
import { byteRange, contentType } from './services/serve.ts';
import { SafeStorageSecrets } from './secrets.ts';
import { ElectronSettings } from './settings.ts';
import { APP_INDEX_URL, APP_SCHEME, appFile, isAllowedExternal, isAppUrl } from './window-policy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MEDIA_SCHEME = 'storyreel-media';
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: storyreel-media:; media-src 'self' storyreel-media:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

protocol.registerSchemesAsPrivileged([
  // The window's own pages: a standard, secure origin of their own instead of file://.
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
]);

// One instance: a second launch hands over to the first (which owns the project lock) and does nothing.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

const settings = new ElectronSettings((patch) => {
  if (patch.shareCrashReports !== undefined) shareCrashReports(patch.shareCrashReports);
});
// Minidumps are written locally from the start; uploaded only if the creator opted in (crash.ts).
startCrashReporter(settings.get().shareCrashReports);
const secrets = new SafeStorageSecrets(process.env);
const logFile = path.join(app.getPath('logs'), 'main.log');
const log = createLog({ file: logFile, secrets: () => secrets.all() });
if (settings.repaired.length) log(`settings: reset to defaults at start (the file held values that do not pass): ${settings.repaired.join(', ')}`);
const logDir = path.dirname(logFile);
const rendererDir = path.join(here, '..', 'dist-renderer');
const windows = new Set<BrowserWindow>();

function resourcesDir(): string | null {
  return app.isPackaged ? process.resourcesPath : null;
}

/** The ffmpeg to start with: a stored setting that is refused outright (e.g. too long) falls back to the default. */
function startupFfmpeg(): ReturnType<typeof resolveFfmpeg> {
  try {
    return resolveFfmpeg({ userPath: settings.get().ffmpegPath, resourcesDir: resourcesDir(), env: process.env });
  } catch (err) {
    log(`ffmpeg setting ignored: ${(err as Error).message}`);
    return resolveFfmpeg({ userPath: null, resourcesDir: resourcesDir(), env: process.env });
  }
}

// Offered, never taken: a packaged build looks for a newer release once the window is up (updater.ts).
const updates = createUpdates(log);

const storyreel = new Storyreel({
  version: app.getVersion(),
  ffmpeg: startupFfmpeg(),
  resolveFfmpeg: (userPath) => resolveFfmpeg({ userPath, resourcesDir: resourcesDir(), env: process.env }),
  settings,
  secrets,
  log,
  logFile,
  versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
  updates,
  crashReports: { uploadAddress: crashReportUrl(), folder: app.getPath('crashDumps') },
  recent: settings,
  // Model lists refreshed from providers (OpenRouter's), with the date read: services/providers/catalogs.ts.
  catalogDir: path.join(app.getPath('userData'), 'catalog'),
  owner: 'app',
  env: process.env,
  // The animatic font ships in resources/fonts when packaged; from a checkout it is found in build/fonts.
  fontFile: app.isPackaged ? path.join(process.resourcesPath, 'fonts', 'DejaVuSans.ttf') : null,
  dialogs: {
    pickFolder: async (purpose, suggestedName) => {
      if (purpose === 'create') {
        // A new film gets a folder of its own, named after its title, under Documents/Storyreel by default
        // (never inside the project open now, nor the example).
        const defaultPath = await newProjectFolder(projectsHome(), suggestedName ?? 'Untitled film', async (d) => existsSync(d));
        const opts = { title: 'Where to save the new project', buttonLabel: 'Create project', defaultPath, properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'> };
        const focused = BrowserWindow.getFocusedWindow();
        const result = focused ? await dialog.showSaveDialog(focused, opts) : await dialog.showSaveDialog(opts);
        return result.canceled ? null : (result.filePath ?? null);
      }
      return openOne({ title: 'Open a Storyreel project', properties: ['openDirectory'], defaultPath: projectsHome() });
    },
    pickImage: () => openOne({ title: 'Choose a reference image (first frame)', properties: ['openFile'], filters: [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp'] }] }),
    pickAudio: () => openOne({ title: 'Choose music to lay under the film', properties: ['openFile'], filters: [{ name: 'Audio', extensions: [...MUSIC_EXTENSIONS] }] }),
    reveal: async (file) => {
      shell.showItemInFolder(file);
      return true;
    },
    confirm: confirmInMain,
  },
});

/** Where new projects go by default (and where the example film is copied). */
/** Main's open dialog over the focused window (or on its own): the one path chosen, null when dismissed. */
async function openOne(opts: OpenDialogOptions): Promise<string | null> {
  const focused = BrowserWindow.getFocusedWindow();
  const result = focused ? await dialog.showOpenDialog(focused, opts) : await dialog.showOpenDialog(opts);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function projectsHome(): string {
  return path.join(app.getPath('documents'), 'Storyreel');
}

/**
 * At start: the project open last, else the most recent one still there. Only when there is nothing else
 * (a first start, or every project moved away), the example film, copied into Documents to play with.
 */
async function openInitialProject(): Promise<void> {
  const recent = (await storyreel.recent.list()).map((r) => r.dir);
  const last = settings.lastProject();
  const candidates = [...new Set([...(last && (await holdsProject(last)) ? [last] : []), ...recent])];
  for (const dir of candidates) {
    try {
      await storyreel.openProject(dir);
      return;
    } catch (err) {
      log(`could not reopen ${dir}: ${(err as Error).message}`);
    }
  }
  // Something was there but none of it opens (locked by another copy, newer format): show the Welcome screen.
  if (candidates.length) return;
  const target = path.join(projectsHome(), 'Example film');
  if (!existsSync(path.join(target, 'project.json'))) {
    const exampleDir = path.join(app.isPackaged ? process.resourcesPath : app.getAppPath(), 'examples', 'first-film');
    const example = await readProject(exampleDir);
    await createProject(target, { title: example.title, style: example.style, size: example.size, scenes: example.scenes.map((s) => ({ prompt: s.prompt, seconds: s.seconds })) });
  }
  await storyreel.openProject(target);
}

// ---- the application menu (electron/menu.ts builds it; main carries out what is not the window's) ----

/** Sends a menu command to the window in front (the one the creator is looking at). */
function toWindow(command: MenuCommand): void {
  const win = BrowserWindow.getFocusedWindow() ?? [...windows][0];
  if (win && !win.isDestroyed()) win.webContents.send(eventChannel('menu'), command);
}

async function runMenu(action: MenuAction): Promise<void> {
  switch (action.kind) {
    case 'window':
      return toWindow(action.command);
    case 'clearRecent':
      storyreel.recent.clear();
      if (process.platform !== 'linux') app.clearRecentDocuments();
      return installMenu();
    case 'readme': {
      // From a checkout the README next to the app; a packaged app has none, so the published one.
      const local = path.join(app.getAppPath(), 'README.md');
      if (!app.isPackaged && existsSync(local)) await shell.openPath(local);
      else await shell.openExternal('https://github.com/storyreel/storyreel/blob/main/README.md');
      return;
    }
    case 'logs':
      await fs.mkdir(logDir, { recursive: true });
      await shell.openPath(logDir);
      return;
    case 'diagnostics':
      // The same text the window's Diagnostics… dialog copies (services/diagnostics.ts): no key, no prompts.
      clipboard.writeText(await storyreel.diagnostics(false));
      return;
  }
}

function installMenu(): void {
  const template = buildMenuTemplate(
    { platform: process.platform, appName: app.getName(), hasProject: storyreel.view() !== null, recent: storyreel.recent.peek(), devTools: !app.isPackaged, home: app.getPath('home') },
    (action) => void runMenu(action).catch((err: Error) => log(`menu ${action.kind}: ${err.message}`)),
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// A project opened or closed: the menu's enabled items and Open Recent follow, and so do the OS's recent documents.
storyreel.on('event', (event, payload) => {
  if (event !== 'project') return;
  const view = payload as EventPayload<'project'>;
  if (view) {
    settings.setLastProject(view.dir);
    // The OS's own recent list (Dock and taskbar jump list); Linux has none.
    if (process.platform !== 'linux') app.addRecentDocument(view.dir);
  }
  if (app.isReady()) installMenu();
});

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  return isAppUrl(event.senderFrame?.url ?? '');
}

/** storyreel-app://app/… : the renderer build, and nothing else. */
async function serveApp(request: Request): Promise<Response> {
  const file = appFile(rendererDir, request.url);
  const body = file ? await fs.readFile(file).catch(() => null) : null;
  if (!file || !body) return new Response('Not found', { status: 404 });
  const headers: Record<string, string> = { 'content-type': contentType(file), 'x-content-type-options': 'nosniff' };
  if (file.endsWith('.html')) headers['content-security-policy'] = CSP;
  return new Response(new Uint8Array(body), { headers });
}

async function serveMedia(request: Request): Promise<Response> {
  // The path goes to the shared check still percent-encoded: it decodes, contains and opens in one place.
  const opened = await storyreel.mediaFile(new URL(request.url).pathname);
  if (!opened) return new Response('Not found', { status: 404 });
  const { handle, size, type } = opened;
  const range = byteRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    await handle.close();
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  }
  if (range) {
    const { start, end } = range;
    const body = Readable.toWeb(handle.createReadStream({ start, end })) as ReadableStream;
    return new Response(body, { status: 206, headers: { 'content-type': type, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' } });
  }
  const body = Readable.toWeb(handle.createReadStream()) as ReadableStream;
  return new Response(body, { headers: { 'content-type': type, 'content-length': String(size), 'accept-ranges': 'bytes' } });
}

function harden(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // Only https links the app itself shows go to the system browser; everything else is dropped.
      if (isAllowedExternal(url)) void shell.openExternal(url);
      else log(`refused to open ${url.slice(0, 200)}`);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    backgroundColor: '#111317',
    title: 'Storyreel',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // DevTools only from a checkout; a packaged build has none.
      devTools: !app.isPackaged,
    },
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  event.preventDefault();
  quitting = true;
  // Jobs stay in the ledger; they resume on the next start. Only local processes are stopped.
  void Promise.allSettled([storyreel.shutdown(), drainAll()]).finally(() => app.exit(0));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// macOS: a *.storyreel project folder opened from Finder (the file association in electron-builder.yml).
app.on('open-file', (event, dir) => {
  event.preventDefault();
  // openProject tells every window (the 'project' event) and puts the folder on the recent list.
  void storyreel.openProject(dir).catch((err: Error) => log(`could not open ${dir.slice(0, 500)}: ${err.message}`));
});

app.on('second-instance', () => {
  const win = [...windows][0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
});

void app.whenReady().then(async () => {
  if (!primary) return;
  harden();
  protocol.handle(APP_SCHEME, serveApp);
  protocol.handle(MEDIA_SCHEME, serveMedia);
  bindIpc(storyreel, () => [...windows], isTrustedSender, log);
  try {
    await openInitialProject();
  } catch (err) {
    log(`start-up: ${(err as Error).message}`);
  }
  installMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  // A quiet look for a newer release, a minute after start (never a download: see updater.ts).
  if (updates) setTimeout(() => void updates.check(), 60_000).unref();
});
