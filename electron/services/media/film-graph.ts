// The ffmpeg jobs a film plan turns into: the one-pass render (every clip conformed to the film's frame,
// rate and sound, joined by cuts and xfade/acrossfade transitions), and the sound stems of the copy path.
// Pure: they build arguments; stitch.ts and copy-path.ts run them.
import type { Transition, TransitionType } from '../../../shared/project.ts';
import { AUDIO_RATE, type FilmPlan } from '../export/plan.ts';
import type { FfmpegJob } from './ffmpeg.ts';
import { escapeFilterValue } from './ffmpeg-text.ts';
import type { Finisher, SoundSource } from './film-sound.ts';

export const QUALITIES = ['draft', 'standard', 'high'] as const;
export type Quality = (typeof QUALITIES)[number];

/**
 * Encoder settings per quality. The sound's bitrate is chosen by measurement: ffmpeg's native AAC
 * encoder spends several times longer per second at 192 kb/s than at 128 kb/s, and the fast path's time
 * is almost all that encode; 128 kb/s stereo AAC-LC is what streaming sites serve.
 */
export const QUALITY: Record<Quality, { preset: string; crf: number; audioKbps: number }> = {
  draft: { preset: 'ultrafast', crf: 28, audioKbps: 96 },
  standard: { preset: 'veryfast', crf: 20, audioKbps: 128 },
  high: { preset: 'medium', crf: 17, audioKbps: 192 },
};

export type Fit = 'fit' | 'fill';

/** xfade's name for each of Storyreel's transitions. */
export const XFADE: Record<TransitionType, string> = {
  crossfade: 'fade',
  'fade-black': 'fadeblack',
  'dip-white': 'fadewhite',
  'wipe-left': 'wipeleft',
  'wipe-right': 'wiperight',
  'slide-left': 'slideleft',
  'slide-right': 'slideright',
};

export interface GraphClip {
  file: string;
  in: number;
  hasAudio: boolean;
}

/**
 * H.264 settings for a film at `fps` with a keyframe every `gop` frames. The windowed path encodes its
 * conformed takes and its windows with exactly these, so they share one set of parameters (SPS/PPS) and
 * join by stream copy; a fixed GOP (no scene-cut keyframes, closed GOPs) puts keyframes where it plans them.
 */
export function videoOutputOptions(quality: Quality, fps: number, gop: number): string[] {
  const q = QUALITY[quality];
  return ['-c:v', 'libx264', '-preset', q.preset, '-crf', String(q.crf), '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-r', String(fps)];
}

export function audioOutputOptions(quality: Quality): string[] {
  return ['-c:a', 'aac', '-b:a', `${QUALITY[quality].audioKbps}k`, '-ar', String(AUDIO_RATE), '-ac', '2'];
}

export const FINISH = ['-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4'];

/**
 * FINISH with the index (moov) written into `bytes` kept free at the front of the file, instead of
 * `+faststart` moving it there by reading and writing the whole film again once it is written (on this
 * machine's warm page cache that second pass was lost in the noise; on a slow disk it is a full copy).
 * Too small a room fails the muxer ("reserved_moov_size is too small"), which ffmpeg 5 still exits 0 on:
 * the caller must check (copy-path.ts runWithRoom).
 */
export const finishWithRoom = (bytes: number): string[] => ['-map_metadata', '-1', '-moov_size', String(bytes), '-f', 'mp4'];

/** What ffmpeg says when the room kept for the index was too small (the film then has no index). */
export const MOOV_ROOM_TOO_SMALL = /reserved_moov_size is too small/;

/**
 * Room for the index of an MP4 of `packets` samples (all tracks), never too small for what ffmpeg's mov
 * muxer writes: per sample at most 4 bytes of size (stsz), 8 of timing (stts) and 8 of reorder (ctts)
 * when no two in a row agree, 4 of sync-sample entry (stss), 1 of dependency flags (sdtp), and a chunk of
 * its own (a 12-byte stsc run, an 8-byte co64 offset); plus 64 KB for the boxes every track has, the
 * codecs' setup (SPS/PPS) and the edit lists. A real index is about a quarter of this (84 KB of 400 KB for
 * 96 s of 30 fps picture with its sound); the rest stays a `free` box.
 */
export const moovRoom = (packets: number): number => 65_536 + 45 * Math.ceil(packets);

/**
 * The copy path's packets: each take's picture frames (its length at its average rate, and a few to
 * spare) and the AAC frames of `samples` of sound (1024 samples each, one more for the encoder's delay).
 */
export function copyPackets(takes: ReadonlyArray<{ seconds: number; fps: number }>, samples: number): number {
  const frames = takes.reduce((n, t) => n + Math.ceil(t.seconds * (t.fps > 0 ? t.fps : 120)) + 4, 0);
  return frames + Math.ceil(samples / 1024) + 4;
}

