// Pure formatting helpers (unit-tested in tests/unit/renderer-format.test.ts). No DOM here.
import { formatUsd } from '../../../shared/capabilities.ts';

/** 8 → "0:08", 84 → "1:24", 3725 → "1:02:05". */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "about 12 s left", "about 3 min left"; null/negative/NaN → "". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'almost done';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  const min = Math.round(seconds / 60);
  return `about ${min} min left`;
}

/** 0.43 → "43%"; clamps to 0..100. */
export function formatPercent(fraction: number): string {
  return `${percentOf(fraction)}%`;
}

export function percentOf(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

/** The first few words of a prompt, for a placeholder frame. */
export function firstWords(text: string, maxWords = 8): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const head = words.slice(0, maxWords).join(' ');
  return words.length > maxWords ? `${head}…` : head;
}

/** "1280x720" → "1280×720 · 16:9"; shapes without a common name say "portrait"/"landscape". */
export function describeSize(size: string): string {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) return size;
  const w = Number(m[1]);
  const h = Number(m[2]);
  const g = gcd(w, h);
  let ratio = `${w / g}:${h / g}`;
  // 1792x1024 is 7:4, which nobody calls it; name the common shapes.
  const r = w / h;
  if (Math.abs(r - 16 / 9) < 0.02) ratio = '16:9';
  else if (Math.abs(r - 9 / 16) < 0.02) ratio = '9:16';
  if (ratio !== '16:9' && ratio !== '9:16') ratio = w > h ? 'landscape' : w < h ? 'portrait' : 'square';
  return `${w}×${h} · ${ratio}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** "Scenes 2, 4 and 7" / "Scene 3" (shared/words.ts, which main's messages use too). */
export { listScenes } from '../../../shared/words.ts';

/** Joins a folder and a relative path with the folder's own separator (for display only). */
export function joinForDisplay(dir: string, relative: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const rel = sep === '\\' ? relative.replaceAll('/', '\\') : relative;
  return dir.endsWith(sep) ? `${dir}${rel}` : `${dir}${sep}${rel}`;
}

/** US dollars with cents, or with a tenth of a cent when cents would hide the amount: 0.8 → "$0.80", 0.125 → "$0.125". */
/** The one money format, shared with main's messages and the command line. */
export const formatMoney = formatUsd;
