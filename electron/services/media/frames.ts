// Picking the frame a next scene starts from. The very last frame of a generated clip is often the worst one
// (a fade to black, motion blur, a flash), so the frames of the last second are scored for sharpness
// (variance of the Laplacian) and exposure (mean brightness away from black and white), and the best is
// taken, fitted to the next scene's size. Scoring runs in JavaScript on small grey frames: it works with any
// ffmpeg build, and a test can state exactly why a frame won.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { fitImage } from './animatic.ts';
import type { Ffmpeg, RunOptions } from './ffmpeg.ts';

export interface FrameScore {
  /** Seconds from the start of the clip. */
  at: number;
  sharpness: number;
  /** Mean brightness, 0..255. */
  brightness: number;
  score: number;
}

/** 1 for a well-exposed frame, falling to 0 at near-black (≤ 16) or near-white (≥ 240). */
export function exposureWeight(brightness: number): number {
  return Math.max(0, Math.min(1, (brightness - 16) / 40, (240 - brightness) / 40));
}

/** Variance of the 4-neighbour Laplacian of a grey frame: high for crisp edges, near 0 for blur or a flat field. */
export function laplacianVariance(pixels: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = 4 * pixels[i]! - pixels[i - 1]! - pixels[i + 1]! - pixels[i - width]! - pixels[i + width]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (!n) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * Scores each frame. Later frames get a slight edge (up to 10%), so of two equally good frames the one
 * nearer the cut wins: it is the closer continuation.
 */
export function scoreFrames(frames: readonly Uint8Array[], width: number, height: number, times: readonly number[]): FrameScore[] {
  return frames.map((f, i) => {
    let sum = 0;
    for (const p of f) sum += p;
    const brightness = f.length ? sum / f.length : 0;
    const sharpness = laplacianVariance(f, width, height);
    const lateness = frames.length > 1 ? i / (frames.length - 1) : 1;
    return { at: times[i] ?? 0, sharpness, brightness, score: sharpness * exposureWeight(brightness) * (0.9 + 0.1 * lateness) };
  });
}

/** Index of the best-scored frame; the last frame when none scores at all (a clip that is black throughout). */
export function bestFrame(scores: readonly FrameScore[]): number {
  let best = scores.length - 1;
  for (let i = 0; i < scores.length; i++) if (scores[i]!.score > (scores[best]?.score ?? 0)) best = i;
  return best;
}

const ANALYSIS_WIDTH = 192;

export interface PickedFrame {
  /** Seconds from the start of the clip. */
  at: number;
  scores: FrameScore[];
}

/**
 * Writes the best frame of the second before `end` (default: the clip's end; a trimmed take passes its
 * out point) as a PNG fitted to `size`, and says which frame it was.
 */
export async function pickLastFrame(ff: Ffmpeg, video: string, out: string, size: string, o: { end?: number; window?: number } & RunOptions = {}): Promise<PickedFrame> {
  const run: RunOptions = o.signal ? { signal: o.signal } : {};
  const info = await ff.probe(video, run);
  if (!info.video) throw new AppError('MediaInvalid', 'The previous take has no picture to continue from.', { detail: video });
  const duration = info.video.durationSeconds || info.durationSeconds;
  const end = Math.min(duration, o.end ?? duration);
  const start = Math.max(0, end - (o.window ?? 1));
  const fps = info.video.fps || 30;
  const w = ANALYSIS_WIDTH;
  const h = Math.max(2, Math.round((w * info.video.height) / info.video.width / 2) * 2);
  const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-frames-'));
  try {
    // Every frame of the window, small and grey, in one pass.
    const raw = path.join(dir, 'window.gray');
    const window = (): { path: string; options: string[] } => ({ path: video, options: ['-ss', start.toFixed(3), '-t', (end - start).toFixed(3)] });
    await ff.run({ inputs: [window()], outputOptions: ['-map', '0:v:0', '-vf', `scale=${w}:${h},format=gray`, '-f', 'rawvideo'], output: raw, totalSeconds: 0 }, run);
    const bytes = await readFile(raw);
    const count = Math.floor(bytes.length / (w * h));
    if (!count) throw new AppError('MediaInvalid', 'The previous take gave no frames to continue from.', { detail: `${video} ${start}-${end}s` });
    const frames = Array.from({ length: count }, (_, i) => new Uint8Array(bytes.buffer, bytes.byteOffset + i * w * h, w * h));
    const scores = scoreFrames(frames, w, h, frames.map((_, i) => Math.round((start + i / fps) * 1000) / 1000));
    const best = bestFrame(scores);
    // The same seek and decode again, keeping frame `best` at full size: the numbering is the same.
    const still = path.join(dir, 'best.png');
    await ff.run({ inputs: [window()], outputOptions: ['-map', '0:v:0', '-vf', `select=eq(n\\,${best})`, '-frames:v', '1', '-update', '1', '-f', 'image2'], output: still, totalSeconds: 0 }, run);
    await fitImage(ff, still, out, size, run);
    return { at: scores[best]!.at, scores };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