/**
 * One clip's sound, exactly `samples` long from `in`: resampled to 48 kHz stereo, started at the clip's
 * zero (`first_pts=0` pads or cuts a late or early start), cut at `in`, padded with silence or cut at the
 * end. A clip without sound is silence. Sample-exact lengths are what keep every joint in sync.
 */
export function clipAudio(inputIndex: number | null, inSeconds: number, samples: number, label: string): string {
  if (inputIndex === null) return `anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=end_sample=${samples}[${label}]`;
  const skip = Math.round(inSeconds * AUDIO_RATE);
  return (
    `[${inputIndex}:a:0]aresample=${AUDIO_RATE}:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo,` +
    `${skip > 0 ? `atrim=start_sample=${skip},asetpts=PTS-STARTPTS,` : ''}apad,atrim=end_sample=${samples}[${label}]`
  );
}

/** One clip's picture: square pixels, fitted (padded) or filled (cropped) to the frame, `frames` long from `in`. */
export function clipVideo(i: number, inSeconds: number, frames: number, canvas: FilmPlan['canvas'], fit: Fit): string {
  const { width: w, height: h, fps } = canvas;
  const place =
    fit === 'fill'
      ? `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`
      : `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`;
  const skip = Math.round(inSeconds * fps);
  // fps with start_time=0 keeps the picture on the clip's own clock, like its sound; tpad + trim make it
  // exactly `frames` long even when the take is a frame short.
  return (
    `[${i}:v:0]scale=iw*sar:ih,setsar=1,${place},setsar=1,fps=${fps}:start_time=0,format=yuv420p,` +
    `${skip > 0 ? `trim=start_frame=${skip},` : ''}setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=1,trim=end_frame=${frames},setpts=N/(${fps}*TB),settb=1/${fps}[v${i}]`
  );
}

/**
 * The whole film in one ffmpeg: each clip conformed, then joined left to right: a cut with concat, a
 * transition with xfade (picture) and acrossfade (sound) over the overlap, so the film is exactly the
 * sum of the clips minus the overlaps, in frames and in samples.
 */
export function renderJob(clips: readonly GraphClip[], transitions: readonly Transition[], plan: FilmPlan, output: string, opts: { fit: Fit; quality: Quality; finish?: Finisher | null; videoFilter?: string | null }): FfmpegJob {
  const { fps } = plan.canvas;
  const parts: string[] = [];
  clips.forEach((c, i) => {
    parts.push(clipVideo(i, c.in, plan.frames[i]!, plan.canvas, opts.fit));
    parts.push(clipAudio(c.hasAudio ? i : null, c.in, plan.samples[i]!, `a${i}`));
  });
  let v = 'v0';
  let a = 'a0';
  let length = plan.frames[0] ?? 0;
  for (let i = 1; i < clips.length; i++) {
    const t = transitions[i - 1] ?? 'cut';
    const o = plan.overlapFrames[i - 1] ?? 0;
    const nv = `jv${i}`;
    const na = `ja${i}`;
    if (t === 'cut' || o === 0) {
      parts.push(`[${v}][v${i}]concat=n=2:v=1:a=0,settb=1/${fps}[${nv}]`, `[${a}][a${i}]concat=n=2:v=0:a=1[${na}]`);
    } else {
      parts.push(
        `[${v}][v${i}]xfade=transition=${XFADE[t.type]}:duration=${o / fps}:offset=${(length - o) / fps}[${nv}]`,
        `[${a}][a${i}]acrossfade=ns=${plan.overlapSamples[i - 1]}:c1=tri:c2=tri[${na}]`,
      );
    }
    length += plan.frames[i]! - o;
    v = nv;
    a = na;
  }
  if (opts.finish) {
    const f = opts.finish.graph(a, clips.length);
    parts.push(...f.parts);
    a = f.out;
  }
  if (opts.videoFilter) {
    parts.push(`[${v}]${opts.videoFilter}[vout]`);
    v = 'vout';
  }
  return {
    inputs: [...clips.map((c) => ({ path: c.file })), ...(opts.finish?.inputs ?? [])],
    filterComplex: parts.join(';'),
    outputOptions: [
      '-map', `[${v}]`, '-map', `[${a}]`,
      ...videoOutputOptions(opts.quality, fps, fps * 2),
      ...audioOutputOptions(opts.quality),
      ...FINISH,
    ],
    output,
    totalSeconds: length / fps,
  };
}

/**
 * The sound of the film from one input label per clip, each exactly its frames' samples long: joined
 * left to right by concat (a cut) or acrossfade over the overlap (a transition). Returns the graph
 * parts and the label of the result.
 */
