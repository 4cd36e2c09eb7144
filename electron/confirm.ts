// Main's own yes/no dialog (Electron's message box) for what the window may not decide alone: sending a
// key to a new address, raising or clearing the budget cap, counting a model as cheaper. The window can
// ask main to ask; only the creator's click answers. "Cancel" is the default and what Escape means.
import { BrowserWindow, dialog, type MessageBoxOptions } from 'electron';
import type { ConfirmRequest } from './services/providers/registry.ts';

export async function confirmInMain(q: ConfirmRequest): Promise<boolean> {
  const opts: MessageBoxOptions = {
    type: 'warning',
    title: q.title,
    message: q.message,
    detail: q.detail,
    buttons: ['Cancel', q.confirmLabel],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const parent = BrowserWindow.getFocusedWindow();
  const { response } = parent ? await dialog.showMessageBox(parent, opts) : await dialog.showMessageBox(opts);
  return response === 1;
}
