// Joining the chosen takes into one film, and checking that a file is a video we can use.
import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAbort } from '../../../shared/errors.ts';
import { parseSize } from '../../../shared/project.ts';
import { containedFile, relativePosix } from '../fsutil.ts';
import type { Ffmpeg, FfmpegJob, MediaInfo, ProbeDetails, RunOptions } from './ffmpeg.ts';

const FPS = 30;
const AUDIO_RATE = 48000;
/** How far the exported length may be from the sum of the clips. */
const LENGTH_TOLERANCE = 0.1;

const aborted = (): AppError => new AppError('Aborted', 'Canceled.');

// ---------------------------------------------------------------------------------------------------
// Checking files

interface Inspected extends ProbeDetails {
  file: string;
  /** Length of the picture: what the clip contributes to the film. */
  seconds: number;
}

/**
 * Probes `file` and reads every packet once without decoding (fast: it is I/O), because ffprobe only
 * reads the header and a download cut short still has a complete header when the index comes first.
 */
async function inspect(ff: Ffmpeg, file: string, signal?: AbortSignal): Promise<Inspected> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new AppError('MediaInvalid', 'The video file is missing.', { detail: file });
  if (st.size === 0) throw new AppError('MediaInvalid', 'The video file is empty.', { detail: file });
  // The header read (ffprobe) and the read of every packet (ffmpeg) are independent: run them together.
  // A header error wins, as it is the more telling one.
  const packets = ff
    .run(
      {
        inputs: [{ path: file, options: ['-v', 'error', '-xerror'] }],
        outputOptions: ['-map', '0', '-c', 'copy', '-f', 'null'],
        output: '-',
        totalSeconds: 0,
      },
      signal ? { signal } : {},
    )
    .then(
      () => null,
      (err: unknown) => err,
    );
  const details = await ff.probeDetails(file, signal ? { signal } : {}).catch(async (err: unknown) => {
    await packets;
    throw err;
  });
  const { video } = details.info;
  const packetError = await packets;
  if (!video || !(video.width > 0) || !(video.height > 0)) throw new AppError('MediaInvalid', 'The file has no picture in it.', { detail: file });
  const seconds = video.durationSeconds ?? details.info.durationSeconds;
  if (!(seconds > 0)) throw new AppError('MediaInvalid', 'The video has no length.', { detail: file });
  if (packetError) {
    const err = packetError;
    if (isAbort(err) || (err instanceof AppError && err.code === 'FfmpegMissing')) throw err;
    throw new AppError('MediaInvalid', 'The video file is damaged or incomplete.', { detail: `${file}: ${err instanceof AppError ? err.detail : String(err)}`, cause: err });
  }
  return { ...details, file, seconds };
}

/**
 * Throws AppError MediaInvalid unless `file` is a complete, playable video (of about `expect.seconds`,
 * within `expect.tolerance`, default 0.5 s). Used after every download.
 */
export async function verifyVideo(ff: Ffmpeg, file: string, expect: { seconds?: number; tolerance?: number } = {}, signal?: AbortSignal): Promise<MediaInfo> {
  const clip = await inspect(ff, file, signal);
  if (expect.seconds !== undefined) {
    const tolerance = expect.tolerance ?? 0.5;
    if (Math.abs(clip.seconds - expect.seconds) > tolerance) {
      throw new AppError('MediaInvalid', `The video is ${clip.seconds.toFixed(1)} s long, not the ${expect.seconds} s asked for.`, { detail: file });
    }
  }
  return clip.info;
}

// ---------------------------------------------------------------------------------------------------
// Exporting

export interface ExportClip {
  file: string;
  seconds: number;
  /** How errors name this clip to a person, e.g. "Scene 2's chosen take". Default "Clip n of m". */
  label?: string;
}

export interface ExportOptions extends RunOptions {
  /**
   * The project folder. When given, every clip must be a regular file under its media/ once symlinks
   * are resolved (a take's `file` is read from project.json, which anyone can edit); one that is not is
   * refused by name before ffmpeg reads anything.
   */
  projectDir?: string;
}

export interface ExportResult {
  path: 'fast' | 'normalize';
  info: MediaInfo;
}

/**
 * Whether the pictures can be joined as they are. The MP4 keeps one set of H.264 parameters (the first
 * clip's SPS/PPS), so besides the visible properties the codec extradata must match byte for byte, and
 * the concat demuxer picks the video by its track id, so that must match too.
 */
export function canStreamCopy(clips: readonly ProbeDetails[], width: number, height: number): boolean {
  const first = clips[0];
  if (!first?.info.video) return false;
  const key = (c: ProbeDetails): string | null => {
    const v = c.info.video;
    if (!v || v.codec !== 'h264' || v.width !== width || v.height !== height || c.videoStreamId === null || !c.videoExtradataHash) return null;
    return JSON.stringify([v.pixFmt, Math.round(v.fps * 1000), v.timeBase, v.profile, c.videoStreamId, c.videoExtradataHash]);
  };
  const want = key(first);
  return want !== null && clips.every((c) => key(c) === want);
}

