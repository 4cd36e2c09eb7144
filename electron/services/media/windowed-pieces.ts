// The windowed render cut into pieces (pure): every frame of the film is in exactly one piece, and each
// piece is either copied or encoded once. For clip i, on its own frames (0 = its first frame in the film):
//
//   [0, head)        in the window from the clip before (a transition), or a lead piece of its own (a cut)
//   [head, tail)     its body: the take's own frames copied from a keyframe, or encoded
//   [tail, frames)   in the window into the next clip (tail = frames − the overlap; at a cut, empty)
//
// A window holds the tail of clip b and the head of clip b+1, the overlap cross-faded: it is exactly
// head(b+1) frames long. Pieces are encoded by the clip they start in ("owner"): one ffmpeg decodes that
// clip once and writes its lead, body and outgoing window, so no take is decoded twice for a first export.
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

/** Where clip i's body may start: the first frame of a copy (a keyframe), or null to encode it. */
export type CopyFrom = Array<number | null>;

export interface Part {
  clip: number;
  /** Frames of the clip, [from, to). */
  from: number;
  to: number;
}

export interface Piece {
  kind: 'copy' | 'lead' | 'body' | 'window';
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

/** Each clip's [head, tail): the head moved to the copy's keyframe where the body is copied. */
export function clipSpans(plan: FilmPlan, transitions: readonly Transition[], copyFrom: CopyFrom): Array<{ head: number; tail: number; copy: boolean }> {
  const n = plan.frames.length;
  const ov = (b: number): number => (b >= 0 && b < n - 1 && (transitions[b] ?? 'cut') !== 'cut' ? plan.overlapFrames[b]! : 0);
  return plan.frames.map((frames, i) => {
    const tail = frames - ov(i);
    const from = copyFrom[i];
    if (from != null && from >= ov(i - 1) && from < tail) return { head: from, tail, copy: true };
    return { head: ov(i - 1), tail, copy: false };
  });
}

/** The film's pieces in order, without their files (`name` gives each its cache file and whether it exists). */
export function filmPieces(plan: FilmPlan, transitions: readonly Transition[], copyFrom: CopyFrom): Array<Omit<Piece, 'file' | 'made'>> {
  const spans = clipSpans(plan, transitions, copyFrom);
  const n = spans.length;
  const pieces: Array<Omit<Piece, 'file' | 'made'>> = [];
  spans.forEach((s, i) => {
    const incoming = i > 0 && (transitions[i - 1] ?? 'cut') !== 'cut' && plan.overlapFrames[i - 1]! > 0;
    // A head not covered by a window: a copied body after a cut that does not start on a keyframe.
    if (!incoming && s.head > 0) pieces.push({ kind: 'lead', owner: i, frames: s.head, parts: [{ clip: i, from: 0, to: s.head }] });
    if (s.tail > s.head) pieces.push({ kind: s.copy ? 'copy' : 'body', owner: i, frames: s.tail - s.head, parts: [{ clip: i, from: s.head, to: s.tail }] });
    if (i < n - 1 && s.tail < plan.frames[i]!) {
      const next = spans[i + 1]!;
      pieces.push({ kind: 'window', owner: i, boundary: i, frames: next.head, parts: [{ clip: i, from: s.tail, to: plan.frames[i]! }, { clip: i + 1, from: 0, to: next.head }] });
    }
  });
  return pieces;
}

/**
 * One ffmpeg job writing the encoded pieces of one owner clip (lead, body, outgoing window; only those
 * given), inputs numbered from `at`. The clip is decoded once; with `seek` (the take at the film's rate,
 * its frames evenly spaced) reading starts at the keyframe before the first frame needed.
 */
export function ownerJob(pieces: readonly Piece[], clips: readonly PieceClip[], transitions: readonly Transition[], plan: FilmPlan, o: { fit: Fit; output: string[]; seek: boolean; temps: readonly string[] }, at: number): FfmpegJob {
  const { fps } = plan.canvas;
  const owner = pieces[0]!.owner;
  const clip = clips[owner]!;
  const f0 = o.seek ? Math.min(...pieces.map((p) => p.parts[0]!.from)) : 0;
  const inputs: FfmpegJob['inputs'] = [];
  const graph: string[] = [];
  const skip = Math.round(clip.in * fps);
  const src = `c${at}`;
  if (f0 > 0) {
    // Half a frame before the first frame needed: the first frame decoded and kept is exactly it.
    inputs.push({ path: clip.file, options: ['-ss', ((skip + f0 - 0.5) / fps).toFixed(6)] });
    const chain = clipVideo(at, 0, plan.frames[owner]! - f0, plan.canvas, o.fit).replace(/,fps=[^,]*,/, ',').replace(`[v${at}]`, `[${src}]`);
    graph.push(chain);
  } else {
    inputs.push({ path: clip.file });
    graph.push(clipVideo(at, clip.in, plan.frames[owner]!, plan.canvas, o.fit).replace(`[v${at}]`, `[${src}]`));
  }
  const branches = pieces.map((_, k) => `s${at}_${k}`);
  graph.push(pieces.length > 1 ? `[${src}]split=${pieces.length}${branches.map((b) => `[${b}]`).join('')}` : `[${src}]null[${branches[0]}]`);
  const outputOptions: string[] = [];
  let output = '';
  pieces.forEach((p, k) => {
    const first = p.parts[0]!;
    const label = `p${at}_${k}`;
    graph.push(`[${branches[k]}]trim=start_frame=${first.from - f0}:end_frame=${first.to - f0},setpts=N/(${fps}*TB),settb=1/${fps}[${label}]`);
    let out = label;
    if (p.kind === 'window') {
      const next = p.parts[1]!;
      const right = clips[next.clip]!;
      const r = at + inputs.length;
      // Only the head of the next take is read.
      inputs.push({ path: right.file, options: ['-t', ((Math.round(right.in * fps) + next.to + 2) / fps).toFixed(6)] });
      graph.push(clipVideo(r, right.in, next.to, plan.canvas, o.fit));
      const t = transitions[p.boundary!];
      const overlap = first.to - first.from;
      out = `w${at}_${k}`;
      graph.push(`[${label}][v${r}]xfade=transition=${t && t !== 'cut' ? XFADE[t.type] : 'fade'}:duration=${overlap / fps}:offset=0[${out}]`);
    }
    const opts = ['-map', `[${out}]`, '-an', ...o.output, '-map_metadata', '-1', '-f', 'mp4'];
    if (k < pieces.length - 1) outputOptions.push(...opts, '-y', o.temps[k]!);
    else {
      outputOptions.push(...opts);
      output = o.temps[k]!;
    }
  });
  return { inputs, filterComplex: graph.join(';'), outputOptions, output, totalSeconds: Math.max(...pieces.map((p) => p.frames)) / fps };
}

/** A concat list that copies frames [from, to) of a take whose frame 0 is at `startMicros`, evenly spaced. */
export function copyList(file: string, quote: (f: string) => string, startMicros: number, from: number, to: number, total: number, fps: number): string {
  const at = (frame: number): number => startMicros + (frame * 1e6) / fps;
  const lines = ['ffconcat version 1.0', `file ${quote(file)}`, `inpoint ${(Math.ceil(at(from)) / 1e6).toFixed(6)}`];
  // No B-frames (take-stream.ts): decode order is display order, so the first frame left out ends it.
  if (to < total) lines.push(`outpoint ${(Math.floor(at(to)) / 1e6).toFixed(6)}`);
  lines.push(`duration ${((to - from) / fps).toFixed(6)}`, '');
  return lines.join('\n');
}
