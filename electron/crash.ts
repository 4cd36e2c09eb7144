// Electron's crash reporter: minidumps are always written on this computer (app.getPath('crashDumps')), so a
// crash can be reported by hand; they are uploaded only when the creator opts in (Diagnostics…) and the
// build names an address to send them to (package.json "storyreel.crashReportUrl"). Upload is off otherwise.
import { app, crashReporter } from 'electron';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function crashReportUrl(): string | null {
  try {
    const pkg = JSON.parse(readFileSync(path.join(app.getAppPath(), 'package.json'), 'utf8')) as { storyreel?: { crashReportUrl?: unknown } };
    const url = pkg.storyreel?.crashReportUrl;
    return typeof url === 'string' && url.startsWith('https://') ? url : null;
  } catch {
    return null;
  }
}

export function startCrashReporter(share: boolean): void {
  const url = crashReportUrl();
  crashReporter.start({ submitURL: url ?? '', uploadToServer: share && url !== null, compress: true });
}

/** The creator's choice, applied at once (and kept in settings for the next start). */
export function shareCrashReports(share: boolean): void {
  crashReporter.setUploadToServer(share && crashReportUrl() !== null);
}
