// The preload: one narrow, typed API object on window.storyreel, built from the shared contract.
// No raw ipcRenderer, no process, no file paths beyond the open project's media.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { makeClient } from '../shared/contract.ts';

export const MEDIA_SCHEME = 'storyreel-media';

const api = makeClient(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, listener) => {
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
  (rel) => `${MEDIA_SCHEME}://project/${rel.split('/').map(encodeURIComponent).join('/')}`,
  (e) => ({ name: 'RemoteError', code: e.code, message: e.message, detail: e.detail }),
);

contextBridge.exposeInMainWorld('storyreel', api);
