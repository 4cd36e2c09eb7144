// The windowed render: each take conformed ONCE to the film's frame, rate and encoder settings (cached
// by the take's content hash, its trim and those settings), only the windows around transitions encoded,
// and the bodies between them stream-copied from the conformed takes; the sound built from cached
// sample-exact stems with the same concat/acrossfade joins as the one-pass render, encoded once.
// The next export after changing one take re-encodes that take and its (at most two) windows only.
//
// Keyframes: conformed takes and windows have one every half second (a closed, fixed GOP), so every
// body starts and ends on one; a body's in/out points are whole half-seconds, exact in a concat list.
// No B-frames there: the concat demuxer cuts a body by decode time, which then equals display time.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transition } from '../../../shared/project.ts';
import { TRANSITION_LABELS } from '../../../shared/transitions.ts';
import { AUDIO_RATE, type FilmPlan, type PlanSegment } from '../export/plan.ts';
import type { Ffmpeg, FfmpegJob, MediaInfo, RunOptions } from './ffmpeg.ts';
import { audioOutputOptions, clipVideo, concatQuote, filmSamples, FINISH, joinAudio, stemsJob, videoOutputOptions, XFADE, type Fit, type Quality } from './film-graph.ts';
import { prepareFinish, type SoundFinish } from './film-sound.ts';
import { trackTemps } from './temp-files.ts';

