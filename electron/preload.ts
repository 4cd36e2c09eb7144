// The preload: one narrow, typed API object on window.storyreel, built from the shared contract's channel
// list (injected at build time, so no schema library ships in the sandboxed preload). No raw ipcRenderer,
// no process, no file paths beyond the open project's media.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildClient, type ChannelDef } from '../shared/client.ts';

declare const __STORYREEL_CHANNELS__: ChannelDef[];
const MEDIA_SCHEME = 'storyreel-media';

const api = buildClient(
  __STORYREEL_CHANNELS__,
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
