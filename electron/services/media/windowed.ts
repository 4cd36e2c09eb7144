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
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transition } from '../../../shared/project.ts';
import { TRANSITION_LABELS } from '../../../shared/transitions.ts';
import { AUDIO_RATE, type FilmPlan, type PlanSegment } from '../export/plan.ts';
import { escapeFilterValue, type Ffmpeg, type FfmpegJob, type MediaInfo, type RunOptions } from './ffmpeg.ts';
import { audioOutputOptions, concatQuote, filmSamples, FINISH, joinAudio, stemsJob, videoOutputOptions, type Fit, type Quality } from './film-graph.ts';
import { touchPiece } from './cache-prune.ts';
import { prepareFinish, type SoundFinish } from './film-sound.ts';
import { encodesAlike, matchedOutputOptions, takeStream, x264Params, type TakeStream } from './take-stream.ts';
import { trackTemps } from './temp-files.ts';
import { clipSpans, copyList, filmPieces, ownerJob, type CopyFrom, type Piece } from './windowed-pieces.ts';

export interface StemClip {
  file: string;
  hash?: string | undefined;
  /** The video's codec extradata hash (SPS/PPS), when known. */
  extradataHash?: string | null | undefined;
  in: number;
  info: MediaInfo;
}

const exists = (f: string): Promise<boolean> => stat(f).then((s) => s.isFile(), () => false);
const key = (...parts: Array<string | number>): string => createHash('sha1').update(parts.join('|')).digest('hex');

/** Each clip's sound as an exact-length float WAV: from the cache, the missing ones made in one ffmpeg. */
export async function stems(ff: Ffmpeg, clips: readonly StemClip[], plan: FilmPlan, dir: string, opts: RunOptions): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = clips.map((c, i) => path.join(dir, `${c.hash ? key('stem2', c.hash, Math.round(c.in * AUDIO_RATE), plan.samples[i]!) : `once-${i}-${randomBytes(6).toString('hex')}`}.wav`));
  const missing: Array<{ file: string; hasAudio: boolean; in: number; samples: number; out: string; final: string }> = [];
  for (const [i, c] of clips.entries()) {
    if (await exists(files[i]!)) {
      await touchPiece(files[i]!);
      continue;
    }
    missing.push({ file: c.file, hasAudio: c.info.audio !== null, in: c.in, samples: plan.samples[i]!, final: files[i]!, out: `${files[i]!}.${randomBytes(4).toString('hex')}.tmp` });
  }
  const untrack = trackTemps(...missing.map((m) => m.out));
  try {
    // A dozen takes per ffmpeg: each input holds what it read while probing, so 48 at once grew the
    // export's memory with the length of the film.
    for (let from = 0; from < missing.length; from += STEM_BATCH) {
      const batch = missing.slice(from, from + STEM_BATCH);
      await ff.run(stemsJob(batch), opts.signal ? { signal: opts.signal } : {});
      for (const m of batch) await rename(m.out, m.final);
    }
  } finally {
    await Promise.all(missing.map((m) => rm(m.out, { force: true })));
    untrack();
  }
  return files;
}

/** Takes whose sound is cut into stems by one ffmpeg. */
const STEM_BATCH = 12;

/**
 * Takes whose pieces are encoded per ffmpeg process: one process per take would spend more on starting
 * ffmpeg than on encoding a short take, and two takes' encoders at once keep both cores busy; more would
 * hold many frames in memory at once (a film of 200 takes never opens 200 inputs). Each take here has two
 * encoders (its body and its outgoing window): with three takes per process a 48-take 720p export (the
 * CLI and its ffmpeg processes together) held 792 MB, over the 600 MB it may hold (`npm run bench --
 * export`); with two, and one decoding thread per input, 473 MB for 12 takes.
 */
const BATCH = 2;
/**
 * x264 threads per encoder when several run in one process: the encoders of a batch already keep the
 * cores busy, and each frame thread holds frames of its own (its default is 1.5 per core).
 */
const BATCH_THREADS = 2;

