// Media the app makes itself: the Preview provider's storyboard animatics, reference images fitted to
// a provider's frame size, and take thumbnails. All of it goes through Ffmpeg.run.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { parseSize } from '../../../shared/project.ts';
import { lookOf, paletteOf, promptExcerpt, type AnimaticLook } from './animatic-look.ts';
import { captionText, layoutPrompt, textEms } from './animatic-text.ts';
import { escapeFilterValue } from './ffmpeg.ts';
import { drawableFont, metricsOf } from './glyphs.ts';
import { chainClean, fontChain, placeRuns, splitRuns, type ChainFont } from './text-runs.ts';
import type { Ffmpeg, RunOptions } from './ffmpeg.ts';

// Callers and tests import the text helpers from here too.
export { CJK_FONTS, captionText, findFontFile, fontCandidates, layoutPrompt, textEms, wrapText, type PromptLayout } from './animatic-text.ts';

// ---------------------------------------------------------------------------------------------------
// Animatic

export interface AnimaticOptions {
  out: string;
  /** Not drawn: a scene's number changes when scenes move, and a take would carry the old one into the export. */
  sceneNumber?: number | null;
  prompt: string;
  seconds: number;
  size: string;
  fontFile?: string | null;
  /**
   * The fonts to fall back through when no one font draws the whole prompt (text-runs.ts); default: the
   * bundled or preferred font, then the CJK and symbol fonts this system has.
   */
  fontChain?: readonly string[];
  /** The variation: the same seed gives the same picture, byte for byte. Default 1. */
  seed?: number;
  /** The look to draw instead of the seed's own (a remix: its source's look with one attribute moved). */
  look?: AnimaticLook;
  /** Drawn at the bottom ("Take 3 · seed 41237"); default: "seed N". */
  label?: string;
  /** The clip opens on exactly this image, which then fades into the motion (and is what the camera moves over). */
  firstFrame?: string | null;
  /** The clip ends on exactly this image, faded in over the last moments. */
  lastFrame?: string | null;
  /** Reference images, shown as small insets. */
  references?: readonly string[];
  /** Old name of `firstFrame`. */
  referenceImage?: string | null;
}

const FPS = 30;
/** How much larger than the frame the background is drawn, so the camera has room to pan. */
const PAN_MARGIN = 0.15;
const MAX_INSETS = 4;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

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
    // A shadow keeps the text readable over a bright picture.
    'shadowcolor=black@0.6',
    `shadowx=${Math.max(1, Math.round(o.size / 24))}`,
    `shadowy=${Math.max(1, Math.round(o.size / 24))}`,
  ];
  return `drawtext=${parts.join(':')}`;
}

/**
 * Lines drawn run by run, each run in the font of the chain that has its glyphs, placed after the runs
 * before it (measured from the fonts' advance widths). Baselines line up: drawtext's y is the baseline less
 * the run's own ascent. Every run's text goes through a file of its own.
 */
async function drawRuns(dir: string, name: string, lines: readonly string[], chain: readonly ChainFont[], o: { size: number; color: string; x: number; top: number; lineHeight: number }): Promise<string[]> {
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    const baseline = Math.round(o.top + i * o.lineHeight + o.size * 0.93);
    for (const [k, run] of placeRuns(line, splitRuns(line, chain).runs).entries()) {
      const textfile = path.join(dir, `${name}-${i}-${k}.txt`);
      await writeFile(textfile, run.text, 'utf8');
      out.push(drawtext({ font: run.font, textfile, size: o.size, color: o.color, x: String(Math.round(o.x + run.at * o.size)), y: `${baseline}-ascent` }));
    }
  }
  return out;
}

/** One still repeated for `frames` frames at FPS, timestamps from `start` seconds. */
const hold = (frames: number, start = 0): string => `loop=loop=${Math.max(0, frames - 1)}:size=1:start=0,setpts=N/(${FPS}*TB)${start ? `+${fmt(start)}/TB` : ''}`;

/**
 * Renders a storyboard animatic of exactly `o.seconds` that behaves like a take from a model: a seeded
 * palette and camera move with a moving subject (or the camera moving over the first-frame image, shown as it is), the
 * prompt's first words as its title, the wrapped prompt, the take label, a countdown, a progress bar,
 * reference images as insets, and a quiet two-note tone. A first frame opens the clip exactly and fades
 * into the motion; a last frame closes it exactly. H.264 (yuv420p, 30 fps, +faststart) and AAC (48 kHz
 * stereo) in MP4, bit-exact: the same options give the same bytes.
 */