/**
 * Splits a timeline of clip lengths into whole units (samples, frames) so that every boundary is
 * rounded on its own: the parts always add up to the rounded total, so rounding never accumulates.
 */
export function splitUnits(seconds: readonly number[], unitsPerSecond: number): number[] {
  let at = 0;
  return seconds.map((s) => {
    const from = Math.round(at * unitsPerSecond);
    at += s;
    return Math.round(at * unitsPerSecond) - from;
  });
}

/**
 * One clip's sound, made exactly `samples` long: resampled to 48 kHz stereo, started at the clip's zero
 * (`first_pts=0` pads or trims a late or early start), padded with silence or cut at the end. A clip
 * without sound contributes silence. Joining these with the concat filter and encoding AAC once is
 * what keeps the sound in sync: copying each clip's AAC adds its encoder delay (~21 ms) per joint.
 */
function clipAudio(inputIndex: number | null, samples: number, label: string): string {
  const source =
    inputIndex === null
      ? `anullsrc=r=${AUDIO_RATE}:cl=stereo`
      : `[${inputIndex}:a:0]aresample=${AUDIO_RATE}:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo,apad`;
  return `${source},atrim=end_sample=${samples}[${label}]`;
}

/** A path quoted for an ffconcat list: inside single quotes everything is literal except the quote. */
function concatQuote(file: string): string {
  return `'${file.replace(/'/g, `'\\''`)}'`;
}

function fastJob(clips: readonly Inspected[], listFile: string, output: string): { list: string; job: FfmpegJob } {
  const streamId = clips[0]?.videoStreamId ?? 1;
  // Only the video stream is declared: if the clips' audio were in the virtual file, its encoder delay
  // would make the whole film start ~21 ms late (and `-copyts` would break ffmpeg's progress report).
  // `inpoint 0` places each clip by its own timestamps; `duration` is its picture's length exactly.
  const list = [
    'ffconcat version 1.0',
    'stream',
    `exact_stream_id ${streamId}`,
    ...clips.flatMap((c) => [`file ${concatQuote(path.resolve(c.file))}`, 'inpoint 0', `duration ${c.seconds.toFixed(6)}`]),
    '',
  ].join('\n');
  const samples = splitUnits(clips.map((c) => c.seconds), AUDIO_RATE);
  const inputs: FfmpegJob['inputs'] = [{ path: listFile, options: ['-f', 'concat', '-safe', '0'] }];
  const parts = clips.map((c, i) => {
    let index: number | null = null;
    if (c.info.audio) {
      index = inputs.length;
      inputs.push({ path: c.file });
    }
    return clipAudio(index, samples[i] ?? 0, `a${i}`);
  });
  const filterComplex = [...parts, `${clips.map((_, i) => `[a${i}]`).join('')}concat=n=${clips.length}:v=0:a=1[aout]`].join(';');
  return {
    list,
    job: {
      inputs,
      filterComplex,
      outputOptions: ['-map', '0:v:0', '-map', '[aout]', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '192k', '-ar', String(AUDIO_RATE), '-ac', '2', '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4'],
      output,
      totalSeconds: clips.reduce((a, c) => a + c.seconds, 0),
    },
  };
}

function normalizeJob(clips: readonly Inspected[], width: number, height: number, output: string): FfmpegJob {
  const frames = splitUnits(clips.map((c) => c.seconds), FPS);
  const parts = clips.flatMap((c, i) => {
    const n = frames[i] ?? 0;
    return [
      // Square pixels first, then fit inside the frame and pad (never crop, never stretch). fps with
      // start_time=0 keeps the picture on the clip's own clock, like its sound; tpad+trim make it
      // exactly n frames even when the clip is a frame short.
      `[${i}:v:0]scale=iw*sar:ih,setsar=1,scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps=${FPS}:start_time=0,format=yuv420p,` +
        `tpad=stop_mode=clone:stop_duration=1,trim=end_frame=${n},setpts=N/(${FPS}*TB)[v${i}]`,
      clipAudio(c.info.audio ? i : null, (n * AUDIO_RATE) / FPS, `a${i}`),
    ];
  });
  const concat = `${clips.map((_, i) => `[v${i}][a${i}]`).join('')}concat=n=${clips.length}:v=1:a=1[vout][aout]`;
  return {
    inputs: clips.map((c) => ({ path: c.file })),
    filterComplex: [...parts, concat].join(';'),
    outputOptions: [
      '-map', '[vout]', '-map', '[aout]',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-g', String(FPS * 2), '-r', String(FPS),
      '-c:a', 'aac', '-b:a', '192k', '-ar', String(AUDIO_RATE), '-ac', '2',
      '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4',
    ],
    output,
    totalSeconds: frames.reduce((a, f) => a + f, 0) / FPS,
  };
}

function checkResult(info: MediaInfo, width: number, height: number, seconds: number): string | null {
  const v = info.video;
  const a = info.audio;
  if (!v || v.codec !== 'h264') return `video is ${v?.codec ?? 'missing'}, not h264`;
  if (v.width !== width || v.height !== height) return `video is ${v.width}x${v.height}, not ${width}x${height}`;
  if (!a || a.codec !== 'aac') return `audio is ${a?.codec ?? 'missing'}, not aac`;
  if (Math.abs(info.durationSeconds - seconds) > LENGTH_TOLERANCE) return `film is ${info.durationSeconds.toFixed(3)} s, clips add up to ${seconds.toFixed(3)} s`;
  const audioSeconds = a.durationSeconds ?? info.durationSeconds;
  const videoSeconds = v.durationSeconds ?? info.durationSeconds;
  if (Math.abs(audioSeconds - videoSeconds) > LENGTH_TOLERANCE) return `sound is ${audioSeconds.toFixed(3)} s, picture ${videoSeconds.toFixed(3)} s`;
  return null;
}

/** How many clips are checked at once: the checks are mostly reading, so a few overlap well. */
const CHECKS_AT_ONCE = 3;

/** Checks every clip before anything is joined; a bad one is reported by its 1-based position. */
async function inspectAll(ff: Ffmpeg, clips: readonly ExportClip[], signal: AbortSignal | undefined): Promise<Inspected[]> {
  const results: Inspected[] = [];
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < clips.length && !signal?.aborted; i = next++) {
      await inspect(ff, clips[i]!.file, signal).then(
        (r) => (results[i] = r),
        (err: unknown) => errors.set(i, err),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, clips.length) }, worker));
  if (signal?.aborted) throw aborted();
  if (!errors.size) return results;
  const first = Math.min(...errors.keys());
  const err = errors.get(first);
  if (!(err instanceof AppError) || err.code !== 'MediaInvalid') throw err;
  const message = `${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`;
  const name = clips[first]!.label ?? `Clip ${first + 1} of ${clips.length}`;
  throw new AppError('MediaInvalid', `${name} cannot be used: ${message}`, { detail: `${clips[first]!.file}: ${err.detail ?? ''}`, cause: err });
}

/** The clips with their real paths, or an error naming the first one that is not inside media/. */
async function containClips(projectDir: string, clips: readonly ExportClip[]): Promise<ExportClip[]> {
  const out: ExportClip[] = [];
  for (const [i, clip] of clips.entries()) {
    const rel = relativePosix(projectDir, path.resolve(projectDir, clip.file));
    const real = await containedFile(projectDir, rel, ['media']);
    if (!real) {
      const name = clip.label ?? `Clip ${i + 1} of ${clips.length}`;
      throw new AppError('InvalidInput', `${name} is not a video file inside the project's media folder (${rel.slice(0, 200)}), so Storyreel will not use it. Choose another take, or generate the scene again.`, { detail: clip.file.slice(0, 1000) });
    }
    out.push({ ...clip, file: real });
  }
  return out;
}