/** Several jobs as one ffmpeg with several outputs: inputs renumbered, graphs joined. */
function batched(jobs: ReadonlyArray<(at: number) => FfmpegJob>): FfmpegJob {
  const inputs: FfmpegJob['inputs'] = [];
  const graph: string[] = [];
  const outputOptions: string[] = [];
  let output = '';
  let totalSeconds = 0;
  jobs.forEach((make, k) => {
    const job = make(inputs.length);
    inputs.push(...job.inputs);
    if (job.filterComplex) graph.push(job.filterComplex);
    outputOptions.push(...job.outputOptions);
    if (k < jobs.length - 1) outputOptions.push('-y', job.output);
    else output = job.output;
    totalSeconds = Math.max(totalSeconds, job.totalSeconds);
  });
  return { inputs, filterComplex: graph.join(';'), outputOptions, output, totalSeconds };
}


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
  const n = clips.length;
  const ov = (b: number): number => (b >= 0 && b < n - 1 && (transitions[b] ?? 'cut') !== 'cut' ? plan.overlapFrames[b]! : 0);
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
    const file = path.join(cacheDir, dir, `${key(p.kind === 'copy' ? 'copy1' : settings, parts, t && t !== 'cut' ? t.type : '')}.mp4`);
    const made = !(await exists(file));
    // Used now: the cache's clean-up keeps what exports use (cache-prune.ts).
    if (!made) await touchPiece(file);
    pieces.push({ ...p, file, made });
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
      const stage = (frames: number): RunOptions => ({
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => opts.onProgress?.({ ...p, fraction: Math.min(1, (done + p.fraction * frames) / total), etaSeconds: null }),
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
        try {
          await ff.run(await job(temps), stage(frames));
          for (const [k, p] of batch.entries()) await rename(temps[k]!, p.file);
        } finally {
          await Promise.all(temps.map((t) => rm(t, { force: true })));
          untrackPieces();
        }
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
        // A few owners per process: each decodes its take once and writes its lead, body and window.
        const owners = [...new Set(toEncode.map((p) => p.owner))];
        if (owners.length) {
          const [others, wins] = [toEncode.filter((p) => p.kind !== 'window').length, toEncode.filter((p) => p.kind === 'window').length];
          const label = [...(others ? [`conform (${others} encoded)`] : []), ...(wins ? [`windows (${wins} encoded)`] : [])].join(', ');
          await timed(label, async () => {
            for (let from = 0; from < owners.length; from += BATCH) {
              const group = owners.slice(from, from + BATCH).map((i) => toEncode.filter((p) => p.owner === i));
              const batch = group.flat();
              await make(batch, batch.reduce((s, p) => s + p.frames, 0), (temps) => {
                let k = 0;
                return batched(
                  group.map((own) => {
                    const mine = temps.slice(k, (k += own.length));
                    const seek = matched !== null && own.every((p) => p.kind === 'window');
                    return (at: number) => ownerJob(own, clips.map((c) => ({ file: c.file, in: c.in, fps: c.info.video?.fps ?? fps })), transitions, plan, { fit: o.fit, output: [...output, '-threads', String(BATCH_THREADS)], seek, temps: mine }, at);
                  }),
                );
              });
            }
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

/** The film's sound: stems, joins, the loudness pass and music when asked, one AAC encode, into `soundFile`. */
async function makeSound(ff: Ffmpeg, clips: readonly StemClip[], transitions: readonly Transition[], plan: FilmPlan, cacheDir: string, soundFile: string, o: { quality: Quality; sound?: SoundFinish | undefined }, signal: AbortSignal | undefined): Promise<void> {
  const run = signal ? { signal } : {};
  const stemFiles = await stems(ff, clips, plan, path.join(cacheDir, 'stems'), run);
  const groups: string[] = [];
  const untracks: Array<() => void> = [];
  try {
    // A dozen stems joined per ffmpeg, then the groups joined: every open stem holds its reading buffers,
    // and 48 at once took the sound's process to 109 MB. Exact: the float WAVs lose nothing, and a join
    // only touches the overlap's samples, which a group's edge leaves as they were (an overlap is at
    // most half of either clip, so a clip's two overlaps never meet).
    const joined = stemFiles.length > STEM_BATCH ? groups : stemFiles;
    for (let from = 0; stemFiles.length > STEM_BATCH && from < stemFiles.length; from += STEM_BATCH) {
      const part = stemFiles.slice(from, from + STEM_BATCH);
      const out = path.join(cacheDir, 'stems', `once-${from}-${randomBytes(6).toString('hex')}.wav.${randomBytes(4).toString('hex')}.tmp`);
      groups.push(out);
      untracks.push(trackTemps(out));
      const sub = { ...plan, overlapSamples: plan.overlapSamples.slice(from) };
      const graph = part.length > 1 ? joinAudio(part.map((_, i) => `${i}:a:0`), transitions.slice(from), sub) : { parts: ['[0:a:0]anull[ja0]'], out: 'ja0' };
      await ff.run({ inputs: part.map((f) => ({ path: f })), filterComplex: graph.parts.join(';'), outputOptions: ['-map', `[${graph.out}]`, '-c:a', 'pcm_f32le', '-f', 'wav'], output: out, totalSeconds: 0 }, run);
    }
    // The groups' joins, on the group boundaries' overlaps.
    const edges = stemFiles.length > STEM_BATCH ? groups.map((_, g) => g * STEM_BATCH) : stemFiles.map((_, i) => i);
    const joinPlan = { ...plan, overlapSamples: edges.slice(1).map((e) => plan.overlapSamples[e - 1]!) };
    const joinTransitions = edges.slice(1).map((e) => transitions[e - 1] ?? 'cut');
    // One input, the rest read by amovie sources in the graph: ffmpeg before 7 gives every input a thread.
    const mix = {
      inputs: [{ path: joined[0]! }],
      graph: (at: number) => {
        const sources = joined.slice(1).map((f, k) => `amovie=filename=${escapeFilterValue(f)}[st${k + 1}]`);
        const j = joinAudio(joined.map((_, i) => (i === 0 ? `${at}:a:0` : `st${i}`)), joinTransitions, joinPlan);
        return { parts: [...sources, ...j.parts], out: j.out };
      },
    };
    // A loudness target measures the joined mix first (film-sound.ts); the encode then applies one linear gain.
    const finish = await prepareFinish(ff, mix, o.sound, filmSamples(plan), run);
    const audio = mix.graph(0);
    const finished = finish?.graph(audio.out, mix.inputs.length);
    const parts = [...audio.parts, ...(finished?.parts ?? [])];
    await ff.run(
      {
        inputs: [...mix.inputs, ...(finish?.inputs ?? [])],
        filterComplex: parts.length ? parts.join(';') : `[0:a:0]anull[ja0]`,
        outputOptions: ['-map', `[${parts.length ? (finished?.out ?? audio.out) : 'ja0'}]`, ...audioOutputOptions(o.quality), '-map_metadata', '-1', '-f', 'mp4'],
        output: soundFile,
        totalSeconds: 0,
      },
      run,
    );
  } finally {
    await Promise.all(groups.map((g) => rm(g, { force: true })));
    for (const u of untracks) u();
  }
}