export async function renderAnimatic(ff: Ffmpeg, o: AnimaticOptions, opts: RunOptions = {}): Promise<void> {
  const { width: W, height: H } = parseSize(o.size);
  if (!(o.seconds > 0)) throw new AppError('InvalidInput', 'An animatic needs a length above zero seconds.');
  const S = o.seconds;
  const seed = o.seed ?? 1;
  const look = o.look ?? lookOf(seed);
  const palette = paletteOf(look);
  // One font per block of text when one font at hand draws all of it. Otherwise a chain of fonts, one per
  // run of text (Latin, CJK, Arabic, emoji on one line). What no font at hand draws is left out and counted
  // in the caption, rather than drawn as a box.
  const chain: ChainFont[] = (o.fontChain ?? []).flatMap((file) => {
    const metrics = metricsOf(file);
    return metrics ? [{ file, metrics }] : [];
  });
  if (!o.fontChain) chain.push(...fontChain(o.fontFile, [], o.prompt));
  // A preferred font that cannot be read is trusted as given, alone (the single-font path).
  const trusted = !chain.length || (!!o.fontFile && !o.fontChain && !metricsOf(o.fontFile));
  const fonts = trusted ? drawableFont(o.prompt, o.fontFile) : null;
  const first = chainClean(o.prompt, chain.slice(0, 1));
  const chained = chainClean(o.prompt, chain);
  // Runs when the first font of the chain lacks something a later one has (one font for all of it would
  // draw the Latin in the emoji font, or leave the emoji out).
  const useRuns = !fonts && chained.lost < first.lost;
  const font = fonts ? fonts.font : chain[0]!.file;
  const prompt = fonts ? fonts.clean(o.prompt) : chained.text;
  const lost = fonts ? fonts.missing(o.prompt) : chained.lost;
  const clean = (t: string): string => (fonts ? fonts.clean(t) : chainClean(t, chain.slice(0, 1)).text);
  let title = promptExcerpt(prompt);
  const base = Math.min(W, H);
  const margin = Math.round(base * 0.07);
  const titleSize = Math.max(10, Math.round(base * 0.075));
  const countdownSize = Math.max(10, Math.round(base * 0.075));
  const captionSize = Math.max(8, Math.round(base * 0.04));
  const barHeight = Math.max(2, Math.round(base * 0.012));
  // The title stops short of the countdown ("10 s" at most four ems wide).
  const titleEms = (W - 2 * margin - countdownSize * 4) / titleSize;
  for (let max = [...title].length - 1; textEms(title) > titleEms && max > 3; max--) title = promptExcerpt(prompt, max);
  const promptTop = margin + Math.round(titleSize * 1.5);
  const captionBand = Math.round(captionSize * 2.2 + margin);
  // The prompt keeps the upper part of the frame: the lower part is left to the picture and its motion.
  const promptBottom = Math.round(H * 0.62);
  // The title is the prompt's first sentence when it fits: the body then goes on from there.
  const lead = prompt.trimStart();
  const body = !title.endsWith('…') && lead.startsWith(title) ? lead.slice(title.length).trim() : prompt;
  const layout = layoutPrompt(body, {
    width: W - 2 * margin,
    height: Math.max(0, promptBottom - promptTop),
    maxSize: Math.max(8, Math.round(base * 0.05)),
    minSize: Math.max(7, Math.round(base * 0.028)),
  });
  const textBottom = Math.min(H, promptTop + Math.ceil(layout.lines.length * (layout.fontSize * 1.17 + layout.lineSpacing)) + Math.round(margin / 2));

  const firstFrame = o.firstFrame ?? o.referenceImage ?? null;
  const references = (o.references ?? []).slice(0, MAX_INSETS);
  const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-animatic-'));
  try {
    // Text goes through files: prompts hold quotes, colons, "%", backslashes and commas, and a file
    // needs no escaping at all.
    const files = {
      title: path.join(dir, 'title.txt'),
      prompt: path.join(dir, 'prompt.txt'),
      caption: path.join(dir, 'caption.txt'),
      countdown: path.join(dir, 'countdown.txt'),
    };
    await writeFile(files.title, title, 'utf8');
    // drawtext refuses an empty file; a lone space draws nothing.
    await writeFile(files.prompt, layout.lines.join('\n') || ' ', 'utf8');
    const note = lost ? ` · ${lost} symbol${lost === 1 ? '' : 's'} not drawn (no font here has ${lost === 1 ? 'it' : 'them'})` : '';
    await writeFile(files.caption, clean(`${o.label || `seed ${seed}`} · ${captionText(o.size, S)}${note}`), 'utf8');
    // Whole seconds left, down to 1 on the last frame; the 1 ms absorbs rounding in t (a frame at
    // 0.99999 s must already read one second less, as the one at 1.0 does).
    await writeFile(files.countdown, `%{eif:ceil(${fmt(S)}-t-0.001):d} s`, 'utf8');

    const frames = Math.max(1, Math.round(S * FPS));
    const inputs: Array<{ path: string }> = [];
    const input = (file: string): string => {
      inputs.push({ path: file });
      return `[${inputs.length - 1}:v]`;
    };
    const fit = `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1`;
    const BW = even(W * (1 + PAN_MARGIN));
    const BH = even(H * (1 + PAN_MARGIN));
    const graph: string[] = [];

    // Everything that does not move is drawn once and repeated (drawing text on every frame made a 720p
    // animatic render at about 2x real time); per frame there is only a crop, two overlays and the countdown.
    const firstIn = firstFrame ? input(firstFrame) : null;
    if (firstIn) graph.push(`${firstIn}trim=end_frame=1,${fit},split[ff0][ffbg]`);
    const background = firstIn
      ? `[ffbg]scale=${BW}:${BH}`
      : `gradients=s=${BW}x${BH}:c0=${palette.stops[0]}:c1=${palette.stops[1]}:c2=${palette.stops[2]}:nb_colors=3:x0=0:y0=0:x1=${BW}:y1=${BH}:r=${FPS}:seed=${seed % 2147483647},trim=end_frame=1`;
    // The camera: a pan across the larger background, in the look's direction.
    const px = `(iw-ow)*(0.5+0.5*${fmt(look.pan.dx)}*(2*t/${fmt(S)}-1))`;
    const py = `(ih-oh)*(0.5+0.5*${fmt(look.pan.dy)}*(2*t/${fmt(S)}-1))`;
    graph.push(`${background},format=yuv420p,${hold(frames)},crop=${W}:${H}:x='${px}':y='${py}'[bg]`);

    // Darkened bands behind the words, in RGB so the picture keeps its hue.
    const bands = `drawbox=x=0:y=0:w=iw:h=${textBottom}:color=black@0.55:t=fill,drawbox=x=0:y=ih-${captionBand}:w=iw:h=${captionBand}:color=black@0.55:t=fill`;
    if (firstIn) {
      // The creator's picture is shown as it is: the take's variation is the camera's move over it.
      graph.push(`[bg]${bands}[moving]`);
    } else {
      // The subject: a soft disc that crosses the frame along the look's path.
      const R = Math.max(4, Math.round(H * look.subject.radius));
      const s = look.subject;
      graph.push(`color=c=${palette.subject}:s=${2 * R}x${2 * R}:r=${FPS},trim=end_frame=1,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='220*clip((${R}-hypot(X-${R},Y-${R}))/${Math.max(1, Math.round(R / 12))},0,1)',${hold(frames)}[subject]`);
      const sx = `W*(${fmt(s.x0)}+${fmt(s.x1 - s.x0)}*t/${fmt(S)})-w/2`;
      const sy = `H*(${fmt(s.y0)}+${fmt(s.y1 - s.y0)}*t/${fmt(S)})+H*0.04*sin(2*PI*${fmt(look.wobble)}*t/${fmt(S)})-h/2`;
      graph.push(`[bg][subject]overlay=x='${sx}':y='${sy}':eval=frame,${bands}[moving]`);
    }

    // The words and the reference insets, on a transparent layer drawn once.
    const words = useRuns
      ? [
          ...(await drawRuns(dir, 'title', [title], chain, { size: titleSize, color: 'white', x: margin, top: margin, lineHeight: 0 })),
          ...(await drawRuns(dir, 'prompt', layout.lines, chain, { size: layout.fontSize, color: '0xd8dce6', x: margin, top: promptTop, lineHeight: layout.fontSize * 1.17 + layout.lineSpacing })),
        ]
      : [
          drawtext({ font, textfile: files.title, size: titleSize, color: 'white', x: String(margin), y: String(margin) }),
          drawtext({ font, textfile: files.prompt, size: layout.fontSize, color: '0xd8dce6', x: String(margin), y: String(promptTop), lineSpacing: layout.lineSpacing }),
        ];
    let layer = [
      `color=c=black@0:s=${W}x${H}:r=${FPS},format=rgba,trim=end_frame=1`,
      ...words,
      drawtext({ font, textfile: files.caption, size: captionSize, color: '0xc9d1e0', x: String(margin), y: `h-${margin}-th` }),
    ].join(',');
    if (references.length) {
      const insetH = even(H * 0.2);
      const gap = Math.max(2, Math.round(base * 0.02));
      graph.push(`${layer}[layer0]`);
      references.forEach((ref, i) => {
        const inset = `${input(ref)}trim=end_frame=1,scale=-2:${insetH},setsar=1,format=rgba,pad=iw+4:ih+4:2:2:color=white[inset${i}]`;
        graph.push(inset);
        // Right to left from the right edge, above the caption band.
        const x = `W-${margin}-${i + 1}*(w+${gap})+${gap}`;
        graph.push(`[layer${i}][inset${i}]overlay=x=${x}:y=H-${captionBand}-h-${gap}:format=rgb[layer${i + 1}]`);
      });
      layer = `[layer${references.length}]format=rgba`;
    }
    // With a first frame the words fade in with the motion, so the clip's first frame is the image itself.
    const wordsIn = firstIn ? Math.min(0.7, S * 0.35) : 0;
    graph.push(`${layer},${hold(frames)}${wordsIn ? `,fade=t=in:st=0:d=${fmt(wordsIn)}:alpha=1` : ''}[words]`);
    graph.push(`[moving][words]overlay=format=auto,${drawtext({ font, textfile: files.countdown, size: countdownSize, color: '0xf2c14e', x: `w-tw-${margin}`, y: String(margin), expand: true })}[card]`);
    // The bar fills left to right over the clip: a second way to read "how long is this scene".
    graph.push(`color=c=0x5b8def:s=${W}x${barHeight}:r=${FPS}:d=${fmt(S)}[bar]`);
    let last = 'barred';
    graph.push(`[card][bar]overlay=x=-w+w*(t+${fmt(1 / FPS)})/${fmt(S)}:y=H-h:eval=frame:shortest=1[${last}]`);

    if (firstIn) {
      // The exact first frame, held, then faded out into the motion.
      const start = Math.min(0.15, S * 0.1);
      const fade = Math.min(0.6, S * 0.3);
      graph.push(`[ff0]format=rgba,${hold(Math.ceil((start + fade) * FPS) + 1)},fade=t=out:st=${fmt(start)}:d=${fmt(fade)}:alpha=1[ffo]`);
      graph.push(`[${last}][ffo]overlay=eof_action=pass:format=auto[opened]`);
      last = 'opened';
    }
    if (o.lastFrame) {
      // The exact last frame, faded in over the end and held for the final moments.
      const holdFor = Math.min(0.2, S * 0.1);
      const fade = Math.min(0.6, S * 0.3);
      const start = Math.max(0, S - holdFor - fade);
      const n = Math.max(1, frames - Math.floor(start * FPS));
      graph.push(`${input(o.lastFrame)}trim=end_frame=1,${fit},format=rgba,${hold(n, Math.floor(start * FPS) / FPS)},fade=t=in:st=${fmt(start)}:d=${fmt(fade)}:alpha=1[lfo]`);
      graph.push(`[${last}][lfo]overlay=eof_action=pass:format=auto[closed]`);
      last = 'closed';
    }
    graph.push(`[${last}]format=yuv420p[v]`);
    const fadeA = Math.min(0.5, S / 4);
    graph.push(`aevalsrc=exprs=0.05*sin(2*PI*220*t)+0.035*sin(2*PI*330*t):s=48000:d=${fmt(S)},afade=t=in:d=${fmt(fadeA)},afade=t=out:st=${fmt(S - fadeA)}:d=${fmt(fadeA)},aformat=sample_fmts=fltp:channel_layouts=stereo[a]`);

    // A keyframe every second: an export with transitions copies the animatic's own frames from one on
    // (media/windowed.ts), and encodes only around the transitions.
    await ff.run(
      {
        inputs,
        filterComplex: graph.join(';'),
        outputOptions: [
          '-map', '[v]', '-map', '[a]',
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-g', String(FPS), '-r', String(FPS),
          '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
          // Bit-exact: no encoder version strings or dates, so a seed reproduces its take byte for byte.
          '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1',
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
