// The fast path's film (all cuts, takes encoded alike): the pictures stream-copied through one concat
// list, each take's sound made an exact-length stem (cached) and the stems joined by another list and
// encoded once, the film's index written into room kept at its front. stitch.ts checks the result.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FilmPlan } from '../export/plan.ts';
import type { Ffmpeg, FfmpegJob, MediaInfo, RunOptions } from './ffmpeg.ts';
import { concatQuote, copyJob, copyPackets, filmSamples, MOOV_ROOM_TOO_SMALL, moovRoom, type Quality } from './film-graph.ts';
import { prepareFinish, type SoundFinish } from './film-sound.ts';
import { trackTemps } from './temp-files.ts';
import { stems } from './windowed-sound.ts';

type Log = ((line: string) => void) | undefined;

/**
 * Runs `job(room)`: the film with its index written into `room` bytes kept at its front. Should ffmpeg
 * say the room was too small (the film then has no index; ffmpeg 5 exits 0 all the same, later ones may
 * not), runs `job(null)`, which moves the index to the front once the film is written (+faststart).
 * Returns which one made it.
 */
export async function runWithRoom(ff: Ffmpeg, job: (room: number | null) => FfmpegJob, room: number, opts: RunOptions & { log?: Log } = {}): Promise<'room' | 'faststart'> {
  let tooSmall = false;
  const onLine = (line: string): void => {
    if (MOOV_ROOM_TOO_SMALL.test(line)) tooSmall = true;
    opts.onLine?.(line);
  };
  const failed = await ff.run(job(room), { ...opts, onLine }).then(
    () => null,
    (err: unknown) => err,
  );
  if (!tooSmall) {
    if (failed) throw failed;
    return 'room';
  }
  opts.log?.(`the ${room} bytes kept for the film's index were too few; writing it again with the index moved to the front afterwards`);
  await ff.run(job(null), opts);
  return 'faststart';
}

/** A path ffmpeg's concat demuxer takes in its default (safe) mode: relative, each part starting with a letter, digit, _ or -. */
const SAFE_IN_LIST = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

export interface CopyTake {
  file: string;
  /** The picture's length: each take's `duration` in the list. */
  seconds: number;
  hash?: string | undefined;
  videoStreamId: number | null;
  info: MediaInfo;
}

export interface CopyOptions {
  /** The export's scratch folder (its lists; the stems too without a cache). */
  work: string;
  cacheDir?: string | undefined;
  quality: Quality;
  sound?: SoundFinish | undefined;
  /** How the loudness pass and the final job report (stitch.ts's stages of the bar). */
  measure: RunOptions;
  make: RunOptions;
  signal?: AbortSignal | undefined;
  log?: Log;
}

/** Writes the fast path's film of `takes` to `output`. */
export async function copyFilm(ff: Ffmpeg, takes: readonly CopyTake[], plan: FilmPlan, output: string, o: CopyOptions): Promise<void> {
  const stemDir = o.cacheDir ? path.join(o.cacheDir, 'stems') : o.work;
  const stemFiles = await stems(ff, takes.map((c) => ({ ...c, in: 0 })), plan, stemDir, o.signal ? { signal: o.signal } : {});
  // Only the video stream is declared: `inpoint 0` places each clip by its own timestamps; `duration`
  // is its picture's length exactly. The stems are plain PCM, so they join sample for sample.
  const videoList = path.join(o.work, 'video.ffconcat');
  const streamId = takes[0]?.videoStreamId ?? 1;
  await writeFile(videoList, ['ffconcat version 1.0', 'stream', `exact_stream_id ${streamId}`, ...takes.flatMap((c) => [`file ${concatQuote(path.resolve(c.file))}`, 'inpoint 0', `duration ${c.seconds.toFixed(6)}`]), ''].join('\n'), 'utf8');
  // The stems' list sits above them and names them relatively, so that an amovie source in the graph can
  // read it (safe mode: it cannot be told otherwise): the job then has one input, not two. ffmpeg before
  // 7 gives each of several inputs a thread and hands every packet across, which cost this job an eighth
  // more CPU than the plain concat it is measured against. In the cache, the list is a temp file the
  // sweep knows (`.join-<12 hex>.ffconcat`).
  const soundList = o.cacheDir ? path.join(o.cacheDir, `.join-${randomBytes(6).toString('hex')}.ffconcat`) : path.join(o.work, 'sound.ffconcat');
  const names = stemFiles.map((f) => path.relative(path.dirname(soundList), f).split(path.sep).join('/'));
  const inGraph = names.every((n) => SAFE_IN_LIST.test(n));
  const untrack = trackTemps(soundList);
  try {
    await writeFile(soundList, ['ffconcat version 1.0', ...(inGraph ? names : stemFiles).map((f) => `file ${concatQuote(f)}`), ''].join('\n'), 'utf8');
    const samples = filmSamples(plan);
    const finish = await prepareFinish(ff, { inputs: [{ path: soundList, options: ['-f', 'concat', '-safe', '0'] }], graph: (at) => ({ parts: [], out: `${at}:a:0` }) }, o.sound, samples, o.measure);
    const room = moovRoom(copyPackets(takes.map((c) => ({ seconds: c.seconds, fps: c.info.video?.fps ?? 0 })), samples));
    const job = (withRoom: number | null): FfmpegJob => copyJob(videoList, soundList, plan.totalSeconds, output, { quality: o.quality, finish, moovBytes: withRoom, soundInGraph: inGraph });
    await runWithRoom(ff, job, room, { ...o.make, log: o.log });
  } finally {
    untrack();
    await rm(soundList, { force: true });
  }
}
