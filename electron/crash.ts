// Electron's crash reporter: minidumps are always written on this computer (app.getPath('crashDumps')), so a
// crash can be reported by hand; they are uploaded only when the creator opts in (Diagnostics…) and the
// build names an address to send them to (package.json "storyreel.crashReportUrl"). Upload is off otherwise.
import { crashReporter } from 'electron';
import { buildSettings } from './app-package.ts';

export function crashReportUrl(): string | null {
  const url = buildSettings().crashReportUrl;
  return typeof url === 'string' && url.startsWith('https://') ? url : null;
}

export function startCrashReporter(share: boolean): void {
  const url = crashReportUrl();
  crashReporter.start({ submitURL: url ?? '', uploadToServer: share && url !== null, compress: true });
}

/** The creator's choice, applied at once (and kept in settings for the next start). */
export function shareCrashReports(share: boolean): void {
  crashReporter.setUploadToServer(share && crashReportUrl() !== null);
}
