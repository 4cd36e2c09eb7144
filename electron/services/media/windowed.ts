// The windowed render: every frame of the film is copied or encoded exactly once (windowed-pieces.ts).
// Each take's body (between its transitions) is either
//   - copied: the take's own frames from a keyframe on, when every take is x264 at the film's frame and
//     rate with one set of settings (take-stream.ts); the windows are then encoded with those settings,
//     so the pieces carry the takes' own SPS/PPS and join by stream copy; or
//   - conformed: encoded once to the film's settings, in the same ffmpeg that encodes its outgoing window,
//     so each take is decoded once.
// Pieces are cached by the takes' content hashes, the frames they hold and the settings, so the next
// export after changing one take encodes that take's pieces and its (at most two) windows only. The
// sound is built alongside from cached sample-exact stems with the same concat/acrossfade joins as the
// one-pass render, and encoded once.
//
// B-frames: conformed pieces have none (each would start its decode clock before its first frame, and
// conformed and copied pieces never meet). Copied bodies keep the takes' own, and their windows are
// encoded with the same settings, so every piece's decode clock runs the same distance ahead.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAbort } from '../../../shared/errors.ts';
import type { Transition } from '../../../shared/project.ts';
import { TRANSITION_LABELS } from '../../../shared/transitions.ts';
import type { FilmPlan, PlanSegment } from '../export/plan.ts';
import { pieceKey, reusePiece } from './cache-prune.ts';
import type { Ffmpeg, FfmpegJob, RunOptions } from './ffmpeg.ts';
import { concatQuote, FINISH, videoOutputOptions, type Fit, type Quality } from './film-graph.ts';
import type { SoundFinish } from './film-sound.ts';
import { encodesAlike, matchedOutputOptions, takeStream, x264Params, type TakeStream } from './take-stream.ts';
import { trackTemps } from './temp-files.ts';
import { clipSpans, copyList, filmPieces, overlaps, ownerJob, type CopyFrom, type Piece } from './windowed-pieces.ts';
import { makeSound, type StemClip } from './windowed-sound.ts';

export type { StemClip } from './windowed-sound.ts';

/**
 * How the pieces are encoded: one take's pieces (its body and its outgoing window, read from one decode of
 * it) per ffmpeg, two such processes at once, one x264 thread each. A finished take frees its slot for the
 * next at once, so both cores stay busy to the end; a single-threaded x264 spends the least CPU per frame
 * and holds the fewest frames. Measured on twelve 8 s 720p takes with crossfades (2 cores): 16.6 s against
 * 19.0–21.4 s for the floor (the same footage re-encoded in one ffmpeg), where several takes per process,
 * run one process after another, took 21.5–24.4 s (a batch waits for its slowest take) and three takes per
 * process held 792 MB for 48 takes; this holds 515 MB (`npm run bench -- export`).
 */
const PROCESSES = 2;
const X264_THREADS = 1;

export interface WindowedRender {
  segments: PlanSegment[];
  /** Replaces "rendered in one pass" in the plan's reason. */
  reason: string;
  /** `log` gets one line: where the time went, and what earlier exports' cache saved. */
  run(output: string, opts: RunOptions & { log?: ((line: string) => void) | undefined }): Promise<void>;
}

/** Takes whose own frames can be copied: the facts and the settings to encode their windows with. */
interface Matched {
  streams: TakeStream[];
  params: string;
  copyFrom: CopyFrom;
}

/**
 * Whether the film can keep the takes' own frames: every take H.264 from x264 at the film's frame and
 * rate with one set of settings and headers, no B-frames, evenly spaced frames; at least one body with a
 * keyframe to start a copy on; and x264 here, given those settings, writing the very same SPS/PPS.
 */
