// Joining the chosen takes into one film, and checking that a file is a video we can use.
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAbort } from '../../../shared/errors.ts';
import { parseSize, type Transition } from '../../../shared/project.ts';
import { planFilm, type FilmPlan, type PlanClip } from '../export/plan.ts';
import { containedFile, relativePosix } from '../fsutil.ts';
import { copyFilm } from './copy-path.ts';
import type { Ffmpeg, FfmpegJob, MediaInfo, ProbeDetails, RunOptions } from './ffmpeg.ts';
import { CACHE_KEEP_DAYS, pruneCache } from './cache-prune.ts';
import { captionFilter, type BurnCue } from './film-captions.ts';
import { filmSamples, renderJob, renderSound, type Fit, type Quality } from './film-graph.ts';
import { checkMusic, prepareFinish, wantsFinish, type SoundFinish } from './film-sound.ts';
import { readMp4Index } from './mp4-index.ts';
import { fileKey, hashFile, ProbeCache } from './probe-cache.ts';
import { exportScratch, isLiveTemp, sweepCacheTemps, trackTemps } from './temp-files.ts';
import { planWindowed, type WindowedRender } from './windowed.ts';

/** How far the exported length may be from the plan's. */
const LENGTH_TOLERANCE = 0.1;

const aborted = (): AppError => new AppError('Aborted', 'Canceled.');

export { splitUnits } from '../export/plan.ts';

// ---------------------------------------------------------------------------------------------------
// Checking files

