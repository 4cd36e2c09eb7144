// Which characters a font can draw, and how wide, read from its cmap and hmtx tables. drawtext takes one
// font per block of text and draws a box for every character that font lacks (emoji, symbols, scripts it
// does not cover), so the animatic draws a block in one font when one has all of it (drawableFont), and
// otherwise run by run through a chain of fonts (text-runs.ts); what no font at hand can draw is left out,
// and said to be.
// Only DejaVu Sans is bundled (build/fonts, its own free licence): it covers Latin, Greek, Cyrillic, Arabic
// (joined and right to left where ffmpeg has fribidi, as Debian's does) and some emoji. More comes from the
// system: on Debian, fonts-wqy-microhei (CJK) and fonts-symbola (monochrome emoji and symbols; "free for
// any use", redistribution allowed, not bundled for its 3 MB: Windows and macOS have Segoe UI Symbol and
// Apple Symbols). Colour emoji fonts (CBDT) are not drawn by drawtext.
import { existsSync, readFileSync } from 'node:fs';
import { CJK_FONTS, fontCandidates } from './animatic-text.ts';

/** A font's coverage: whether it maps a code point to a real glyph. */
export type Coverage = (codePoint: number) => boolean;

interface Segment {
  start: number;
  end: number;
  delta: number;
  /** Format 4's idRangeOffset, as the byte position of the glyph id array entry for `start`; 0 = none. */
  glyphAt: number;
  /** Format 12: the glyph of `start`. */
  startGlyph?: number;
}

/** Parses the Unicode cmap of a TrueType/OpenType font (the first font of a collection); null if unreadable. */
export function parseCoverage(bytes: Buffer): Coverage | null {
  const glyphOf = parseGlyphs(bytes);
  return glyphOf && ((cp) => glyphOf(cp) !== 0);
}

/** Where each table of the font (the first of a collection) starts. */
function tables(bytes: Buffer): Map<string, number> {
  let base = 0;
  if (bytes.toString('latin1', 0, 4) === 'ttcf') base = bytes.readUInt32BE(12);
  const found = new Map<string, number>();
  for (let i = 0; i < bytes.readUInt16BE(base + 4); i++) {
    const rec = base + 12 + i * 16;
    found.set(bytes.toString('latin1', rec, rec + 4), bytes.readUInt32BE(rec + 8));
  }
  return found;
}

/** The cmap as a function: code point → glyph id, 0 for none; null if unreadable. */
function parseGlyphs(bytes: Buffer): ((codePoint: number) => number) | null {
  try {
    const cmap = tables(bytes).get('cmap') ?? -1;
    if (cmap < 0) return null;
    const subtables: Array<{ platform: number; encoding: number; offset: number }> = [];
    for (let i = 0; i < bytes.readUInt16BE(cmap + 2); i++) {
      const rec = cmap + 4 + i * 8;
      subtables.push({ platform: bytes.readUInt16BE(rec), encoding: bytes.readUInt16BE(rec + 2), offset: cmap + bytes.readUInt32BE(rec + 4) });
    }
    // Full Unicode (format 12) first, then the Basic Multilingual Plane (format 4).
    const pick = (format: number): number | undefined => subtables.find((s) => (s.platform === 3 || s.platform === 0) && bytes.readUInt16BE(s.offset) === format)?.offset;
    const at12 = pick(12);
    const segments: Segment[] = [];
    if (at12 !== undefined) {
      const groups = bytes.readUInt32BE(at12 + 12);
      for (let g = 0; g < groups; g++) {
        const p = at12 + 16 + g * 12;
        segments.push({ start: bytes.readUInt32BE(p), end: bytes.readUInt32BE(p + 4), delta: 0, glyphAt: 0, startGlyph: bytes.readUInt32BE(p + 8) });
      }
    } else {
      const at4 = pick(4);
      if (at4 === undefined) return null;
      const segX2 = bytes.readUInt16BE(at4 + 6);
      const ends = at4 + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const ranges = deltas + segX2;
      for (let i = 0; i < segX2 / 2; i++) {
        const rangeOffset = bytes.readUInt16BE(ranges + i * 2);
        segments.push({
          start: bytes.readUInt16BE(starts + i * 2),
          end: bytes.readUInt16BE(ends + i * 2),
          delta: bytes.readInt16BE(deltas + i * 2),
          glyphAt: rangeOffset ? ranges + i * 2 + rangeOffset : 0,
        });
      }
    }
    return (cp) => {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const s = segments[mid]!;
        if (cp < s.start) hi = mid - 1;
        else if (cp > s.end) lo = mid + 1;
        else if (s.startGlyph !== undefined) return s.startGlyph + (cp - s.start);
        else if (!s.glyphAt) return (cp + s.delta) & 0xffff;
        else {
          const glyph = bytes.readUInt16BE(s.glyphAt + (cp - s.start) * 2);
          return glyph === 0 ? 0 : (glyph + s.delta) & 0xffff;
        }
      }
      return 0;
    };
  } catch {
    return null;
  }
}