async function matchTakes(ff: Ffmpeg, clips: readonly StemClip[], transitions: readonly Transition[], plan: FilmPlan, cacheDir: string, signal?: AbortSignal): Promise<Matched | null> {
  const { fps, width, height } = plan.canvas;
  const first = clips[0]?.info.video;
  const extradata = clips[0]?.extradataHash;
  if (!first || !extradata) return null;
  for (const c of clips) {
    const v = c.info.video;
    if (!v || v.codec !== 'h264' || v.width !== width || v.height !== height || Math.abs(v.fps - fps) > 0.001 || v.pixFmt !== 'yuv420p' || c.extradataHash !== extradata) return null;
  }
  // Three at a time: each read is mostly I/O (and a cached one a small file).
  const streams: TakeStream[] = [];
  for (let from = 0; from < clips.length; from += 3) streams.push(...(await Promise.all(clips.slice(from, from + 3).map((c) => takeStream(ff, c.file, c.hash!, fps, cacheDir, signal)))));
  // The same settings, not the same options line: that also says how many threads the encoder ran on.
  const options = streams[0]!.x264;
  const params = options ? x264Params(options) : null;
  if (!params || streams.some((s) => !s.even || !s.x264 || x264Params(s.x264) !== params || (s.sar !== null && s.sar !== '1:1'))) return null;
  const shared = overlaps(plan, transitions);
  const ov = (b: number): number => shared[b] ?? 0;
  const copyFrom: CopyFrom = clips.map((c, i) => {
    const s = streams[i]!;
    const skip = Math.round(c.in * fps);
    const frames = plan.frames[i]!;
    if (skip + frames > s.frames) return null;
    const from = s.keyframes.find((k) => k >= skip + ov(i - 1));
    // With B-frames a copy ends on a keyframe too, unless it runs to the take's last frame.
    const end = skip + frames - ov(i);
    const to = s.delay === 0 || end === s.frames ? end : [...s.keyframes].reverse().find((k) => k <= end);
    return from !== undefined && to !== undefined && to > from ? { from: from - skip, to: to - skip } : null;
  });
  // Worth it when most of the film would be the takes' own frames; otherwise most of it is encoded
  // anyway, and that follows the quality the creator picked.
  const copied = clipSpans(plan, transitions, copyFrom).reduce((sum, s) => sum + (s.copy ? s.tail - s.head : 0), 0);
  if (copied < (plan.totalSeconds * fps) / 2) return null;
  if (!(await encodesAlike(ff, clips[0]!.file, extradata, matchedOutputOptions(params, fps), cacheDir, signal))) return null;
  return { streams, params, copyFrom };
}

const plural = (k: number, one: string): string => `${k} ${one}${k === 1 ? '' : 's'}`;

/**
 * The windowed render of `plan`, or null when it cannot be made (no content hash to key the cache by):
 * then the one-pass render is used.
 */