/**
 * Joins `clips` in order into one H.264/AAC MP4 at `size`. Every clip is checked first (a bad one is
 * named by its 1-based position); the film is written next to `out` under a temporary name and renamed
 * only once ffprobe agrees it is complete, so `out` never holds half a film.
 */
export async function exportFilm(ff: Ffmpeg, given: readonly ExportClip[], out: string, size: string, opts: ExportOptions = {}): Promise<ExportResult> {
  if (!given.length) throw new AppError('NothingToExport', 'There are no clips to export.');
  const clips = opts.projectDir ? await containClips(opts.projectDir, given) : given;
  let frame: { width: number; height: number };
  try {
    frame = parseSize(size);
  } catch (err) {
    throw new AppError('InvalidInput', `"${size}" is not a frame size.`, { cause: err });
  }
  const { signal } = opts;

  const inspected = await inspectAll(ff, clips, signal);

  const fast = canStreamCopy(inspected, frame.width, frame.height);
  // Hidden names next to `out`: the rename at the end stays on one filesystem, so it is atomic.
  const temp = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(4).toString('hex')}.part`);
  const listFile = `${temp}.ffconcat`;
  try {
    let job: FfmpegJob;
    if (fast) {
      const built = fastJob(inspected, listFile, temp);
      await writeFile(listFile, built.list, 'utf8');
      job = built.job;
    } else {
      job = normalizeJob(inspected, frame.width, frame.height, temp);
    }
    await ff.run(job, opts);
    const info = await ff.probe(temp, signal ? { signal } : {});
    const problem = checkResult(info, frame.width, frame.height, job.totalSeconds);
    if (problem) throw new AppError('MediaInvalid', 'The exported film came out incomplete, so Storyreel did not keep it.', { detail: problem });
    if (signal?.aborted) throw aborted();
    await rename(temp, out);
    return { path: fast ? 'fast' : 'normalize', info };
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    await rm(listFile, { force: true });
  }
}
