// The app's own package.json "storyreel" block, as the build left it (the release workflow may set
// `signed`; a build may name `crashReportUrl`). Read once; a missing or unreadable file reads as empty.
import { app } from 'electron';
import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: Record<string, unknown> | null = null;

export function buildSettings(): Record<string, unknown> {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(path.join(app.getAppPath(), 'package.json'), 'utf8')) as { storyreel?: unknown };
    cached = pkg.storyreel && typeof pkg.storyreel === 'object' ? (pkg.storyreel as Record<string, unknown>) : {};
  } catch {
    cached = {};
  }
  return cached;
}
