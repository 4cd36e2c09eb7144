// The windowed render cut into pieces (pure): every frame of the film is in exactly one piece, and each
// piece is either copied or encoded once. For clip i, on its own frames (0 = its first frame in the film):
//
//   [0, head)        in the window from the clip before (a transition), or a lead piece of its own (a cut)
//   [head, tail)     its body: the take's own frames copied from a keyframe, or encoded
//   [tail, frames)   in the window into the next clip (a transition), or a trail piece of its own (a cut)
//
// An encoded body runs from the end of the incoming overlap to the start of the outgoing one. A copied
// body starts on a keyframe, and with B-frames also ends on one (a frame shown before a keyframe may be
// decoded from frames after it); the frames between it and the overlap join the window or a lead/trail.
// A window holds the tail of clip b and the head of clip b+1, the overlap cross-faded. Pieces are
// encoded by the clip they start in ("owner"): one ffmpeg decodes that clip once and writes its lead,
// body, trail and outgoing window, so no take is decoded twice for a first export.
import type { Transition } from '../../../shared/project.ts';
import type { FilmPlan } from '../export/plan.ts';
import type { FfmpegJob } from './ffmpeg.ts';
import { clipVideo, XFADE, type Fit } from './film-graph.ts';

export interface PieceClip {
  file: string;
  /** Where the clip starts in its take, seconds. */
  in: number;
  /** The take's frames per second (the seek below is used only when it is the film's). */
  fps: number;
}

/** Clip i's frames that can be copied from its take, [from, to) (from on a keyframe), or null to encode its body. */
export type CopyFrom = Array<{ from: number; to: number } | null>;

export interface Part {
  clip: number;
  /** Frames of the clip, [from, to). */
  from: number;
  to: number;
}

export interface Piece {
  kind: 'copy' | 'lead' | 'body' | 'trail' | 'window';
  /** The clip it starts in. */
  owner: number;
  /** Its frames in the film. */
  frames: number;
  /** The clip's frames it shows (a window: the outgoing clip's tail, then the incoming clip's head). */
  parts: Part[];
  /** Boundary index, for a window. */
  boundary?: number;
  file: string;
  made: boolean;
}

/** Each clip's [head, tail): its copy's where the body is copied, else the frames between its overlaps. */
export function clipSpans(plan: FilmPlan, transitions: readonly Transition[], copyFrom: CopyFrom): Array<{ head: number; tail: number; copy: boolean }> {
  const n = plan.frames.length;
  const ov = overlaps(plan, transitions);
  return plan.frames.map((frames, i) => {
    const range = copyFrom[i];
    const [inner, outer] = [i > 0 ? ov[i - 1]! : 0, frames - (i < n - 1 ? ov[i]! : 0)];
    if (range && range.from >= inner && range.to <= outer && range.from < range.to) return { head: range.from, tail: range.to, copy: true };
    return { head: inner, tail: outer, copy: false };
  });
}

/** Frames shared at each boundary: the plan's overlap at a transition, 0 at a cut. */
export function overlaps(plan: FilmPlan, transitions: readonly Transition[]): number[] {
  return plan.overlapFrames.map((o, b) => ((transitions[b] ?? 'cut') !== 'cut' ? o : 0));
}

/** The film's pieces in order, without their files. */
export function filmPieces(plan: FilmPlan, transitions: readonly Transition[], copyFrom: CopyFrom): Array<Omit<Piece, 'file' | 'made'>> {
  const spans = clipSpans(plan, transitions, copyFrom);
  const ov = overlaps(plan, transitions);
  const n = spans.length;
  const pieces: Array<Omit<Piece, 'file' | 'made'>> = [];
  spans.forEach((s, i) => {
    const frames = plan.frames[i]!;
    // A head not in a window: a copied body after a cut that does not start on the take's first frame.
    if (!(i > 0 && ov[i - 1]! > 0) && s.head > 0) pieces.push({ kind: 'lead', owner: i, frames: s.head, parts: [{ clip: i, from: 0, to: s.head }] });
    if (s.tail > s.head) pieces.push({ kind: s.copy ? 'copy' : 'body', owner: i, frames: s.tail - s.head, parts: [{ clip: i, from: s.head, to: s.tail }] });
    if (s.tail >= frames) return;
    if (i < n - 1 && ov[i]! > 0) {
      const next = spans[i + 1]!;
      pieces.push({ kind: 'window', owner: i, boundary: i, frames: frames - s.tail + next.head - ov[i]!, parts: [{ clip: i, from: s.tail, to: frames }, { clip: i + 1, from: 0, to: next.head }] });
    } else {
      pieces.push({ kind: 'trail', owner: i, frames: frames - s.tail, parts: [{ clip: i, from: s.tail, to: frames }] });
    }
  });
  return pieces;
}

