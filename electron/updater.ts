// The Electron side of updates: electron-updater as the UpdateSource of services/updates.ts, set never to
// download or install by itself. Which builds may install: an AppImage (it replaces itself) and builds the
// release workflow marked as signed (package.json "storyreel.signed", set only when signing secrets were
// present). Everything else is notify-only: the notice links to the release page.
import { app } from 'electron';
import { buildSettings } from './app-package.ts';
import type { AppUpdater } from 'electron-updater';
import { UpdateService, type UpdateSource } from './services/updates.ts';

export const RELEASES_URL = 'https://github.com/storyreel/storyreel/releases/';

export function createUpdates(log: (line: string) => void): UpdateService | null {
  // From a checkout there is nothing to update; `npm start` stays quiet.
  if (!app.isPackaged) return null;
  const canInstall = Boolean(process.env.APPIMAGE) || buildSettings().signed === true;
  // Loaded at the first look (a minute after start), not at start-up.
  let loading: Promise<AppUpdater> | null = null;
  const updater = () =>
    (loading ??= import('electron-updater').then(({ autoUpdater }) => {
      autoUpdater.autoDownload = false;
      autoUpdater.autoInstallOnAppQuit = false;
      autoUpdater.logger = { info: (m: unknown) => log(`updater: ${String(m)}`), warn: (m: unknown) => log(`updater: ${String(m)}`), error: (m: unknown) => log(`updater: ${String(m)}`), debug: () => undefined };
      return autoUpdater;
    }));
  const source: UpdateSource = {
    latest: async () => {
      const result = await (await updater()).checkForUpdates();
      return result ? { version: result.updateInfo.version } : null;
    },
    download: async (onProgress) => {
      const u = await updater();
      const listener = (p: { percent: number }) => onProgress(p.percent / 100);
      u.on('download-progress', listener);
      try {
        await u.downloadUpdate();
      } finally {
        u.off('download-progress', listener);
      }
    },
    install: () => void updater().then((u) => u.quitAndInstall()),
  };
  return new UpdateService({ current: app.getVersion(), source, canInstall, releaseUrl: (v) => `${RELEASES_URL}tag/v${v}`, log });
}
