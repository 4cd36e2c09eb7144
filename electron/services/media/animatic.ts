// Media the app makes itself: the Preview provider's storyboard animatics, reference images fitted to
// a provider's frame size, and take thumbnails. All of it goes through Ffmpeg.run.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/errors.ts';
import { parseSize } from '../../../shared/project.ts';
import { escapeFilterValue } from './ffmpeg.ts';
import type { Ffmpeg, RunOptions } from './ffmpeg.ts';

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

// ---------------------------------------------------------------------------------------------------
// Animatic

export interface AnimaticOptions {
  out: string;
  /** Null when the caller does not know which scene it is: the card then just says "SCENE". */
  sceneNumber: number | null;
  prompt: string;
  seconds: number;
  size: string;
  fontFile?: string | null;
  /** An image shown (fitted, darkened) behind the text. */
  referenceImage?: string | null;
}

const FPS = 30;
const BACKGROUND = '0x15171c';

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}

function drawtext(o: { font: string | null; textfile: string; size: number; color: string; x: string; y: string; expand?: boolean; lineSpacing?: number }): string {
  const parts = [
    ...(o.font ? [`fontfile=${escapeFilterValue(o.font)}`] : []),
    `textfile=${escapeFilterValue(o.textfile)}`,
    // The prompt is the creator's text, drawn as written: "%" must not start an expansion.
    `expansion=${o.expand ? 'normal' : 'none'}`,
    `fontsize=${o.size}`,
    `fontcolor=${o.color}`,
    `x=${o.x}`,
    `y=${o.y}`,
    ...(o.lineSpacing ? [`line_spacing=${o.lineSpacing}`] : []),
    // A shadow keeps the text readable over a bright reference image.
    'shadowcolor=black@0.6',
    `shadowx=${Math.max(1, Math.round(o.size / 24))}`,
    `shadowy=${Math.max(1, Math.round(o.size / 24))}`,
  ];
  return `drawtext=${parts.join(':')}`;
}

/**
 * Renders a storyboard card of exactly `o.seconds`: "SCENE n", the wrapped prompt, a countdown, the
 * size and length, a progress bar, and a quiet two-note tone so the export's audio path is exercised.
 * H.264 (yuv420p, 30 fps, +faststart) and AAC (48 kHz stereo) in MP4, written to `o.out`.
 */