/**
 * One ffmpeg job writing the encoded pieces of one owner clip (lead, body, trail, outgoing window; only
 * those given). The clip is decoded once; with `seek` (the take at the film's rate, its frames evenly
 * spaced) reading starts at the keyframe before the first frame needed. One decoding thread per input:
 * two such jobs run at once, and each thread holds frames.
 */
export function ownerJob(pieces: readonly Piece[], clips: readonly PieceClip[], transitions: readonly Transition[], plan: FilmPlan, o: { fit: Fit; output: string[]; seek: boolean; temps: readonly string[] }): FfmpegJob {
  const { fps } = plan.canvas;
  const owner = pieces[0]!.owner;
  const clip = clips[owner]!;
  const f0 = o.seek ? Math.min(...pieces.map((p) => p.parts[0]!.from)) : 0;
  const inputs: FfmpegJob['inputs'] = [];
  const graph: string[] = [];
  const skip = Math.round(clip.in * fps);
  if (f0 > 0) {
    // Half a frame before the first frame needed: the first frame decoded and kept is exactly it.
    inputs.push({ path: clip.file, options: ['-threads', '1', '-ss', ((skip + f0 - 0.5) / fps).toFixed(6)] });
    graph.push(clipVideo(0, 0, plan.frames[owner]! - f0, plan.canvas, o.fit).replace(/,fps=[^,]*,/, ',').replace('[v0]', '[c]'));
  } else {
    inputs.push({ path: clip.file, options: ['-threads', '1'] });
    graph.push(clipVideo(0, clip.in, plan.frames[owner]!, plan.canvas, o.fit).replace('[v0]', '[c]'));
  }
  const branches = pieces.map((_, k) => `s${k}`);
  graph.push(pieces.length > 1 ? `[c]split=${pieces.length}${branches.map((b) => `[${b}]`).join('')}` : `[c]null[${branches[0]}]`);
  const outputOptions: string[] = [];
  pieces.forEach((p, k) => {
    const first = p.parts[0]!;
    graph.push(`[${branches[k]}]trim=start_frame=${first.from - f0}:end_frame=${first.to - f0},setpts=N/(${fps}*TB),settb=1/${fps}[p${k}]`);
    let out = `p${k}`;
    if (p.kind === 'window') {
      const next = p.parts[1]!;
      const right = clips[next.clip]!;
      const r = inputs.length;
      // Only the head of the next take is read.
      inputs.push({ path: right.file, options: ['-threads', '1', '-t', ((Math.round(right.in * fps) + next.to + 2) / fps).toFixed(6)] });
      graph.push(clipVideo(r, right.in, next.to, plan.canvas, o.fit));
      const t = transitions[p.boundary!];
      const overlap = plan.overlapFrames[p.boundary!]!;
      out = `w${k}`;
      graph.push(`[p${k}][v${r}]xfade=transition=${t && t !== 'cut' ? XFADE[t.type] : 'fade'}:duration=${overlap / fps}:offset=${(first.to - first.from - overlap) / fps}[${out}]`);
    }
    outputOptions.push('-map', `[${out}]`, '-an', ...o.output, '-map_metadata', '-1', '-f', 'mp4', ...(k < pieces.length - 1 ? ['-y', o.temps[k]!] : []));
  });
  return { inputs, filterComplex: graph.join(';'), outputOptions, output: o.temps[pieces.length - 1]!, totalSeconds: Math.max(...pieces.map((p) => p.frames)) / fps };
}

/**
 * A concat list that copies frames [from, to) of a take whose frame 0 shows at `startMicros`, its frames
 * evenly spaced, decoded `delay` frames ahead (B-frames). The concat demuxer ends a file at the first
 * packet whose decode time reaches the outpoint: the decode time of frame `to`, a keyframe when delay > 0.
 */
export function copyList(file: string, quote: (f: string) => string, startMicros: number, from: number, to: number, total: number, fps: number, delay: number): string {
  const at = (frame: number): number => startMicros + (frame * 1e6) / fps;
  const lines = ['ffconcat version 1.0', `file ${quote(file)}`, `inpoint ${(Math.ceil(at(from)) / 1e6).toFixed(6)}`];
  if (to < total) lines.push(`outpoint ${(Math.floor(at(to - delay)) / 1e6).toFixed(6)}`);
  lines.push(`duration ${((to - from) / fps).toFixed(6)}`, '');
  return lines.join('\n');
}