/** A font's coverage and each character's advance width in ems (hmtx; shaping and kerning not counted). */
export interface FontMetrics {
  covers: Coverage;
  advance(codePoint: number): number;
}

export function parseMetrics(bytes: Buffer): FontMetrics | null {
  const glyphOf = parseGlyphs(bytes);
  if (!glyphOf) return null;
  try {
    const t = tables(bytes);
    const head = t.get('head');
    const hhea = t.get('hhea');
    const hmtx = t.get('hmtx');
    if (head === undefined || hhea === undefined || hmtx === undefined) return null;
    const unitsPerEm = bytes.readUInt16BE(head + 18) || 1000;
    const metrics = bytes.readUInt16BE(hhea + 34);
    return {
      covers: (cp) => glyphOf(cp) !== 0,
      advance: (cp) => bytes.readUInt16BE(hmtx + 4 * Math.min(glyphOf(cp), metrics - 1)) / unitsPerEm,
    };
  } catch {
    return null;
  }
}

/** `parse` of a font file, read and parsed once per file for the process; null when unreadable. */
function once<T>(cache: Map<string, T | null>, parse: (bytes: Buffer) => T | null): (file: string) => T | null {
  return (file) => {
    if (!cache.has(file)) {
      let value: T | null = null;
      try {
        value = parse(readFileSync(file));
      } catch {
        value = null;
      }
      cache.set(file, value);
    }
    return cache.get(file) ?? null;
  };
}

export const metricsOf = once(new Map<string, FontMetrics | null>(), parseMetrics);

export const coverageOf = once(new Map<string, Coverage | null>(), parseCoverage);

/** Fonts for symbols and scripts beyond Latin, Cyrillic, Greek and CJK, where systems keep them. */
export const SYMBOL_FONTS: readonly string[] = [
  '/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf',
  '/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
  '/System/Library/Fonts/Apple Symbols.ttf',
  '/System/Library/Fonts/GeezaPro.ttc',
  'C:\\Windows\\Fonts\\seguisym.ttf',
  'C:\\Windows\\Fonts\\tahoma.ttf',
];

/** Invisible joiners and selectors: never drawn, never a reason to choose a font, never counted as lost. */
export const INVISIBLE = /[\u200B-\u200F\u2060\uFE00-\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/gu;

export interface DrawableText {
  font: string | null;
  /** What each text becomes with that font: characters it cannot draw are left out. */
  clean(text: string): string;
  /** How many characters of `text` are left out. */
  missing(text: string): number;
}

/**
 * The font that draws `text` best: the preferred one if it draws everything (or cannot be read: trusted as
 * given), else the first font at hand that covers all of it, else the one covering the most.
 */
export function drawableFont(text: string, preferred?: string | null, extraDirs: readonly string[] = []): DrawableText {
  const visible = [...new Set(text.replace(INVISIBLE, ''))].filter((ch) => ch.codePointAt(0)! > 0x20);
  const existing = [...new Set([...fontCandidates(preferred, extraDirs, text), ...CJK_FONTS, ...SYMBOL_FONTS])].filter((f) => existsSync(f));
  let best: { font: string | null; coverage: Coverage | null; lacks: number } = { font: existing[0] ?? null, coverage: null, lacks: Infinity };
  for (const font of existing) {
    const coverage = coverageOf(font);
    if (!coverage) {
      if (font === preferred) return { font, clean: (t) => t, missing: () => 0 };
      continue;
    }
    const lacks = visible.filter((ch) => !coverage(ch.codePointAt(0)!)).length;
    if (lacks < best.lacks) best = { font, coverage, lacks };
    if (!lacks) break;
  }
  const coverage = best.coverage;
  const drawable = (ch: string): boolean => !coverage || ch.codePointAt(0)! <= 0x20 || coverage(ch.codePointAt(0)!);
  return {
    font: best.font,
    clean: (t) => [...t.replace(INVISIBLE, '')].filter(drawable).join('').replace(/ {2,}/g, ' '),
    missing: (t) => [...t.replace(INVISIBLE, '')].filter((ch) => !drawable(ch)).length,
  };
}
