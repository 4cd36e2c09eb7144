// The application menu's template (electron/menu.ts), built as a pure function: no Electron here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, revealLabel, type MenuAction, type MenuState } from '../../electron/menu.ts';

const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'linux', appName: 'Storyreel', hasProject: true, recent: [], devTools: false, home: '/home/ana', ...over });

function build(over: Partial<MenuState> = {}) {
  const actions: MenuAction[] = [];
  const template = buildMenuTemplate(state(over), (a) => actions.push(a));
  const top = (label: string) => template.find((m) => (m.label ?? '').replace(/&/g, '') === label);
  const item = (menu: string, label: string) => (top(menu)?.submenu as MenuItemConstructorOptions[]).find((i) => i.label === label);
  const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as unknown as () => void)();
  return { template, top, item, click, actions };
}

test('File has New, Open, Open Recent, Reveal and Close, with the shortcuts of a desktop app', () => {
  const m = build();
  assert.deepEqual(
    m.template.map((t) => (t.label ?? '').replace(/&/g, '')),
    ['File', 'Edit', 'View', 'Help'],
  );
  assert.equal(m.item('File', 'New Project…')?.accelerator, 'CmdOrCtrl+N');
  assert.equal(m.item('File', 'Open Project…')?.accelerator, 'CmdOrCtrl+O');
  assert.equal(m.item('File', 'Show in File Manager')?.accelerator, 'CmdOrCtrl+Shift+S');
  assert.ok(m.item('File', 'Close Project'));
  m.click(m.item('File', 'New Project…'));
  m.click(m.item('File', 'Open Project…'));
  m.click(m.item('File', 'Show in File Manager'));
  m.click(m.item('File', 'Close Project'));
  assert.deepEqual(m.actions, ['new', 'open', 'reveal', 'close'].map((command) => ({ kind: 'window', command: { command } })));
});

test('what needs an open project is disabled without one', () => {
  const m = build({ hasProject: false });
  for (const label of ['Show in File Manager', 'Close Project', 'Clean Up Unused Media…']) assert.equal(m.item('File', label)?.enabled, false, label);
  assert.notEqual(m.item('File', 'New Project…')?.enabled, false);
});

test('Open Recent lists the recent projects, most recent first, and opens the one clicked', () => {
  const m = build({ recent: [{ dir: '/home/ana/Films/Night & Day', title: 'Night & Day' }, { dir: '/media/usb/Harbour', title: 'Harbour' }] });
  const sub = m.item('File', 'Open Recent')?.submenu as MenuItemConstructorOptions[];
  assert.deepEqual(sub.map((i) => i.label ?? i.type), ['Night && Day — ~/Films/Night && Day', 'Harbour — /media/usb/Harbour', 'separator', 'Clear Recent']);
  m.click(sub[1]);
  m.click(sub[3]);
  assert.deepEqual(m.actions, [{ kind: 'window', command: { command: 'openRecent', dir: '/media/usb/Harbour' } }, { kind: 'clearRecent' }]);
  // On macOS an & is shown as it is.
  const mac = build({ platform: 'darwin', recent: [{ dir: '/Users/ana/Night & Day', title: 'Night & Day' }], home: '/Users/ana' });
  assert.equal((mac.item('File', 'Open Recent')?.submenu as MenuItemConstructorOptions[])[0]!.label, 'Night & Day — ~/Night & Day');
  const empty = build().item('File', 'Open Recent')?.submenu as MenuItemConstructorOptions[];
  assert.deepEqual(empty.map((i) => [i.label ?? i.type, i.enabled ?? true]), [['No recent projects', false], ['separator', true], ['Clear Recent', false]]);
});

test('Edit routes undo and redo to the window and keeps the text commands', () => {
  const m = build();
  assert.equal(m.item('Edit', 'Undo')?.accelerator, 'CmdOrCtrl+Z');
  assert.equal(m.item('Edit', 'Redo')?.accelerator, 'Ctrl+Y');
  assert.equal(build({ platform: 'darwin' }).item('Edit', 'Redo')?.accelerator, 'Shift+Cmd+Z');
  m.click(m.item('Edit', 'Undo'));
  m.click(m.item('Edit', 'Redo'));
  assert.deepEqual(m.actions, [{ kind: 'window', command: { command: 'undo' } }, { kind: 'window', command: { command: 'redo' } }]);
  const roles = (m.top('Edit')?.submenu as MenuItemConstructorOptions[]).map((i) => i.role).filter(Boolean);
  assert.deepEqual(roles, ['cut', 'copy', 'paste', 'delete', 'selectAll']);
});

test('Help opens the README and the logs and copies diagnostics; the developer tools only from a checkout', () => {
  const m = build();
  m.click(m.item('Help', 'Storyreel README'));
  m.click(m.item('Help', 'Open Log Folder'));
  m.click(m.item('Help', 'Copy Diagnostics'));
  assert.deepEqual(m.actions, [{ kind: 'readme' }, { kind: 'logs' }, { kind: 'diagnostics' }]);
  const roles = (over: Partial<MenuState>) => (build(over).top('View')?.submenu as MenuItemConstructorOptions[]).map((i) => i.role);
  assert.ok(!roles({ devTools: false }).includes('toggleDevTools'));
  assert.ok(roles({ devTools: true }).includes('toggleDevTools'));
});

test('macOS gets its app menu and Window menu; the file manager has the platform’s name', () => {
  const mac = build({ platform: 'darwin' });
  assert.deepEqual(
    mac.template.map((t) => t.label ?? t.role),
    ['Storyreel', 'File', 'Edit', 'View', 'windowMenu', 'Help'],
  );
  assert.ok(mac.item('File', 'Reveal in Finder'));
  assert.equal(revealLabel('win32'), 'Show in Explorer');
  assert.ok(!(mac.top('File')?.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit'), 'Quit lives in the app menu on macOS');
  assert.ok((build().top('File')?.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit'));
});
