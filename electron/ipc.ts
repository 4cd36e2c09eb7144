// Binds the shared contract to the services over Electron IPC. Every payload is parsed by dispatch()
// before a service sees it; only windows we created (from our own renderer) may call.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channels, eventChannel, type EventName } from '../shared/contract.ts';
import type { Storyreel } from './services/app.ts';
import { dispatch } from './services/dispatch.ts';
import type { Log } from './services/log.ts';

export function bindIpc(app: Storyreel, windows: () => BrowserWindow[], isTrustedSender: (e: IpcMainInvokeEvent) => boolean, log: Log): () => void {
  const handlers = app.handlers();
  const bound = channels().map(({ channel }) => channel);
  for (const channel of bound) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrustedSender(event)) return { ok: false, error: { code: 'InvalidInput', message: 'Calls are only accepted from Storyreel windows.' } };
      return dispatch(handlers, channel, payload, log);
    });
  }
  const forward = (event: EventName, payload: unknown) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(eventChannel(event), payload);
  };
  app.on('event', forward);
  return () => {
    for (const channel of bound) ipcMain.removeHandler(channel);
    app.off('event', forward);
  };
}
