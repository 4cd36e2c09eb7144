// Commands from the application menu and its shortcuts (electron/menu.ts → the contract's `menu` event),
// carried out by the same actions as the window's buttons. Undo and redo: in a text field they undo the
// typing; elsewhere they go to whoever registered for them (the storyboard's undo).
import { useEffect } from 'react';
import type { MenuCommand } from '../../shared/contract.ts';
import { openProject } from './actions.ts';
import { getApi } from './api.ts';
import { askNewProject, closeProject, openRecent, revealProject } from './projects.ts';
import { useStore } from './store.ts';

type Command = MenuCommand['command'];
const handlers = new Map<Command, Set<(cmd: MenuCommand) => void>>();

/** Registers a handler for a menu command (e.g. the storyboard's undo); returns the unregister. */
export function onMenuCommand(command: Command, fn: (cmd: MenuCommand) => void): () => void {
  const set = handlers.get(command) ?? new Set();
  set.add(fn);
  handlers.set(command, set);
  return () => set.delete(fn);
}

/** A text field or editable element has focus: its own undo applies. */
function editingText(): boolean {
  const el = document.activeElement;
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement) return true;
  return el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'submit', 'file', 'color'].includes(el.type);
}

export function runMenuCommand(cmd: MenuCommand): void {
  const hasProject = useStore.getState().view !== null;
  switch (cmd.command) {
    case 'new':
      return askNewProject();
    case 'open':
      void openProject();
      return;
    case 'openRecent':
      if (cmd.dir) void openRecent(cmd.dir);
      return;
    case 'close':
      if (hasProject) void closeProject();
      return;
    case 'reveal':
      if (hasProject) void revealProject();
      return;
    case 'undo':
    case 'redo':
      // execCommand is the one way to reach a text field's own undo stack from outside it.
      if (editingText()) {
        document.execCommand(cmd.command);
        return;
      }
      break;
  }
  for (const fn of handlers.get(cmd.command) ?? []) fn(cmd);
}

/** Listens for the menu's commands while the app is mounted. */
export function useMenuCommands(): void {
  useEffect(() => getApi().on('menu', runMenuCommand), []);
}
