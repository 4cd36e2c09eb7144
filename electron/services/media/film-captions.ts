// Captions burned into the picture: each scene's caption drawn at the bottom of the frame for exactly the
// time its cue has in the SRT/VTT sidecars (export/interchange/captions.ts), so trims and transitions move
// them the same way. Each caption's text goes to drawtext from a file (never through the filter graph's
// quoting), drawn as written (no % expansion), with a font that has its characters (glyphs.ts).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeFilterValue } from './ffmpeg.ts';
import { wrapText } from './animatic-text.ts';
import { drawableFont } from './glyphs.ts';

export interface BurnCue {
  startMs: number;
  endMs: number;
  lines: string[];
}

/** A caption's lines wrapped to 90 % of the frame's width, and the font size: smaller for a long caption. */
export function fitCaption(lines: readonly string[], frame: { width: number; height: number }): { lines: string[]; size: number } {
  const largest = Math.max(12, Math.round(frame.height / 18));
  const smallest = Math.max(10, Math.round(frame.height / 30));
  let size = largest;
  for (;;) {
    const wrapped = lines.flatMap((l) => wrapText(l, (frame.width * 0.9) / size)).filter((l) => l.trim());
    // Three lines at most at full size; a longer caption gets smaller type (never below a thirtieth of the height).
    if (wrapped.length <= 3 || size <= smallest) return { lines: wrapped, size };
    size = Math.max(smallest, Math.floor(size * 0.85));
  }
}

/**
 * Writes each cue's text into `dir` and returns the drawtext chain for `frame`, or null when there is no
 * cue. A frame at t shows a cue when start ≤ t < end.
 */
export async function captionFilter(cues: readonly BurnCue[], frame: { width: number; height: number }, dir: string, fontFile?: string | null): Promise<string | null> {
  if (!cues.length) return null;
  const font = drawableFont(cues.flatMap((c) => c.lines).join('\n'), fontFile ?? null);
  const margin = Math.round(frame.height / 16);
  const filters: string[] = [];
  for (const [i, cue] of cues.entries()) {
    const { lines, size } = fitCaption(cue.lines.map((l) => font.clean(l).trim()).filter(Boolean), frame);
    const border = Math.max(1, Math.round(size / 14));
    const lineHeight = Math.round(size * 1.3);
    // One drawtext per line, each centred on its own (drawtext aligns the lines of one text to the left),
    // the last line `margin` above the bottom edge.
    for (const [k, line] of lines.entries()) {
      const file = path.join(dir, `caption-${i + 1}-${k + 1}.txt`);
      await writeFile(file, line, 'utf8');
      const opts = [
        ...(font.font ? [`fontfile=${escapeFilterValue(font.font)}`] : []),
        `textfile=${escapeFilterValue(file)}`,
        'expansion=none',
        `fontsize=${size}`,
        'fontcolor=white',
        `borderw=${border}`,
        'bordercolor=black@0.85',
        'x=(w-text_w)/2',
        `y=h-${margin + (lines.length - k) * lineHeight}`,
        `enable=gte(t\\,${(cue.startMs / 1000).toFixed(3)})*lt(t\\,${(cue.endMs / 1000).toFixed(3)})`,
      ];
      filters.push(`drawtext=${opts.join(':')}`);
    }
  }
  return filters.length ? filters.join(',') : null;
}