export function joinAudio(labels: readonly string[], transitions: readonly Transition[], plan: FilmPlan): { parts: string[]; out: string } {
  const parts: string[] = [];
  let a = labels[0]!;
  for (let i = 1; i < labels.length; i++) {
    const t = transitions[i - 1] ?? 'cut';
    const o = plan.overlapSamples[i - 1] ?? 0;
    const next = `ja${i}`;
    parts.push(t === 'cut' || o === 0 ? `[${a}][${labels[i]}]concat=n=2:v=0:a=1[${next}]` : `[${a}][${labels[i]}]acrossfade=ns=${o}:c1=tri:c2=tri[${next}]`);
    a = next;
  }
  return { parts, out: a };
}

/** The one-pass render's sound alone (its inputs' pictures ignored): what the loudness pass measures. */
export function renderSound(clips: readonly GraphClip[], transitions: readonly Transition[], plan: FilmPlan): SoundSource {
  const withSound = clips.filter((c) => c.hasAudio);
  return {
    inputs: withSound.map((c) => ({ path: c.file, options: ['-vn'] })),
    graph: (at) => {
      let k = at;
      const parts = clips.map((c, i) => clipAudio(c.hasAudio ? k++ : null, c.in, plan.samples[i]!, `a${i}`));
      const joined = joinAudio(clips.map((_, i) => `a${i}`), transitions, plan);
      return { parts: [...parts, ...joined.parts], out: joined.out };
    },
  };
}

/** The film's length in samples: every clip's minus the overlaps. */
export const filmSamples = (plan: FilmPlan): number => plan.samples.reduce((a, b) => a + b, 0) - plan.overlapSamples.reduce((a, b) => a + b, 0);

/**
 * The copy path's sound, one stem per clip that has no cached stem yet: each clip's sound made exactly its
 * picture's length in samples, written as 32-bit float WAV (no encoder delay, no clipping), all in one
 * ffmpeg. Joining the stems with the concat demuxer is then sample-exact and costs almost nothing.
 */
export function stemsJob(clips: ReadonlyArray<{ file: string; hasAudio: boolean; in: number; samples: number; out: string }>): FfmpegJob {
  const inputs: FfmpegJob['inputs'] = [];
  const graph: string[] = [];
  const outputs: string[] = [];
  clips.forEach((c, i) => {
    let index: number | null = null;
    if (c.hasAudio) {
      index = inputs.length;
      inputs.push({ path: c.file, options: ['-vn'] });
    }
    graph.push(clipAudio(index, c.in, c.samples, `s${i}`));
    outputs.push('-map', `[s${i}]`, '-c:a', 'pcm_f32le', '-f', 'wav', ...(i < clips.length - 1 ? ['-y', c.out] : []));
  });
  return { inputs, filterComplex: graph.join(';'), outputOptions: outputs, output: clips.at(-1)!.out, totalSeconds: 0 };
}

export interface CopyJobOptions {
  quality: Quality;
  finish?: Finisher | null | undefined;
  /** Room kept at the front for the index (finishWithRoom); none: moved there afterwards (FINISH). */
  moovBytes?: number | null | undefined;
  /**
   * Read the stems' list with an `amovie` source in the graph instead of as a second input (it must
   * then name them by relative paths the concat demuxer's safe mode takes): ffmpeg gets one input.
   */
  soundInGraph?: boolean | undefined;
}

/** The copy path's final job: the pictures copied via one concat list, the stems joined via another, AAC once. */
export function copyJob(videoList: string, stemList: string, totalSeconds: number, output: string, o: CopyJobOptions): FfmpegJob {
  const source = o.soundInGraph ? `amovie=filename=${escapeFilterValue(stemList)}:f=concat[stems]` : null;
  const inputs: FfmpegJob['inputs'] = [{ path: videoList, options: ['-f', 'concat', '-safe', '0'] }, ...(source ? [] : [{ path: stemList, options: ['-f', 'concat', '-safe', '0'] }])];
  const f = o.finish?.graph(source ? 'stems' : '1:a:0', inputs.length);
  const parts = [...(source ? [source] : []), ...(f?.parts ?? [])];
  const sound = f ? `[${f.out}]` : source ? '[stems]' : '1:a:0';
  return {
    inputs: [...inputs, ...(o.finish?.inputs ?? [])],
    ...(parts.length ? { filterComplex: parts.join(';') } : {}),
    outputOptions: ['-map', '0:v:0', '-map', sound, '-c:v', 'copy', ...audioOutputOptions(o.quality), ...(o.moovBytes ? finishWithRoom(o.moovBytes) : FINISH)],
    output,
    totalSeconds,
  };
}

/** A path quoted for an ffconcat list: inside single quotes everything is literal except the quote. */
export function concatQuote(file: string): string {
  return `'${file.replace(/'/g, `'\\''`)}'`;
}