interface Inspected extends ProbeDetails {
  file: string;
  /** Length of the picture: what the clip contributes to the film. */
  seconds: number;
  /** SHA-1 of the bytes, when known (cached checks): what stems and conformed copies are keyed by. */
  hash?: string;
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


/** `inspect`, remembered per file version in `cache` (see probe-cache.ts) along with a hash of the bytes. */
async function inspectCached(ff: Ffmpeg, file: string, cache: ProbeCache, signal?: AbortSignal): Promise<Inspected> {
  const hit = await cache.get(file);
  if (hit) return { ...hit.details, file, seconds: hit.seconds, hash: hit.hash };
  const key = await fileKey(file);
  const [clip, hash] = await Promise.all([inspect(ff, file, signal), hashFile(file, signal).catch(() => null)]);
  if (key && hash && (await fileKey(file)) === key) await cache.put(file, key, { details: { info: clip.info, videoStreamId: clip.videoStreamId, videoExtradataHash: clip.videoExtradataHash }, seconds: clip.seconds, hash });
  return { ...clip, hash: hash ?? undefined };
}

// ---------------------------------------------------------------------------------------------------
// Exporting

export interface ExportClip {
  file: string;
  /** Seconds the timeline gives this clip (informational; the take's probed length is what counts). */
  seconds: number;
  /** How errors name this clip to a person, e.g. "Scene 2's chosen take". Default "Clip n of m". */
  label?: string;
  /** The part of the take to use, in seconds from its start (the take's trim); default all of it. */
  in?: number;
  out?: number;
}

export type Aspect = '16:9' | '9:16' | '1:1';

export interface ExportOptions extends RunOptions {
  /**
   * The project folder. When given, every clip must be a regular file under its media/ once symlinks
   * are resolved (a take's `file` is read from project.json, which anyone can edit); one that is not is
   * refused by name before ffmpeg reads anything.
   */
  projectDir?: string;
  /** Where checks and sound stems are cached (…/.storyreel/cache); none: nothing is kept between exports. */
  cacheDir?: string;
  /** One per boundary (clips.length - 1); missing = cut. */
  transitions?: readonly Transition[];
  /** An output frame other than `size`'s: the same long side at this aspect. */
  aspect?: Aspect;
  fit?: Fit;
  quality?: Quality;
  /** How a film that cannot be copied is rendered: windows around transitions (needs cacheDir), or one pass. Default: windowed when it can. */
  render?: 'windowed' | 'single';
  /** Loudness target and music bed (film-sound.ts); none: the clips' sound as it is. */
  sound?: SoundFinish;
  /** Captions drawn onto the picture, timed on the film's clock (the sidecars' cues); forces a one-pass render. */
  burnCaptions?: readonly BurnCue[];
  /** drawtext's preferred font for burned-in captions (the bundled one when packaged). */
  fontFile?: string | null;
  /** Called once the plan is known, before anything is encoded. */
  onPlan?: (plan: FilmPlan) => void;
  /** Where the time went, stage by stage (one line each), for the export log. */
  log?: (line: string) => void;
}

export interface ExportResult {
  path: 'fast' | 'normalize';
  info: MediaInfo;
  plan: FilmPlan;
}

/** The frame of a film of `size` at `aspect`: the long side kept, both sides even. */
export function presetFrame(size: { width: number; height: number }, aspect: Aspect | undefined): { width: number; height: number } {
  if (!aspect) return size;
  const long = Math.max(size.width, size.height);
  const even = (x: number): number => Math.max(2, Math.round(x / 2) * 2);
  if (aspect === '1:1') return { width: even(Math.min(size.width, size.height)), height: even(Math.min(size.width, size.height)) };
  const short = even((long * 9) / 16);
  return aspect === '16:9' ? { width: even(long), height: short } : { width: short, height: even(long) };
}

function checkResult(info: MediaInfo, width: number, height: number, seconds: number): string | null {
  const v = info.video;
  const a = info.audio;
  if (!v || v.codec !== 'h264') return `video is ${v?.codec ?? 'missing'}, not h264`;
  if (v.width !== width || v.height !== height) return `video is ${v.width}x${v.height}, not ${width}x${height}`;
  if (!a || a.codec !== 'aac') return `audio is ${a?.codec ?? 'missing'}, not aac`;
  if (Math.abs(info.durationSeconds - seconds) > LENGTH_TOLERANCE) return `film is ${info.durationSeconds.toFixed(3)} s, the plan says ${seconds.toFixed(3)} s`;
  const audioSeconds = a.durationSeconds ?? info.durationSeconds;
  const videoSeconds = v.durationSeconds ?? info.durationSeconds;
  if (Math.abs(audioSeconds - videoSeconds) > LENGTH_TOLERANCE) return `sound is ${audioSeconds.toFixed(3)} s, picture ${videoSeconds.toFixed(3)} s`;
  return null;
}

/** How many clips are checked at once: the checks are mostly reading, so a few overlap well. */
const CHECKS_AT_ONCE = 3;

/** Checks every clip before anything is joined; a bad one is reported by its label or 1-based position. */
async function inspectAll(ff: Ffmpeg, clips: readonly ExportClip[], cache: ProbeCache, signal: AbortSignal | undefined): Promise<Inspected[]> {
  const results: Inspected[] = [];
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < clips.length && !signal?.aborted; i = next++) {
      await inspectCached(ff, clips[i]!.file, cache, signal).then(
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

/** The plan's words for what is done to the sound. */
function soundPlan(sound: SoundFinish): string {
  const parts: string[] = [];
  if (sound.music) parts.push(`a music bed (${path.basename(sound.music)}) laid under the film and ducked under the clips' own sound`);
  if (sound.loudness != null) parts.push(`loudness measured, then brought to ${sound.loudness} LUFS, true peak −1 dBTP (two passes)`);
  return `sound: ${parts.join('; ')}`;
}

/**
 * The finished film's facts from its own index, read in this process (ffprobe's when it is laid out in a
 * way mp4-index.ts does not read), or why it is not a whole MP4 with its index at the front.
 */
async function readFilm(ff: Ffmpeg, file: string, signal: AbortSignal | undefined): Promise<{ info: MediaInfo } | { problem: string }> {
  const index = await readMp4Index(file).catch(() => null);
  return index ?? { info: await ff.probe(file, signal ? { signal } : {}) };
}

/** A hidden partial export: `.<film>.mp4.<8 hex>.part` (what projects/leftovers.ts also sweeps). */
const PARTIAL_EXPORT = /^\..+\.[0-9a-f]{8}\.part(?:\.ffconcat)?$/;
/** A partial file nobody has written to for this long belongs to an export that was killed (one this process is writing is never stale: temp-files.ts). */
const STALE_MS = 60_000;

/** Removes hidden partial exports left in `dir` by an export that was killed (not one running now). */
export async function removeStaleParts(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const full = path.join(dir, name);
    if (!PARTIAL_EXPORT.test(name) || isLiveTemp(full)) continue;
    const st = await stat(full).catch(() => null);
    if (!st?.isFile() || now - st.mtimeMs < STALE_MS) continue;
    await rm(full, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Joins `clips` in order into one H.264/AAC MP4 at `size` (or its `aspect` preset), honouring trims
 * and transitions. Every clip is checked first (a bad one is named); the plan says which path each clip
 * takes; the film is written next to `out` under a hidden temporary name and renamed only once ffprobe
 * agrees it is complete, so `out` never holds half a film.
 */
export async function exportFilm(ff: Ffmpeg, given: readonly ExportClip[], out: string, size: string, opts: ExportOptions = {}): Promise<ExportResult> {
  if (!given.length) throw new AppError('NothingToExport', 'There are no clips to export.');
  const clips = opts.projectDir ? await containClips(opts.projectDir, given) : given;
  let frame: { width: number; height: number };
  try {
    frame = presetFrame(parseSize(size), opts.aspect);
  } catch (err) {
    throw new AppError('InvalidInput', `"${size}" is not a frame size.`, { cause: err });
  }
  const { signal } = opts;
  const quality = opts.quality ?? 'standard';
  const cache = new ProbeCache(opts.cacheDir ? path.join(opts.cacheDir, 'probes.json') : null);
  const outDir = path.dirname(out);
  await removeStaleParts(outDir);
  // What a killed export left in the cache (never what an export running in another process is writing).
  if (opts.cacheDir) {
    const swept = await sweepCacheTemps(opts.cacheDir);
    if (swept.removed.length) opts.log?.(`removed ${swept.removed.length} temp file(s) a stopped export left in the cache (${(swept.bytes / 1e6).toFixed(1)} MB)`);
  }

  const checking = Date.now();
  const inspected = await inspectAll(ff, clips, cache, signal);
  await cache.save().catch(() => {});
  opts.log?.(`checks of ${clips.length} takes: ${((Date.now() - checking) / 1000).toFixed(1)} s`);
  if (opts.sound?.music) await checkMusic(ff, opts.sound.music, signal);
  const planClips: PlanClip[] = inspected.map((c, i) => {
    const from = Math.min(c.seconds, Math.max(0, clips[i]!.in ?? 0));
    return { label: `scene ${i + 1}`, in: from, out: Math.min(c.seconds, Math.max(from, clips[i]!.out ?? c.seconds)), whole: c.seconds, details: c };
  });
  const burn = opts.burnCaptions?.length ? opts.burnCaptions : null;
  const forced = [
    ...(opts.aspect && (frame.width !== parseSize(size).width || frame.height !== parseSize(size).height) ? [`the ${opts.aspect} preset`] : []),
    // Captions drawn on the picture change every frame they cover, and their times cross the takes' edges.
    ...(burn ? ['captions burned into the picture'] : []),
  ];
  const plan = planFilm(planClips, opts.transitions ?? [], frame, forced.length ? { forceRender: forced.join(' and ') } : {});
  let windowed: WindowedRender | null = null;
  if (plan.kind === 'render' && opts.cacheDir && opts.render !== 'single' && !burn) {
    const stemClips = inspected.map((c, i) => ({ file: c.file, hash: c.hash, extradataHash: c.videoExtradataHash, in: planClips[i]!.in, info: c.info }));
    windowed = await planWindowed(ff, stemClips, opts.transitions ?? [], plan, opts.cacheDir, { fit: opts.fit ?? 'fit', quality, why: plan.segments.map((s) => s.reason), sound: opts.sound, signal });
    if (windowed) {
      plan.segments = windowed.segments;
      plan.reason = plan.reason.replace('rendered in one pass', `${windowed.reason},`);
    }
  }
  if (wantsFinish(opts.sound)) plan.reason += `; ${soundPlan(opts.sound!)}`;
  opts.onPlan?.(plan);

  // Hidden names next to `out`: the rename at the end stays on one filesystem, so it is atomic.
  const temp = path.join(outDir, `.${path.basename(out)}.${randomBytes(4).toString('hex')}.part`);
  // In the cache when there is one: a killed export's folder is swept by the next export, like its other temp files.
  const work = await exportScratch(opts.cacheDir);
  const untrack = trackTemps(temp, work);
  // A loudness target adds a first pass over the sound alone: a quarter of the bar on the fast path,
  // where the sound is most of the work, a tenth when the picture is encoded too.
  const measureShare = opts.sound?.loudness != null ? (plan.kind === 'copy' ? 0.25 : 0.1) : 0;
  // While measuring, the time left is not known (the pass after it is longer); then it is that pass's own.
  const staged = (from: number, share: number, eta: boolean): RunOptions => ({
    ...(signal ? { signal } : {}),
    onProgress: (p) => opts.onProgress?.({ ...p, fraction: from + p.fraction * share, etaSeconds: eta ? p.etaSeconds : null }),
  });
  const stages = { measure: staged(0, measureShare, false), make: measureShare ? staged(measureShare, 1 - measureShare, true) : opts };
  try {
    let job: FfmpegJob | null;
    if (windowed) {
      await windowed.run(temp, opts);
      job = null;
    } else if (plan.kind === 'copy') {
      await copyFilm(ff, inspected, plan, temp, { work, cacheDir: opts.cacheDir, quality, sound: opts.sound, measure: stages.measure, make: stages.make, signal, log: opts.log });
      job = null;
    } else {
      const graphClips = inspected.map((c, i) => ({ file: c.file, in: planClips[i]!.in, hasAudio: c.info.audio !== null }));
      const finish = await prepareFinish(ff, renderSound(graphClips, opts.transitions ?? [], plan), opts.sound, filmSamples(plan), stages.measure);
      const videoFilter = burn ? await captionFilter(burn, frame, work, opts.fontFile) : null;
      job = renderJob(graphClips, opts.transitions ?? [], plan, temp, { fit: opts.fit ?? 'fit', quality, finish, videoFilter });
    }
    if (job) await ff.run(job, stages.make);
    const film = await readFilm(ff, temp, signal);
    const problem = 'problem' in film ? film.problem : checkResult(film.info, frame.width, frame.height, plan.totalSeconds);
    if (problem || 'problem' in film) throw new AppError('MediaInvalid', 'The exported film came out incomplete, so Storyreel did not keep it.', { detail: problem ?? '' });
    const { info } = film;
    if (signal?.aborted) throw aborted();
    await rename(temp, out);
    // After the export, which touched every piece it used: what no export has used for weeks goes.
    if (opts.cacheDir) {
      const pruned = await pruneCache(opts.cacheDir).catch(() => ({ removed: 0, bytes: 0 }));
      if (pruned.removed) opts.log?.(`removed ${pruned.removed} cached piece(s) no export has used for ${CACHE_KEEP_DAYS} days (${(pruned.bytes / 1e6).toFixed(1)} MB)`);
    }
    return { path: plan.kind === 'copy' ? 'fast' : 'normalize', info, plan };
  } catch (err) {
    // A failed clean-up must not hide why the export failed (a folder replaced by a file fails both).
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  } finally {
    untrack();
    await rm(work, { recursive: true, force: true });
  }
}
