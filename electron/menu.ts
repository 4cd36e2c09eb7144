// The application menu, as a template: a pure function of what the app is showing (platform, open project,
// recent projects), so it is tested without Electron. main.ts builds the menu from it and carries out the
// actions: commands for the window go to it over the contract's `menu` event (the same code paths as its
// buttons, so errors show where the creator looks); the rest (README, logs, diagnostics) main does itself.
// Only types come from electron here.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/contract.ts';

export type MenuAction =
  /** Carried out by the focused window (new, open, undo…). */
  | { kind: 'window'; command: MenuCommand }
  | { kind: 'clearRecent' }
  | { kind: 'readme' }
  | { kind: 'logs' }
  | { kind: 'diagnostics' };

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  hasProject: boolean;
  /** Most recent first. */
  recent: ReadonlyArray<{ dir: string; title: string }>;
  /** Reload and the developer tools: from a checkout only. */
  devTools: boolean;
  /** The user's home folder, shown as ~ in recent paths. */
  home?: string;
}

/** What the system's file manager is called where the creator is. */
export function revealLabel(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Reveal in Finder';
  if (platform === 'win32') return 'Show in Explorer';
  return 'Show in File Manager';
}

/** On Windows and Linux `&` marks a mnemonic: a title's own & must be doubled to show. */
const literal = (text: string, platform: NodeJS.Platform): string => (platform === 'darwin' ? text : text.replace(/&/g, '&&'));

function recentLabel(r: { dir: string; title: string }, state: MenuState): string {
  const dir = state.home && r.dir.startsWith(state.home) ? `~${r.dir.slice(state.home.length)}` : r.dir;
  return literal(`${r.title || 'Untitled film'} — ${dir}`, state.platform);
}

export function buildMenuTemplate(state: MenuState, run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const send = (command: MenuCommand['command'], dir?: string) => () => run({ kind: 'window', command: dir === undefined ? { command } : { command, dir } });

  const recent: MenuItemConstructorOptions[] = state.recent.length
    ? state.recent.map((r) => ({ label: recentLabel(r, state), click: send('openRecent', r.dir) }))
    : [{ label: 'No recent projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: mac ? 'File' : '&File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: send('new') },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: send('open') },
      // macOS names this submenu itself and fills it from app.addRecentDocument; ours lists the same folders everywhere.
      { label: 'Open Recent', submenu: [...recent, { type: 'separator' }, { label: 'Clear Recent', enabled: state.recent.length > 0, click: () => run({ kind: 'clearRecent' }) }] },
      { type: 'separator' },
      { label: revealLabel(state.platform), accelerator: 'CmdOrCtrl+Shift+S', enabled: state.hasProject, click: send('reveal') },
      { label: 'Clean Up Unused Media…', enabled: state.hasProject, click: send('cleanup') },
      { type: 'separator' },
      { label: 'Close Project', accelerator: 'CmdOrCtrl+Shift+W', enabled: state.hasProject, click: send('close') },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const, label: 'Quit' }]),
    ],
  };

  // Undo and redo go to the window, which undoes the storyboard (or, in a text field, the typing).
  const edit: MenuItemConstructorOptions = {
    label: mac ? 'Edit' : '&Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send('undo') },
      { label: 'Redo', accelerator: mac ? 'Shift+Cmd+Z' : 'Ctrl+Y', click: send('redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' as const }] : []),
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: mac ? 'View' : '&View',
    submenu: [
      ...(state.devTools ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: mac ? 'Help' : '&Help',
    submenu: [
      { label: `${state.appName} README`, click: () => run({ kind: 'readme' }) },
      { label: 'Open Log Folder', click: () => run({ kind: 'logs' }) },
      { label: 'Copy Diagnostics', click: () => run({ kind: 'diagnostics' }) },
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: state.appName,
          submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
        },
      ]
    : [];
  const windowMenu: MenuItemConstructorOptions[] = mac ? [{ role: 'windowMenu' }] : [];
  return [...appMenu, file, edit, view, ...windowMenu, help];
}
