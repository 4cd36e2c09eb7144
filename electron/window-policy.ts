// What the window may load and open, kept apart from main.ts (which needs Electron) so tests can load it.
//  - The renderer is served from its build folder through the storyreel-app:// scheme, not file://, so
//    the page has its own origin and file:// keeps no special power (the GrantFileProtocolExtraPrivileges
//    fuse is off in packaged builds).
//  - The system browser opens only https links the app itself shows: an allow-list, not "any http(s)".
import path from 'node:path';

export const APP_SCHEME = 'storyreel-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The links the app shows (release notes, the security policy, where to get ffmpeg). Anything a page
 * asks to open is refused unless it is one of these, or a page under one ending in "/".
 */
export const EXTERNAL_LINKS: readonly string[] = [
  'https://github.com/storyreel/storyreel/releases/',
  'https://github.com/storyreel/storyreel/blob/main/SECURITY.md',
  'https://github.com/storyreel/storyreel/blob/main/README.md',
  'https://ffmpeg.org/download.html',
];

/** Whether `url` may be handed to the system browser. */
export function isAllowedExternal(url: string, allow: readonly string[] = EXTERNAL_LINKS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  const page = `${u.origin}${u.pathname}`;
  return allow.some((a) => (a.endsWith('/') ? page.startsWith(a) && !u.pathname.split('/').includes('..') : page === a));
}

/** Whether a frame at `url` is the app's own page (IPC is answered only for it). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file in `rendererDir` a storyreel-app:// URL names, or null (404): no dot segments, no escape. */
export function appFile(rendererDir: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let segments: string[];
  try {
    segments = u.pathname.replace(/^\/+/, '').split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.length === 1 && segments[0] === '') segments = ['index.html'];
  if (segments.some((s) => !s || s.startsWith('.') || /[\\/:]/.test(s) || s.includes('\0'))) return null;
  const root = path.resolve(rendererDir);
  const file = path.join(root, ...segments);
  return file.startsWith(root + path.sep) ? file : null;
}
