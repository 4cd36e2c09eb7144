// The words on a Preview animatic: which font draws them (one with the prompt's script), and how a prompt
// is wrapped and sized to fit its box (pure; drawtext cannot tell us the width it will draw).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------
// Fonts

const FONT_NAME = 'DejaVuSans.ttf';

/** Fonts most machines have, tried when neither the caller nor the app bundle has one. */
const SYSTEM_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  '/System/Library/Fonts/Helvetica.ttc',
  'C:\\Windows\\Fonts\\segoeui.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

function repoFontDirs(): string[] {
  const dirs = [path.join(process.cwd(), 'build', 'fonts')];
  try {
    // electron/services/media/ → repo root; meaningless once bundled, which is why callers may pass
    // the packaged resources folder in `extraDirs`.
    dirs.unshift(fileURLToPath(new URL('../../../build/fonts/', import.meta.url)));
  } catch {
    // Not a file: URL (bundled into something else); the other candidates remain.
  }
  return dirs;
}

/**
 * A TrueType font for drawtext: `preferred`, then `<dir>/DejaVuSans.ttf` for each of `extraDirs`
 * (the app's resources), then the repo's build/fonts/, then common system fonts. Null means "let
 * fontconfig choose", which works with most ffmpeg builds but not all.
 */
export function findFontFile(preferred?: string | null, extraDirs: readonly string[] = [], text = ''): string | null {
  return fontCandidates(preferred, extraDirs, text).find((c) => existsSync(c)) ?? null;
}

/** Fonts with Chinese, Japanese and Korean glyphs (they cover Latin too), where systems usually keep them. */
export const CJK_FONTS: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  '/System/Library/Fonts/PingFang.ttc',
  '/System/Library/Fonts/STHeiti Light.ttc',
  '/System/Library/Fonts/Hiragino Sans GB.ttc',
  '/Library/Fonts/Arial Unicode.ttf',
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\simhei.ttf',
  'C:\\Windows\\Fonts\\YuGothM.ttc',
  'C:\\Windows\\Fonts\\malgun.ttf',
];

const CJK_TEXT = /[\u2E80-\u9FFF\u3040-\u30FF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;

/**
 * The fonts to try, in order. A prompt with CJK characters tries CJK fonts first: DejaVu Sans has no
 * such glyphs and would draw empty boxes (creators write prompts in Chinese, Kazakh, English...).
 */
export function fontCandidates(preferred?: string | null, extraDirs: readonly string[] = [], text = ''): string[] {
  const latin = [...(preferred ? [preferred] : []), ...[...extraDirs, ...repoFontDirs()].map((d) => path.join(d, FONT_NAME)), ...SYSTEM_FONTS];
  return CJK_TEXT.test(text) ? [...CJK_FONTS, ...latin] : latin;
}

// ---------------------------------------------------------------------------------------------------
// Text layout (pure)

/**
 * Advance width of one character in ems, estimated for a sans-serif like DejaVu Sans and rounded up so
 * lines rather fall short than overflow (drawtext cannot tell us the width it will draw).
 */
function charEms(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === ' ') return 0.33;
  if (/[il.,;:'|!jtfr()[\]`]/.test(ch)) return 0.4;
  if (/[mwMW@%]/.test(ch)) return 1.0;
  if (/[A-Z]/.test(ch)) return 0.75;
  if (cp < 0x2e80) return 0.64;
  return 1.05; // CJK, Hangul, full-width forms
}

export function textEms(text: string): number {
  let sum = 0;
  for (const ch of text) sum += charEms(ch);
  return sum;
}

/**
 * Word-wraps `text` so no line is wider than `maxEms`. Keeps the author's line breaks (one blank line
 * at most between paragraphs), breaks words longer than a line, and replaces tabs and control
 * characters, which drawtext would draw as boxes.
 */
export function wrapText(text: string, maxEms: number): string[] {
  const clean = text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const lines: string[] = [];
  for (const paragraph of clean.split('\n')) {
    const words = paragraph.split(/ +/).filter(Boolean);
    if (!words.length) {
      lines.push('');
      continue;
    }
    let line = '';
    for (let word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (textEms(candidate) <= maxEms) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      // A word wider than the line (a URL, or CJK written without spaces) is cut where it must be.
      while (textEms(word) > maxEms) {
        let cut = 0;
        let width = 0;
        for (const ch of word) {
          if (width + charEms(ch) > maxEms && cut > 0) break;
          width += charEms(ch);
          cut += ch.length;
        }
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
      }
      line = word;
    }
    if (line) lines.push(line);
  }
  return lines;
}

export interface PromptLayout {
  fontSize: number;
  lineSpacing: number;
  lines: string[];
  /** True when the prompt did not fit even at the smallest size and ends in "…". */
  truncated: boolean;
}

/**
 * Picks the largest font size (from `maxSize` down to `minSize`) at which the wrapped prompt fits the
 * box; below that it keeps the smallest size and cuts the text with an ellipsis.
 */
export function layoutPrompt(prompt: string, box: { width: number; height: number; maxSize: number; minSize: number }): PromptLayout {
  const spacingOf = (size: number): number => Math.round(size * 0.35);
  // drawtext's line height is about 1.17 em for DejaVu Sans, plus our spacing.
  const lineHeightOf = (size: number): number => size * 1.17 + spacingOf(size);
  const fit = (size: number): string[] | null => {
    const lines = wrapText(prompt, box.width / size);
    return lines.length * lineHeightOf(size) <= box.height ? lines : null;
  };
  // Smaller type only ever fits more, so a binary search finds the largest size that fits; prompts
  // may be 32,000 characters, and wrapping one at every size took a third of a second.
  let best: { size: number; lines: string[] } | null = null;
  for (let lo = box.minSize, hi = Math.max(box.minSize, box.maxSize); lo <= hi; ) {
    const mid = Math.floor((lo + hi) / 2);
    const lines = fit(mid);
    if (lines) {
      best = { size: mid, lines };
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best) return { fontSize: best.size, lineSpacing: spacingOf(best.size), lines: best.lines, truncated: false };
  const size = box.minSize;
  const maxEms = box.width / size;
  const maxLines = Math.max(1, Math.floor(box.height / lineHeightOf(size)));
  const lines = wrapText(prompt, maxEms).slice(0, maxLines);
  let last = lines[maxLines - 1] ?? '';
  while (last && textEms(`${last}…`) > maxEms) last = last.slice(0, -1);
  lines[maxLines - 1] = `${last.trimEnd()}…`;
  return { fontSize: size, lineSpacing: spacingOf(size), lines, truncated: true };
}

/** "1280x720 · 8 s" */
export function captionText(size: string, seconds: number): string {
  return `${size} · ${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