export async function renderAnimatic(ff: Ffmpeg, o: AnimaticOptions, opts: RunOptions = {}): Promise<void> {
  const { width: W, height: H } = parseSize(o.size);
  if (!(o.seconds > 0)) throw new AppError('InvalidInput', 'An animatic needs a length above zero seconds.');
  const S = o.seconds;
  const font = findFontFile(o.fontFile, [], o.prompt);
  const base = Math.min(W, H);
  const margin = Math.round(base * 0.07);
  const sceneSize = Math.max(12, Math.round(base * 0.11));
  const countdownSize = Math.max(10, Math.round(base * 0.08));
  const captionSize = Math.max(8, Math.round(base * 0.034));
  const barHeight = Math.max(2, Math.round(base * 0.012));
  const promptTop = margin + Math.round(sceneSize * 1.6);
  const promptBottom = H - margin - Math.round(captionSize * 2.2);
  const layout = layoutPrompt(o.prompt, {
    width: W - 2 * margin,
    height: Math.max(0, promptBottom - promptTop),
    maxSize: Math.max(8, Math.round(base * 0.06)),
    minSize: Math.max(7, Math.round(base * 0.028)),
  });

  const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-animatic-'));
  try {
    // Text goes through files: prompts hold quotes, colons, "%", backslashes and commas, and a file
    // needs no escaping at all.
    const files = {
      scene: path.join(dir, 'scene.txt'),
      prompt: path.join(dir, 'prompt.txt'),
      caption: path.join(dir, 'caption.txt'),
      countdown: path.join(dir, 'countdown.txt'),
    };
    await writeFile(files.scene, o.sceneNumber === null ? 'SCENE' : `SCENE ${o.sceneNumber}`, 'utf8');
    // drawtext refuses an empty file; a lone space draws nothing.
    await writeFile(files.prompt, layout.lines.join('\n') || ' ', 'utf8');
    await writeFile(files.caption, captionText(o.size, S), 'utf8');
    // Whole seconds left, down to 1 on the last frame; the 1 ms absorbs rounding in t (a frame at
    // 0.99999 s must already read one second less, as the one at 1.0 does).
    await writeFile(files.countdown, `%{eif:ceil(${fmt(S)}-t-0.001):d} s`, 'utf8');

    // The card is drawn once and repeated: drawing four text blocks and a vignette on every frame made
    // a 720p animatic render at about 2x real time; this way it is over 5x.
    const frames = Math.max(1, Math.round(S * FPS));
    const inputs = o.referenceImage ? [{ path: o.referenceImage }] : [];
    // With a reference image, only the bands behind the text are darkened (in RGB, so colours keep their
    // hue): the creator must recognise their picture, and the words must stay readable over it.
    const textBottom = Math.min(H, promptTop + Math.ceil(layout.lines.length * (layout.fontSize * 1.17 + layout.lineSpacing)) + Math.round(margin / 2));
    const captionBand = Math.round(captionSize * 2.2 + margin);
    const background = o.referenceImage
      ? `[0:v]trim=end_frame=1,scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=${BACKGROUND},setsar=1,format=rgb24,` +
        `drawbox=x=0:y=0:w=iw:h=${textBottom}:color=black@0.6:t=fill,drawbox=x=0:y=ih-${captionBand}:w=iw:h=${captionBand}:color=black@0.6:t=fill,format=yuv420p`
      : `color=c=${BACKGROUND}:s=${W}x${H}:r=${FPS},trim=end_frame=1,format=yuv420p,vignette=angle=PI/4`;
    const fade = Math.min(0.5, S / 4);
    const card = [
      background,
      drawtext({ font, textfile: files.scene, size: sceneSize, color: 'white', x: String(margin), y: String(margin) }),
      drawtext({ font, textfile: files.prompt, size: layout.fontSize, color: '0xd8dce6', x: String(margin), y: String(promptTop), lineSpacing: layout.lineSpacing }),
      drawtext({ font, textfile: files.caption, size: captionSize, color: '0x8a93a6', x: String(margin), y: `h-${margin}-th` }),
      `loop=loop=${frames - 1}:size=1:start=0`,
      `setpts=N/(${FPS}*TB)`,
      drawtext({ font, textfile: files.countdown, size: countdownSize, color: '0xf2c14e', x: `w-tw-${margin}`, y: String(margin), expand: true }),
    ].join(',');
    const filterComplex = [
      `${card}[card]`,
      // The bar fills left to right over the clip: a second way to read "how long is this scene".
      `color=c=0x5b8def:s=${W}x${barHeight}:r=${FPS}:d=${fmt(S)}[bar]`,
      `[card][bar]overlay=x=-w+w*(t+${fmt(1 / FPS)})/${fmt(S)}:y=H-h:eval=frame:shortest=1,format=yuv420p[v]`,
      `aevalsrc=exprs=0.05*sin(2*PI*220*t)+0.035*sin(2*PI*330*t):s=48000:d=${fmt(S)},afade=t=in:d=${fmt(fade)},afade=t=out:st=${fmt(S - fade)}:d=${fmt(fade)},aformat=sample_fmts=fltp:channel_layouts=stereo[a]`,
    ].join(';');

    await ff.run(
      {
        inputs,
        filterComplex,
        outputOptions: [
          '-map', '[v]', '-map', '[a]',
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-g', String(FPS * 2), '-r', String(FPS),
          '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
          '-t', fmt(S), '-movflags', '+faststart', '-f', 'mp4',
        ],
        output: o.out,
        totalSeconds: S,
      },
      opts,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Stills

/**
 * Fits any image into exactly WxH without cropping or stretching (letterbox/pillarbox in black),
 * flattening transparency onto black, and writes a PNG. Providers reject first frames of another size.
 */
export async function fitImage(ff: Ffmpeg, input: string, out: string, size: string, opts: RunOptions = {}): Promise<void> {
  const { width: W, height: H } = parseSize(size);
  await ff.run(
    {
      inputs: [{ path: input }],
      filterComplex: `color=c=black:s=${W}x${H}:r=1[bg];[0:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,setsar=1,format=rgba[fg];[bg][fg]overlay=x=(W-w)/2:y=(H-h)/2:shortest=1:format=auto,format=rgb24[v]`,
      outputOptions: ['-map', '[v]', '-frames:v', '1', '-c:v', 'png', '-update', '1', '-f', 'image2'],
      output: out,
      totalSeconds: 0,
    },
    opts,
  );
}

/**
 * A small JPEG (320 px wide) of one frame, by default a second in (or a third of the way into a
 * shorter clip): the very first frame of a generated clip is often black or a fade.
 */
export async function thumbnail(ff: Ffmpeg, video: string, outJpg: string, atSeconds?: number, opts: RunOptions = {}): Promise<void> {
  const info = await ff.probe(video, opts.signal ? { signal: opts.signal } : {});
  const duration = info.video?.durationSeconds ?? info.durationSeconds;
  if (!info.video) throw new AppError('MediaInvalid', 'This file has no picture to make a thumbnail from.', { detail: video });
  const wanted = atSeconds ?? Math.min(1, duration / 3);
  // Seeking past the last frame yields no frame at all; stay a frame inside the clip.
  const at = Math.max(0, Math.min(wanted, duration - 0.05));
  await ff.run(
    {
      inputs: [{ path: video, options: ['-ss', at.toFixed(3)] }],
      outputOptions: ['-map', '0:v:0', '-frames:v', '1', '-vf', 'scale=320:-2', '-q:v', '4', '-update', '1', '-f', 'image2'],
      output: outJpg,
      totalSeconds: 0,
    },
    opts,
  );
  const written = await stat(outJpg).catch(() => null);
  if (!written || written.size === 0) throw new AppError('FfmpegFailed', 'Storyreel could not make a thumbnail for this video.', { detail: `${video} at ${at}s gave no frame` });
}