export interface StemClip {
  file: string;
  hash?: string | undefined;
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
    if (await exists(files[i]!)) continue;
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

interface Piece {
  /** The cached file this piece is (or will be) in. */
  file: string;
  made: boolean;
  /** Its ffmpeg job, with its inputs numbered from `at` (pieces are batched into one process). */
  job: (out: string, at: number) => FfmpegJob;
  frames: number;
}

/**
 * Pieces encoded per ffmpeg process: one process per take would spend more on starting ffmpeg than on
 * encoding a short take, and a few x264 encoders at once keep both cores busy; more would hold many
 * frames in memory at once (a film of 200 takes never opens 200 inputs). Windows (a second or so each)
 * are batched alike: each of them opens two inputs, and eleven 720p encoders in one process held 1.4 GB.
 * Three, not four: with the sound made alongside, four 720p encoders took a 48-take export (the CLI and
 * its ffmpeg processes together) to 607 MB, over the 600 MB it may hold (`npm run bench -- export`).
 */
const BATCH = 3;
const WINDOW_BATCH = 3;
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

/**
 * The windowed render of `plan`, or null when it cannot be made (a take too short to have a body
 * between its transitions, or no content hash to key the cache by): then the one-pass render is used.
 */
export async function planWindowed(ff: Ffmpeg, clips: readonly StemClip[], transitions: readonly Transition[], plan: FilmPlan, cacheDir: string, o: { fit: Fit; quality: Quality; why: readonly string[]; sound?: SoundFinish | undefined }): Promise<WindowedRender | null> {
  const { fps, width, height } = plan.canvas;
  // Half a second: exact in a concat list at 24, 30, 50 and 60 fps; a second at 25.
  const gop = fps % 2 === 0 ? fps / 2 : fps;
  if (clips.some((c) => !c.hash)) return null;
  const n = clips.length;
  const ov = (b: number): number => (b >= 0 && b < n - 1 ? plan.overlapFrames[b]! : 0);
  // Each take's body: from the first keyframe at or after its incoming overlap to the last at or before
  // its outgoing one (a cut side needs no window: the body reaches the take's edge).
  const bodies = clips.map((_, i) => {
    const frames = plan.frames[i]!;
    const from = ov(i - 1) ? Math.ceil(ov(i - 1) / gop) * gop : 0;
    const to = ov(i) ? Math.floor((frames - ov(i)) / gop) * gop : frames;
    return { from, to };
  });
  if (bodies.some((b) => b.to <= b.from)) return null;

  const settings = ['conform1', width, height, fps, gop, o.fit, o.quality].join(':');
  const conformed: Piece[] = [];
  for (const [i, c] of clips.entries()) {
    const file = path.join(cacheDir, 'conformed', `${key(settings, c.hash!, c.in, plan.frames[i]!)}.mp4`);
    conformed.push({
      file,
      made: !(await exists(file)),
      frames: plan.frames[i]!,
      job: (out, at) => ({
        inputs: [{ path: c.file }],
        filterComplex: `${clipVideo(at, c.in, plan.frames[i]!, plan.canvas, o.fit)}`,
        outputOptions: ['-map', `[v${at}]`, '-an', ...videoOutputOptions(o.quality, fps, gop), '-bf', '0', '-threads', String(BATCH_THREADS), '-map_metadata', '-1', '-f', 'mp4'],
        output: out,
        totalSeconds: plan.frames[i]! / fps,
      }),
    });
  }
  const windows = new Map<number, Piece>();
  for (let b = 0; b < n - 1; b++) {
    const t = transitions[b] ?? 'cut';
    if (t === 'cut' || !ov(b)) continue;
    const tail = plan.frames[b]! - bodies[b]!.to;
    const head = bodies[b + 1]!.from;
    const frames = tail + head - ov(b);
    const [left, right] = [conformed[b]!, conformed[b + 1]!];
    const file = path.join(cacheDir, 'windows', `${key(settings, left.file, right.file, tail, head, ov(b), t.type)}.mp4`);
    windows.set(b, {
      file,
      made: !(await exists(file)),
      frames,
      job: (out, at) => ({
        // Seek to half a frame before the body's end (a keyframe): the first frame kept is exactly it.
        inputs: [{ path: left.file, options: ['-ss', ((bodies[b]!.to - 0.5) / fps).toFixed(6)] }, { path: right.file }],
        filterComplex:
          `[${at}:v:0]setpts=PTS-STARTPTS,trim=end_frame=${tail},setpts=N/(${fps}*TB),settb=1/${fps}[l${at}];[${at + 1}:v:0]trim=end_frame=${head},setpts=N/(${fps}*TB),settb=1/${fps}[r${at}];` +
          `[l${at}][r${at}]xfade=transition=${XFADE[t.type]}:duration=${ov(b) / fps}:offset=${(tail - ov(b)) / fps}[w${at}]`,
        outputOptions: ['-map', `[w${at}]`, '-an', ...videoOutputOptions(o.quality, fps, gop), '-bf', '0', '-threads', String(BATCH_THREADS), '-map_metadata', '-1', '-f', 'mp4'],
        output: out,
        totalSeconds: frames / fps,
      }),
    });
  }

  const segments: PlanSegment[] = [];
  clips.forEach((_, i) => {
    const c = conformed[i]!;
    const whyConform = o.why[i] ?? '';
    segments.push({ scene: i + 1, path: c.made ? 'conform' : 'copy', reason: c.made ? `${whyConform}: conformed once to the film's settings (kept for the next export)` : `copied from its conformed copy made earlier (${whyConform})` });
    const w = windows.get(i);
    const t = transitions[i];
    if (w && t && t !== 'cut') segments.push({ scene: i + 1, path: 'window', reason: `${TRANSITION_LABELS[t.type]} into scene ${i + 2}: ${(w.frames / fps).toFixed(2)} s window ${w.made ? 'encoded' : 'from an earlier export'}` });
  });

  return {
    segments,
    reason: windows.size
      ? `each take conformed once (kept for the next export), only the ${windows.size} transition window${windows.size > 1 ? 's' : ''} encoded, the rest stream-copied`
      : 'each take conformed once (kept for the next export) and joined by stream copy',
    async run(output, opts) {
      const pieces = [...conformed, ...windows.values()].filter((p) => p.made);
      // Progress by frames encoded, the final join counted as a twentieth of the film.
      const total = pieces.reduce((s, p) => s + p.frames, 0) + plan.totalSeconds * fps * 0.05;
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
      // The sound does not wait for the picture: its stems, joins, loudness pass and one AAC encode run alongside.
      const soundFile = path.join(cacheDir, `.sound-${randomBytes(6).toString('hex')}.m4a`);
      const listFile = path.join(cacheDir, `.join-${randomBytes(6).toString('hex')}.ffconcat`);
      // Kept fresh while this export runs, so another process's export does not take them for leftovers.
      const untrack = trackTemps(soundFile, listFile);
      const sound = timed('sound (stems, joins, AAC) alongside', async () => {
        const stemFiles = await stems(ff, clips, plan, path.join(cacheDir, 'stems'), opts);
        const mix = { inputs: stemFiles.map((f) => ({ path: f })), graph: (at: number) => joinAudio(stemFiles.map((_, i) => `${at + i}:a:0`), transitions, plan) };
        // A loudness target measures the joined mix first (film-sound.ts); the encode then applies one linear gain.
        const finish = await prepareFinish(ff, mix, o.sound, filmSamples(plan), opts.signal ? { signal: opts.signal } : {});
        const audio = mix.graph(0);
        const finished = finish?.graph(audio.out, stemFiles.length);
        const parts = [...audio.parts, ...(finished?.parts ?? [])];
        await ff.run(
          {
            inputs: [...mix.inputs, ...(finish?.inputs ?? [])],
            filterComplex: parts.length ? parts.join(';') : `[0:a:0]anull[ja0]`,
            outputOptions: ['-map', `[${parts.length ? (finished?.out ?? audio.out) : 'ja0'}]`, ...audioOutputOptions(o.quality), '-map_metadata', '-1', '-f', 'mp4'],
            output: soundFile,
            totalSeconds: 0,
          },
          opts.signal ? { signal: opts.signal } : {},
        );
      });
      // Settled at once: a failure of the picture must not leave the sound's rejection unheard.
      const soundDone = sound.then(
        () => null,
        (err: unknown) => err,
      );
      try {
        // Conformed takes first (windows are cut from them), a few per process.
        const groups = [
          { name: 'conform', pieces: conformed.filter((p) => p.made), size: BATCH },
          { name: 'windows', pieces: [...windows.values()].filter((p) => p.made), size: WINDOW_BATCH },
        ];
        for (const { name, pieces: group, size } of groups) {
          if (!group.length) continue;
          await timed(`${name} (${group.length} encoded)`, async () => {
            for (let from = 0; from < group.length; from += size) {
              const batch = group.slice(from, from + size);
              await Promise.all(batch.map((p) => mkdir(path.dirname(p.file), { recursive: true })));
              const temps = batch.map((p) => `${p.file}.${randomBytes(4).toString('hex')}.tmp`);
              const frames = batch.reduce((s, p) => s + p.frames, 0);
              const untrackPieces = trackTemps(...temps);
              try {
                await ff.run(batched(batch.map((p, k) => (at: number) => p.job(temps[k]!, at))), stage(frames));
                for (const [k, p] of batch.entries()) await rename(temps[k]!, p.file);
              } finally {
                await Promise.all(temps.map((t) => rm(t, { force: true })));
                untrackPieces();
              }
              done += frames;
            }
          });
        }
        const soundError = await soundDone;
        if (soundError) throw soundError;
        const t = (frames: number): string => (frames / fps).toFixed(6);
        const list = ['ffconcat version 1.0'];
        clips.forEach((_, i) => {
          const body = bodies[i]!;
          list.push(`file ${concatQuote(conformed[i]!.file)}`, `inpoint ${t(body.from)}`);
          if (body.to < plan.frames[i]!) list.push(`outpoint ${t(body.to)}`);
          list.push(`duration ${t(body.to - body.from)}`);
          const w = windows.get(i);
          if (w) list.push(`file ${concatQuote(w.file)}`, `duration ${t(w.frames)}`);
        });
        await writeFile(listFile, `${list.join('\n')}\n`, 'utf8');
        await timed('join (stream copy)', () =>
          ff.run(
            {
              inputs: [{ path: listFile, options: ['-f', 'concat', '-safe', '0'] }, { path: soundFile }],
              outputOptions: ['-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', ...FINISH],
              output,
              totalSeconds: plan.totalSeconds,
            },
            stage(plan.totalSeconds * fps * 0.05),
          ),
        );
        const reused = conformed.filter((p) => !p.made).length;
        const reusedWindows = [...windows.values()].filter((p) => !p.made).length;
        opts.log?.(`windowed render: ${timings.join(', ')}; kept from earlier exports: ${reused} of ${conformed.length} conformed takes, ${reusedWindows} of ${windows.size} windows`);
      } finally {
        await soundDone;
        await Promise.all([rm(listFile, { force: true }), rm(soundFile, { force: true })]);
        untrack();
      }
    },
  };
}
