// How a film will be made, decided before ffmpeg runs (pure): whether every take can be stream-copied or
// the film is rendered, where each clip sits on the film's clock in whole frames and samples, and, for
// each scene, which path it takes and why, in words the export log and panel show.
//
// Positions are rounded once on the film's clock (start and end of every clip), never per clip, so the
// frames of all clips minus the overlaps add up to the film's length rounded once: no drift at 200 scenes.
import type { Transition } from '../../../shared/project.ts';
import { TRANSITION_LABELS } from '../../../shared/transitions.ts';
import type { ProbeDetails } from '../media/ffmpeg.ts';

export const AUDIO_RATE = 48000;

export interface PlanClip {
  /** How the plan names it: "scene 2". */
  label: string;
  /** The part of the take used, in seconds from its start. */
  in: number;
  out: number;
  /** Length of the take's picture (probed). */
  whole: number;
  details: ProbeDetails;
}

export interface Canvas {
  width: number;
  height: number;
  fps: number;
}

export type SegmentPath = 'copy' | 'window' | 'conform';

export interface PlanSegment {
  /** 1-based scene number. */
  scene: number;
  path: SegmentPath;
  reason: string;
}

export interface FilmPlan {
  kind: 'copy' | 'render';
  /** One line: why the film is made this way. */
  reason: string;
  segments: PlanSegment[];
  canvas: Canvas;
  /** Per clip, its length on the film: frames (render) and samples (both). */
  frames: number[];
  samples: number[];
  /** Per boundary, frames and samples the two clips share (0 for a cut). */
  overlapFrames: number[];
  overlapSamples: number[];
  /** The film's length in seconds (what progress is measured against). */
  totalSeconds: number;
}

/** Frame rates a film is made at; clips at others are converted to the nearest above. */
const FILM_RATES = [24, 25, 30, 50, 60];

/** The film's rate: the clips' own when they all share one of FILM_RATES, else 30. */
export function filmFps(clips: readonly PlanClip[]): number {
  const rates = new Set(clips.map((c) => Math.round((c.details.info.video?.fps ?? 30) * 100) / 100));
  const only = rates.size === 1 ? [...rates][0]! : null;
  return only !== null && FILM_RATES.includes(only) ? only : 30;
}

/**
 * Whether the pictures can be joined as they are. The MP4 keeps one set of H.264 parameters (the first
 * clip's SPS/PPS), so besides the visible properties the codec extradata must match byte for byte, and
 * the concat demuxer picks the video by its track id, so that must match too. Null when they can, else
 * why not, for the first clip that differs.
 */
export function copyMismatch(clips: readonly ProbeDetails[], width: number, height: number): Array<string | null> {
  const describe = (c: ProbeDetails): string | null => {
    const v = c.info.video;
    if (!v) return 'no picture';
    if (v.codec !== 'h264') return `${v.codec}, not H.264`;
    if (v.width !== width || v.height !== height) return `${v.width}x${v.height}, the film is ${width}x${height}`;
    if (c.videoStreamId === null || !c.videoExtradataHash) return 'its encoder settings could not be read';
    return null;
  };
  const key = (c: ProbeDetails): string => {
    const v = c.info.video!;
    return JSON.stringify([v.pixFmt, Math.round(v.fps * 1000), v.timeBase, v.profile, c.videoStreamId, c.videoExtradataHash]);
  };
  const first = clips[0];
  const firstProblem = first ? describe(first) : 'no clips';
  return clips.map((c, i) => {
    const own = describe(c);
    if (own) return own;
    if (i === 0 || firstProblem) return null;
    return key(c) === key(first!) ? null : `encoded differently from scene 1 (${c.info.video!.fps.toFixed(2)} fps, ${c.info.video!.profile ?? 'unknown profile'})`;
  });
}

/** Splits a timeline of clip lengths into whole units so every boundary is rounded on its own. */
export function splitUnits(seconds: readonly number[], unitsPerSecond: number): number[] {
  let at = 0;
  return seconds.map((s) => {
    const from = Math.round(at * unitsPerSecond);
    at += s;
    return Math.round(at * unitsPerSecond) - from;
  });
}

const fmt = (s: number): string => `${Number(s.toFixed(2))} s`;

/**
 * The plan for `clips` joined by `transitions` (one per boundary, 'cut' or an effect) at `size`.
 * `forceRender` (a preset other than the project's frame, a loudness target) rules out copying.
 */