export async function planWindowed(ff: Ffmpeg, clips: readonly StemClip[], transitions: readonly Transition[], plan: FilmPlan, cacheDir: string, o: { fit: Fit; quality: Quality; why: readonly string[]; sound?: SoundFinish | undefined; signal?: AbortSignal | undefined }): Promise<WindowedRender | null> {
  const { fps, width, height } = plan.canvas;
  if (clips.some((c) => !c.hash)) return null;
  const n = clips.length;
  // A keyframe every two seconds, as the one-pass render has: pieces are whole files (each starts with
  // one), so nothing needs them closer, and each one costs encoding time and bytes.
  const gop = fps * 2;
  const matched = await matchTakes(ff, clips, transitions, plan, cacheDir, o.signal);
  const output = matched ? matchedOutputOptions(matched.params, fps) : [...videoOutputOptions(o.quality, fps, gop), '-bf', '0'];
  const settings = matched ? ['match1', width, height, fps, matched.params].join(':') : ['win3', width, height, fps, gop, o.fit, o.quality].join(':');
  const clipKey = (i: number): string => `${clips[i]!.hash}@${clips[i]!.in}`;
  const pieces: Piece[] = [];
  for (const p of filmPieces(plan, transitions, matched?.copyFrom ?? new Array<null>(n).fill(null))) {
    const parts = p.parts.map((x) => `${clipKey(x.clip)}[${x.from},${x.to})`).join('+');
    const dir = p.kind === 'copy' ? 'copies' : p.kind === 'window' ? 'windows' : 'conformed';
    const t = p.boundary !== undefined ? transitions[p.boundary] : undefined;
    const file = path.join(cacheDir, dir, `${pieceKey(p.kind === 'copy' ? 'copy1' : settings, parts, t && t !== 'cut' ? t.type : '')}.mp4`);
    pieces.push({ ...p, file, made: !(await reusePiece(file)) });
  }

  const segments: PlanSegment[] = [];
  clips.forEach((_, i) => {
    const why = o.why[i] ?? '';
    const body = pieces.find((p) => p.owner === i && (p.kind === 'body' || p.kind === 'copy'));
    if (body?.kind === 'copy') {
      const { from, to } = body.parts[0]!;
      const what = why.replace(/; encoded to match the rest of the film$/, '');
      const at = (f: number): string => ((f + Math.round(clips[i]!.in * fps)) / fps).toFixed(2);
      segments.push({ scene: i + 1, path: 'copy', reason: `${what}: its own frames from ${at(from)} s to ${at(to)} s of the take copied, not re-encoded` });
    } else if (body) {
      const how = matched ? "encoded once with the takes' own x264 settings" : "conformed once to the film's settings";
      segments.push({ scene: i + 1, path: body.made ? 'conform' : 'copy', reason: body.made ? `${why}: ${how} (kept for the next export)` : `copied from its conformed copy made earlier (${why})` });
    }
    const w = pieces.find((p) => p.owner === i && p.kind === 'window');
    const t = transitions[i];
    if (w && t && t !== 'cut') segments.push({ scene: i + 1, path: 'window', reason: `${TRANSITION_LABELS[t.type]} into scene ${i + 2}: ${(w.frames / fps).toFixed(2)} s window ${w.made ? 'encoded' : 'from an earlier export'}` });
  });
  const windows = pieces.filter((p) => p.kind === 'window');
  const copies = pieces.filter((p) => p.kind === 'copy');
  const bodies = pieces.filter((p) => p.kind === 'body' || p.kind === 'lead' || p.kind === 'trail');
  const reason = matched
    ? `the takes' own frames copied in ${plural(copies.length, 'scene')} (from a keyframe on), only the ${plural(windows.length, 'transition window')}${bodies.length ? ` and ${plural(bodies.length, 'other piece')}` : ''} encoded, with the takes' own x264 settings so all join by stream copy`
    : windows.length
      ? `each take conformed once (kept for the next export), only the ${windows.length} transition window${windows.length > 1 ? 's' : ''} encoded, the rest stream-copied`
      : 'each take conformed once (kept for the next export) and joined by stream copy';

  return {
    segments,
    reason,
    async run(out, opts) {
      const toEncode = pieces.filter((p) => p.made && p.kind !== 'copy');
      const toCopy = pieces.filter((p) => p.made && p.kind === 'copy');
      // Progress by frames encoded (a copied frame counted as a fiftieth), the final join as a twentieth of the film.
      const total = toEncode.reduce((s, p) => s + p.frames, 0) + toCopy.reduce((s, p) => s + p.frames, 0) * 0.02 + plan.totalSeconds * fps * 0.05;
      let done = 0;
      // Several processes at once: each one's frames so far, summed, and never reported lower than before.
      const running = new Map<number, number>();
      let reported = 0;
      let jobs = 0;
      // A failed piece stops the others' processes too.
      const stop = new AbortController();
      const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      const stage = (frames: number, id = -1): RunOptions => ({
        signal,
        onProgress: (p) => {
          running.set(id, p.fraction * frames);
          reported = Math.max(reported, Math.min(1, (done + [...running.values()].reduce((a, b) => a + b, 0)) / total));
          opts.onProgress?.({ ...p, fraction: reported, etaSeconds: null });
        },
      });
      const timings: string[] = [];
      const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
          return await work();
        } finally {
          timings.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
      };
      /** Writes `batch` through temp files made by `job`, renamed into the cache when all are done. */
      const make = async (batch: readonly Piece[], frames: number, job: (temps: string[]) => FfmpegJob | Promise<FfmpegJob>): Promise<void> => {
        await Promise.all(batch.map((p) => mkdir(path.dirname(p.file), { recursive: true })));
        const temps = batch.map((p) => `${p.file}.${randomBytes(4).toString('hex')}.tmp`);
        const untrackPieces = trackTemps(...temps);
        const id = jobs++;
        try {
          await ff.run(await job(temps), stage(frames, id));
          for (const [k, p] of batch.entries()) await rename(temps[k]!, p.file);
        } finally {
          await Promise.all(temps.map((t) => rm(t, { force: true })));
          untrackPieces();
        }
        running.delete(id);
        done += frames;
      };
      // The sound does not wait for the picture: its stems, joins, loudness pass and one AAC encode run alongside.
      const soundFile = path.join(cacheDir, `.sound-${randomBytes(6).toString('hex')}.m4a`);
      const listFile = path.join(cacheDir, `.join-${randomBytes(6).toString('hex')}.ffconcat`);
      const copyLists = toCopy.map(() => path.join(cacheDir, `.join-${randomBytes(6).toString('hex')}.ffconcat`));
      // Kept fresh while this export runs, so another process's export does not take them for leftovers.
      const untrack = trackTemps(soundFile, listFile, ...copyLists);
      const sound = timed('sound (stems, joins, AAC) alongside', () => makeSound(ff, clips, transitions, plan, cacheDir, soundFile, o, opts.signal));
      // Settled at once: a failure of the picture must not leave the sound's rejection unheard.
      const soundDone = sound.then(
        () => null,
        (err: unknown) => err,
      );
      try {
        if (toCopy.length) {
          await timed(`copies (${toCopy.length} bodies)`, () =>
            make(toCopy, toCopy.reduce((s, p) => s + p.frames, 0) * 0.02, async (temps) => {
              await Promise.all(
                toCopy.map((p, k) => {
                  const part = p.parts[0]!;
                  const s = matched!.streams[part.clip]!;
                  const skip = Math.round(clips[part.clip]!.in * fps);
                  return writeFile(copyLists[k]!, copyList(clips[part.clip]!.file, concatQuote, s.startMicros, skip + part.from, skip + part.to, s.frames, fps, s.delay), 'utf8');
                }),
              );
              return {
                inputs: copyLists.map((l) => ({ path: l, options: ['-f', 'concat', '-safe', '0'] })),
                outputOptions: toCopy.flatMap((_, k) => ['-map', `${k}:v:0`, '-c', 'copy', '-map_metadata', '-1', '-f', 'mp4', ...(k < toCopy.length - 1 ? ['-y', temps[k]!] : [])]),
                output: temps[toCopy.length - 1]!,
                totalSeconds: 0,
              };
            }),
          );
        }
        // One owner per process: it decodes its take once and writes its lead, body, trail and window.
        const owners = [...new Set(toEncode.map((p) => p.owner))];
        if (owners.length) {
          const [others, wins] = [toEncode.filter((p) => p.kind !== 'window').length, toEncode.filter((p) => p.kind === 'window').length];
          const label = [...(others ? [`conform (${others} encoded)`] : []), ...(wins ? [`windows (${wins} encoded)`] : [])].join(', ');
          const pieceClips = clips.map((c) => ({ file: c.file, in: c.in, fps: c.info.video?.fps ?? fps }));
          const queue = [...owners];
          const worker = async (): Promise<void> => {
            for (let owner = queue.shift(); owner !== undefined && !stop.signal.aborted; owner = queue.shift()) {
              const own = toEncode.filter((p) => p.owner === owner);
              const seek = matched !== null && own.every((p) => p.kind === 'window');
              await make(own, own.reduce((s, p) => s + p.frames, 0), (temps) => ownerJob(own, pieceClips, transitions, plan, { fit: o.fit, output: [...output, '-threads', String(X264_THREADS)], seek, temps })).catch((err: unknown) => {
                stop.abort();
                throw err;
              });
            }
          };
          await timed(label, async () => {
            const settled = await Promise.allSettled(Array.from({ length: Math.min(PROCESSES, queue.length) }, worker));
            // The first failure is the reason; the others were stopped because of it.
            const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isAbort(r.reason)) ?? settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
            if (failed) throw failed.reason;
          });
        }
        const soundError = await soundDone;
        if (soundError) throw soundError;
        const list = ['ffconcat version 1.0', ...pieces.flatMap((p) => [`file ${concatQuote(p.file)}`, `duration ${(p.frames / fps).toFixed(6)}`]), ''];
        await writeFile(listFile, list.join('\n'), 'utf8');
        await timed('join (stream copy)', () =>
          ff.run(
            {
              inputs: [{ path: listFile, options: ['-f', 'concat', '-safe', '0'] }, { path: soundFile }],
              outputOptions: ['-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', ...FINISH],
              output: out,
              totalSeconds: plan.totalSeconds,
            },
            stage(plan.totalSeconds * fps * 0.05),
          ),
        );
        const kept = (kind: (p: Piece) => boolean): string => `${pieces.filter((p) => kind(p) && !p.made).length} of ${pieces.filter(kind).length}`;
        opts.log?.(`windowed render: ${timings.join(', ')}; kept from earlier exports: ${kept((p) => p.kind === 'body' || p.kind === 'lead' || p.kind === 'trail')} conformed takes, ${kept((p) => p.kind === 'window')} windows${copies.length ? `, ${kept((p) => p.kind === 'copy')} copied bodies` : ''}`);
      } finally {
        await soundDone;
        await Promise.all([listFile, soundFile, ...copyLists].map((f) => rm(f, { force: true })));
        untrack();
      }
    },
  };
}
