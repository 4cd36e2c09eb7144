// Captions burned into the picture: each scene's caption drawn at the bottom of the frame for exactly the
// time its cue has in the SRT/VTT sidecars (export/interchange/captions.ts), so trims and transitions move
// them the same way. Each caption's text goes to drawtext from a file (never through the filter graph's
// quoting), drawn as written (no % expansion), with a font that has its characters (glyphs.ts).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeFilterValue } from './ffmpeg.ts';
import { drawableFont } from './glyphs.ts';

export interface BurnCue {
  startMs: number;
  endMs: number;
  lines: string[];
}

/**
 * Writes each cue's text into `dir` and returns the drawtext chain for a frame of `height` pixels, or
 * null when there is no cue. A frame at t shows a cue when start ≤ t < end.
 */
export async function captionFilter(cues: readonly BurnCue[], height: number, dir: string, fontFile?: string | null): Promise<string | null> {
  if (!cues.length) return null;
  const font = drawableFont(cues.flatMap((c) => c.lines).join('\n'), fontFile ?? null);
  const size = Math.max(12, Math.round(height / 18));
  const margin = Math.round(height / 14);
  const border = Math.max(1, Math.round(size / 14));
  const filters: string[] = [];
  for (const [i, cue] of cues.entries()) {
    const text = cue.lines.map((l) => font.clean(l)).filter((l) => l.trim()).join('\n');
    if (!text) continue;
    const file = path.join(dir, `caption-${i + 1}.txt`);
    await writeFile(file, text, 'utf8');
    const opts = [
      ...(font.font ? [`fontfile=${escapeFilterValue(font.font)}`] : []),
      `textfile=${escapeFilterValue(file)}`,
      'expansion=none',
      `fontsize=${size}`,
      'fontcolor=white',
      `borderw=${border}`,
      'bordercolor=black@0.85',
      `line_spacing=${Math.round(size / 5)}`,
      'x=(w-text_w)/2',
      `y=h-text_h-${margin}`,
      `enable=gte(t\\,${(cue.startMs / 1000).toFixed(3)})*lt(t\\,${(cue.endMs / 1000).toFixed(3)})`,
    ];
    filters.push(`drawtext=${opts.join(':')}`);
  }
  return filters.length ? filters.join(',') : null;
}
