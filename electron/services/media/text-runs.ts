// A font fallback chain for the words on an animatic. drawtext draws one font per block, and no one font at
// hand draws Latin, CJK, Arabic and emoji together: a line is split into runs by which font of the chain has
// the glyphs (a run keeps its font while that font has the next character), each run is measured from its
// font's advance widths (hmtx) and drawn by its own drawtext, placed after the runs before it. drawtext
// shapes and orders a right-to-left run itself (fribidi, as Debian's ffmpeg has); a line that starts
// right to left places its runs from right to left. Arabic is measured in its joined forms; kerning and
// ligatures (lam-alef) are not measured: runs may sit a hair apart.
import { existsSync } from 'node:fs';
import { CJK_FONTS, fontCandidates } from './animatic-text.ts';
import { INVISIBLE, metricsOf, SYMBOL_FONTS, type FontMetrics } from './glyphs.ts';

export interface ChainFont {
  file: string;
  metrics: FontMetrics;
}

export interface TextRun {
  font: string;
  text: string;
  /** Advance width in ems (times the font size: pixels). */
  ems: number;
}

/**
 * The fonts to fall back through, in order: the preferred or bundled one (Latin, Greek, Cyrillic, Arabic),
 * then fonts with CJK, then fonts with symbols and emoji; only those present and readable.
 */
export function fontChain(preferred?: string | null, extraDirs: readonly string[] = [], text = ''): ChainFont[] {
  const files = [...new Set([...fontCandidates(preferred, extraDirs, text), ...CJK_FONTS, ...SYMBOL_FONTS])].filter((f) => existsSync(f));
  return files.flatMap((file) => {
    const metrics = metricsOf(file);
    return metrics ? [{ file, metrics }] : [];
  });
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const LETTER = /\p{L}/u;

/** Whether a line reads right to left: its first letter is Hebrew, Arabic or another right-to-left script. */
export function startsRightToLeft(line: string): boolean {
  for (const ch of line) if (LETTER.test(ch)) return RTL.test(ch);
  return false;
}

/** Spaces and punctuation: they stay in the run they are in (when its font has them). */
const NEUTRAL = /[\p{Z}\p{P}]/u;

/**
 * `line` as runs of one font each, in reading order, and how many characters no font of the chain has
 * (left out). Each letter, digit or symbol takes the first font of the chain that has it (so Latin after an
 * emoji goes back to the first font); spaces and punctuation stay in the run they are in.
 */
export function splitRuns(line: string, chain: readonly ChainFont[]): { runs: TextRun[]; lost: number } {
  const runs: Array<{ font: ChainFont; text: string }> = [];
  let lost = 0;
  for (const raw of line.replace(INVISIBLE, '')) {
    const ch = raw.codePointAt(0)! < 0x20 ? ' ' : raw;
    const cp = ch.codePointAt(0)!;
    const current = runs.at(-1);
    const font = (NEUTRAL.test(ch) || cp === 0x20) && current?.font.metrics.covers(cp) ? current.font : chain.find((f) => f.metrics.covers(cp));
    if (!font) {
      lost++;
      continue;
    }
    if (current?.font === font) current.text += ch;
    else runs.push({ font, text: ch });
  }
  return { runs: runs.filter((r) => r.text.trim()).map((r) => ({ font: r.font.file, text: r.text, ems: measure(r.text, r.font.metrics) })), lost };
}

/**
 * A run's width in ems. Arabic letters are measured in the form drawtext will draw (initial, medial, final
 * or isolated, from Arabic Presentation Forms-B where the font has them): joined letters are narrower.
 */
export function measure(text: string, metrics: FontMetrics): number {
  const chars = [...text].map((c) => c.codePointAt(0)!);
  let ems = 0;
  chars.forEach((cp, i) => {
    const form = arabicForm(chars, i);
    ems += form !== null && metrics.covers(form) ? metrics.advance(form) : metrics.advance(cp);
  });
  return ems;
}

/** Basic Arabic letters: their isolated form in Presentation Forms-B and whether they join on both sides (D) or only to the one before (R). */
const ARABIC: Record<number, [number, 'D' | 'R' | 'U']> = {
  0x621: [0xfe80, 'U'], 0x622: [0xfe81, 'R'], 0x623: [0xfe83, 'R'], 0x624: [0xfe85, 'R'], 0x625: [0xfe87, 'R'], 0x626: [0xfe89, 'D'],
  0x627: [0xfe8d, 'R'], 0x628: [0xfe8f, 'D'], 0x629: [0xfe93, 'R'], 0x62a: [0xfe95, 'D'], 0x62b: [0xfe99, 'D'], 0x62c: [0xfe9d, 'D'],
  0x62d: [0xfea1, 'D'], 0x62e: [0xfea5, 'D'], 0x62f: [0xfea9, 'R'], 0x630: [0xfeab, 'R'], 0x631: [0xfead, 'R'], 0x632: [0xfeaf, 'R'],
  0x633: [0xfeb1, 'D'], 0x634: [0xfeb5, 'D'], 0x635: [0xfeb9, 'D'], 0x636: [0xfebd, 'D'], 0x637: [0xfec1, 'D'], 0x638: [0xfec5, 'D'],
  0x639: [0xfec9, 'D'], 0x63a: [0xfecd, 'D'], 0x641: [0xfed1, 'D'], 0x642: [0xfed5, 'D'], 0x643: [0xfed9, 'D'], 0x644: [0xfedd, 'D'],
  0x645: [0xfee1, 'D'], 0x646: [0xfee5, 'D'], 0x647: [0xfee9, 'D'], 0x648: [0xfeed, 'R'], 0x649: [0xfeef, 'R'], 0x64a: [0xfef1, 'D'],
};
/** Harakat and other marks: they do not break a join. */
const TRANSPARENT = (cp: number): boolean => (cp >= 0x64b && cp <= 0x65f) || cp === 0x670;

function arabicForm(chars: readonly number[], i: number): number | null {
  const me = ARABIC[chars[i]!];
  if (!me) return null;
  const neighbour = (step: number): number | undefined => {
    for (let k = i + step; k >= 0 && k < chars.length; k += step) if (!TRANSPARENT(chars[k]!)) return chars[k];
    return undefined;
  };
  const before = neighbour(-1);
  const after = neighbour(1);
  const joinsBefore = me[1] !== 'U' && before !== undefined && (ARABIC[before]?.[1] === 'D' || before === 0x640);
  const joinsAfter = me[1] === 'D' && after !== undefined && ((ARABIC[after] && ARABIC[after][1] !== 'U') || after === 0x640);
  const [iso] = me;
  if (joinsBefore && joinsAfter) return iso + 3;
  if (joinsBefore) return iso + 1;
  if (joinsAfter) return iso + 2;
  return iso;
}

/** Each run with its left edge in ems from the line's start, in the order they appear on screen. */
export function placeRuns(line: string, runs: readonly TextRun[]): Array<TextRun & { at: number }> {
  const visual = startsRightToLeft(line) ? [...runs].reverse() : runs;
  let at = 0;
  return visual.map((r) => {
    const placed = { ...r, at };
    at += r.ems;
    return placed;
  });
}

/** `text` with only what no font of the chain can draw left out, and how many characters that was. */
export function chainClean(text: string, chain: readonly ChainFont[]): { text: string; lost: number } {
  let lost = 0;
  const kept = [...text.replace(INVISIBLE, '')].filter((ch) => {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x20 || chain.some((f) => f.metrics.covers(cp))) return true;
    lost++;
    return false;
  });
  return { text: kept.join('').replace(/ {2,}/g, ' '), lost };
}