export function planFilm(clips: readonly PlanClip[], transitions: readonly Transition[], size: { width: number; height: number }, opts: { forceRender?: string } = {}): FilmPlan {
  const n = clips.length;
  const lengths = clips.map((c) => Math.max(0, c.out - c.in));
  const trimmed = clips.map((c) => c.in > 0.0005 || c.out < c.whole - 0.0005);
  const mismatch = copyMismatch(
    clips.map((c) => c.details),
    size.width,
    size.height,
  );
  const effect = (i: number): Transition => transitions[i] ?? 'cut';
  const allCuts = clips.every((_, i) => i === n - 1 || effect(i) === 'cut');
  const copy = allCuts && !opts.forceRender && trimmed.every((t) => !t) && mismatch.every((m) => m === null);

  if (copy) {
    const fps = clips[0]?.details.info.video?.fps ?? 30;
    return {
      kind: 'copy',
      reason: 'all cuts, every take whole and encoded alike: the picture is stream-copied, the sound made as one track and encoded once',
      segments: clips.map((c, i) => ({ scene: i + 1, path: 'copy', reason: i === 0 ? 'whole take, copied' : 'whole take, cut, encoded like scene 1: copied' })),
      canvas: { width: size.width, height: size.height, fps },
      frames: splitUnits(lengths, fps),
      samples: splitUnits(lengths, AUDIO_RATE),
      overlapFrames: new Array(Math.max(0, n - 1)).fill(0),
      overlapSamples: new Array(Math.max(0, n - 1)).fill(0),
      totalSeconds: lengths.reduce((a, b) => a + b, 0),
    };
  }

  const fps = filmFps(clips);
  // The film's clock, as shared/timeline.ts builds it: each boundary overlaps by its seconds.
  const starts: number[] = [];
  const overlaps: number[] = [];
  let t = 0;
  clips.forEach((_, i) => {
    if (i > 0) {
      const tr = effect(i - 1);
      const o = tr === 'cut' ? 0 : Math.max(0, Math.min(tr.seconds, lengths[i - 1]! / 2, lengths[i]! / 2));
      overlaps.push(o);
      t -= o;
    }
    starts.push(t);
    t += lengths[i]!;
  });
  const frameAt = (s: number): number => Math.round(s * fps);
  const frames = clips.map((_, i) => frameAt(starts[i]! + lengths[i]!) - frameAt(starts[i]!));
  const overlapFrames = overlaps.map((_, b) => frameAt(starts[b]! + lengths[b]!) - frameAt(starts[b + 1]!));
  // Sound follows the picture frame for frame (48000 is a whole multiple of every film rate's frame).
  const perFrame = AUDIO_RATE / fps;
  const totalFrames = frames.reduce((a, f) => a + f, 0) - overlapFrames.reduce((a, f) => a + f, 0);

  const why = (i: number): string => {
    const parts: string[] = [];
    if (trimmed[i]) parts.push(`trimmed to ${fmt(clips[i]!.in)}–${fmt(clips[i]!.out)}`);
    const into = i < n - 1 ? effect(i) : 'cut';
    const from = i > 0 ? effect(i - 1) : 'cut';
    if (from !== 'cut') parts.push(`${TRANSITION_LABELS[from.type]} from scene ${i}`);
    if (into !== 'cut') parts.push(`${TRANSITION_LABELS[into.type]} into scene ${i + 2}`);
    if (mismatch[i]) parts.push(mismatch[i]!);
    return parts.length ? parts.join(', ') : 'whole take, cut; encoded to match the rest of the film';
  };
  const reasons: string[] = [];
  if (opts.forceRender) reasons.push(opts.forceRender);
  if (!allCuts) reasons.push('transitions');
  if (trimmed.some(Boolean)) reasons.push('trims');
  if (mismatch.some((m) => m !== null)) reasons.push('takes that differ from the film’s size or encoding');
  return {
    kind: 'render',
    reason: `rendered in one pass at ${size.width}x${size.height}, ${fps} fps, because of ${reasons.join(', ')}`,
    segments: clips.map((_, i) => ({ scene: i + 1, path: 'conform', reason: why(i) })),
    canvas: { width: size.width, height: size.height, fps },
    frames,
    samples: frames.map((f) => f * perFrame),
    overlapFrames,
    overlapSamples: overlapFrames.map((f) => f * perFrame),
    totalSeconds: totalFrames / fps,
  };
}
