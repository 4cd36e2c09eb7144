// `storyreel export`'s command line read into what the export takes, or a usage error in words (exit 2),
// before anything is opened or encoded. Node built-ins only.
import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const EXPORT_HELP = `  storyreel export <project-dir> [options]
      Export the chosen takes (trims and transitions included) without generating anything.
      --out FILE            where to write the MP4 (default: <project-dir>/exports/<title>-<time>.mp4)
      --preset 16:9|9:16|1:1  the film's shape (default: the project's size)
      --fit | --fill        fit each take inside the frame (bars) or fill it (cropped); default fit
      --quality Q           draft | standard (default) | high
      --loudnorm [LUFS]     bring the film to a loudness target, measured in two passes (default -14;
                            -16 and -23 are the usual others; true peak -1 dBTP)
      --music FILE          lay an audio file under the whole film: looped or cut to its length, faded
                            in and out, lowered while the scenes' own sound plays
      --captions srt|burn   srt: write the scenes' captions as .srt and .vtt beside the MP4;
                            burn: draw them onto the picture (every frame is then re-encoded)
      --package DIR         also write a conform package for an editor into DIR (a new folder)
`;

export const PRESETS = ['16:9', '9:16', '1:1'] as const;
export const QUALITY_NAMES = ['draft', 'standard', 'high'] as const;
export const CAPTION_MODES = ['srt', 'burn'] as const;
/** Loudness targets accepted on the command line, LUFS (the window offers −14, −16 and −23). */
export const LOUDNESS_FLAG_RANGE = { min: -36, max: -10 } as const;
const DEFAULT_LUFS = -14;

export interface ExportFlags {
  dir: string;
  out: string | null;
  preset: (typeof PRESETS)[number] | null;
  fit: 'fit' | 'fill';
  quality: (typeof QUALITY_NAMES)[number];
  loudness: number | null;
  music: string | null;
  captions: (typeof CAPTION_MODES)[number] | null;
  packageDir: string | null;
}

const NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

/**
 * `--loudnorm` takes an optional value, which parseArgs cannot say, and the value is negative, which it
 * would read as an option: a number right after it is folded into `--loudnorm=<n>`.
 */
function foldLoudnorm(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--loudnorm') out.push(NUMBER.test(args[i + 1] ?? '') ? `--loudnorm=${args[++i]}` : `--loudnorm=${DEFAULT_LUFS}`);
    else out.push(a);
  }
  return out;
}

/** The flags, or a sentence saying what to fix. Files named are checked here (the music exists, the package folder is new). */
export function parseExportFlags(args: readonly string[], cwd = process.cwd()): ExportFlags | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: foldLoudnorm(args),
      allowPositionals: true,
      options: { out: { type: 'string' }, preset: { type: 'string' }, fit: { type: 'boolean' }, fill: { type: 'boolean' }, quality: { type: 'string' }, loudnorm: { type: 'string' }, music: { type: 'string' }, captions: { type: 'string' }, package: { type: 'string' } },
    }));
  } catch (err) {
    return { error: `${err instanceof Error ? err.message : String(err)}.` };
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) return { error: 'export needs one project folder.' };
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const preset = str('preset');
  if (preset !== undefined && !(PRESETS as readonly string[]).includes(preset)) return { error: `--preset must be one of ${PRESETS.join(', ')}, not "${preset}".` };
  if (values.fit && values.fill) return { error: 'choose --fit or --fill, not both.' };
  const quality = str('quality') ?? 'standard';
  if (!(QUALITY_NAMES as readonly string[]).includes(quality)) return { error: `--quality must be one of ${QUALITY_NAMES.join(', ')}, not "${quality}".` };

  let loudness: number | null = null;
  const lufs = str('loudnorm');
  if (lufs !== undefined) {
    const n = Number(lufs);
    if (!NUMBER.test(lufs) || !Number.isFinite(n)) return { error: `--loudnorm takes a loudness in LUFS such as -14, -16 or -23, not "${lufs}".` };
    if (n > 0) return { error: `--loudnorm ${lufs}: loudness targets are negative; did you mean --loudnorm -${lufs}?` };
    if (n < LOUDNESS_FLAG_RANGE.min || n > LOUDNESS_FLAG_RANGE.max) return { error: `--loudnorm must be between ${LOUDNESS_FLAG_RANGE.min} and ${LOUDNESS_FLAG_RANGE.max} LUFS (-14 for streaming, -16, -23 for broadcast), not ${lufs}.` };
    loudness = n;
  }

  let music: string | null = null;
  const musicFlag = str('music');
  if (musicFlag !== undefined) {
    music = path.resolve(cwd, musicFlag);
    const st = (() => {
      try {
        return statSync(music);
      } catch {
        return null;
      }
    })();
    if (!st) return { error: `--music: there is no file at ${music}.` };
    if (!st.isFile()) return { error: `--music must name an audio file, and ${music} is not a file.` };
  }

  const captions = str('captions');
  if (captions !== undefined && !(CAPTION_MODES as readonly string[]).includes(captions)) return { error: `--captions must be srt (sidecar files) or burn (drawn on the picture), not "${captions}".` };

  let packageDir: string | null = null;
  const pkg = str('package');
  if (pkg !== undefined) {
    packageDir = path.resolve(cwd, pkg);
    let entries: string[] | null = null;
    try {
      entries = statSync(packageDir).isDirectory() ? readdirSync(packageDir) : ['(a file)'];
    } catch {
      entries = null;
    }
    if (entries?.length) return { error: `--package: ${packageDir} already exists and is not empty; name a new folder (it is created for you).` };
  }

  return {
    dir,
    out: str('out') ?? null,
    preset: (preset as ExportFlags['preset']) ?? null,
    fit: values.fill ? 'fill' : 'fit',
    quality: quality as ExportFlags['quality'],
    loudness,
    music,
    captions: (captions as ExportFlags['captions']) ?? null,
    packageDir,
  };
}
