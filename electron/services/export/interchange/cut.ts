// The film's cut in whole frames: what every interchange writer (OTIO, FCPXML, xmeml, EDL) and the caption
// sidecars read, so they cannot disagree with each other or with the timeline. Pure.
//
// Storyreel's clock (shared/timeline.ts) is in seconds: a transition overlaps two scenes by `overlap`
// seconds, the incoming scene starting `overlap` before the outgoing one ends. Here each time becomes a
// frame at the film's rate: record in/out are the timeline's start/end rounded to frames (so a clip's
// place never drifts from the timeline by more than half a frame), the source in is the trim's in, and
// the source out follows from the record length, so source and record lengths always agree.
//
// Editors draw a transition around an edit point. The formats that centre it (OTIO, FCPXML, xmeml) put
// the edit at `at + floor(frames / 2)`: the outgoing clip shows its media for `outOffset` frames past the
// edit, the incoming one for `inOffset` frames before it, together exactly the overlap Storyreel renders.
// CMX 3600 starts a dissolve at the edit itself, so the EDL puts the edit at `at` (see edl.ts).
import path from 'node:path';
import type { Project, TransitionType } from '../../../../shared/project.ts';
import type { Timeline } from '../../../../shared/timeline.ts';

/** A frame rate as editors name it: 30000/1001 is "29.97", timecode counts it as 30 (non-drop). */
export interface FrameRate {
  /** Frames per second, exactly num / den. */
  fps: number;
  num: number;
  den: number;
  /** The whole-number rate timecode counts in (30 for 29.97). */
  timebase: number;
  /** A 1000/1001 rate (23.976, 29.97, 59.94). */
  ntsc: boolean;
}

/** The film's rate from a measured fps: the NTSC rates are recognised, anything else rounds to whole frames. */
export function frameRate(fps: number): FrameRate {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new Error(`Not a frame rate: ${fps}`);
  const timebase = Math.round(fps * 1.001);
  if (Math.abs(fps - (timebase * 1000) / 1001) < 0.005 && Math.abs(fps - Math.round(fps)) > 0.005) {
    return { fps: (timebase * 1000) / 1001, num: timebase * 1000, den: 1001, timebase, ntsc: true };
  }
  const whole = Math.max(1, Math.round(fps));
  return { fps: whole, num: whole, den: 1, timebase: whole, ntsc: false };
}

/** Frames → "HH:MM:SS:FF", non-drop-frame, counted at the timebase (as CMX 3600 and xmeml count it). */
export function timecode(frames: number, rate: FrameRate): string {
  const tb = rate.timebase;
  const f = Math.max(0, Math.round(frames));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(f / (tb * 3600)))}:${pad(Math.floor(f / (tb * 60)) % 60)}:${pad(Math.floor(f / tb) % 60)}:${pad(f % tb)}`;
}

/** Where a clip's media is in the package, as each format wants it. */
export interface CutMedia {
  /** The file's name, e.g. "S01_a1b2c3_d4e5f6.mp4". */
  name: string;
  /** Relative to the package folder, with forward slashes: "media/S01_….mp4". */
  relPath: string;
  /** Absolute path of the copied file (for the formats that need an absolute URL). */
  absPath: string;
  /** The take has a sound track (unknown: assumed, as the providers' clips have one). */
  hasAudio: boolean;
}

export interface CutClip {
  /** 0-based position in the film. */
  index: number;
  sceneId: string;
  takeId: string;
  media: CutMedia;
  /** Length of the whole take, in frames. */
  mediaFrames: number;
  /** The part of the take the film shows (overlaps included), in frames from the take's start. */
  sourceIn: number;
  sourceOut: number;
  /** Where that part sits on the film, in frames. */
  recordIn: number;
  recordOut: number;
  /** The part on either side of the centred edit points: [editIn, editOut) on the film. */
  editIn: number;
  editOut: number;
  caption: string | null;
}

export interface CutTransition {
  /** Between clips[index] and clips[index + 1]. */
  index: number;
  type: TransitionType;
  /** Words for it, e.g. "Crossfade". */
  label: string;
  /** The overlap in frames (> 0). */
  frames: number;
  /** Where it starts on the film (= the incoming clip's recordIn). */
  at: number;
  /** The centred edit point, and the frames of the transition before and after it. */
  edit: number;
  inOffset: number;
  outOffset: number;
}

export interface Cut {
  title: string;
  rate: FrameRate;
  width: number;
  height: number;
  clips: CutClip[];
  /** One per boundary that has an effect of at least one frame; cuts are absent. */
  transitions: CutTransition[];
  /** Length of the film in frames (= the last clip's recordOut). */
  frames: number;
}

export const TRANSITION_LABELS: Record<TransitionType, string> = {
  crossfade: 'Crossfade',
  'fade-black': 'Fade through black',
  'dip-white': 'Dip to white',
  'wipe-left': 'Wipe left',
  'wipe-right': 'Wipe right',
  'slide-left': 'Slide left',
  'slide-right': 'Slide right',
};

export interface CutOptions {
  /** The film's frame rate (the takes' own, normally). */
  fps: number;
  /** Where each chosen take is in the package: called once per scene, in order. */
  media: (scene: { index: number; sceneId: string; takeId: string; file: string }) => CutMedia;
}

/** The timeline as frames. Throws when a scene has no chosen take (the package writer refuses earlier, in words). */
export function buildCut(project: Pick<Project, 'title' | 'size' | 'scenes'>, timeline: Timeline, opts: CutOptions): Cut {
  const rate = frameRate(opts.fps);
  const toFrames = (s: number) => Math.round(s * rate.fps + 1e-9);
  const [width, height] = project.size.split('x').map(Number) as [number, number];
  const clips: CutClip[] = timeline.scenes.map((s) => {
    if (!s.take) throw new Error(`Scene ${s.index + 1} has no chosen take.`);
    const recordIn = toFrames(s.start);
    const recordOut = Math.max(recordIn + 1, toFrames(s.end));
    const length = recordOut - recordIn;
    const mediaFrames = Math.max(length, toFrames(s.take.seconds));
    // Rounding may push the used part a frame past the take's end: slide it back rather than invent media.
    const sourceIn = Math.max(0, Math.min(toFrames(s.take.in), mediaFrames - length));
    const scene = project.scenes[s.index];
    const caption = scene?.caption?.trim() ? scene.caption : null;
    const media = opts.media({ index: s.index, sceneId: s.sceneId, takeId: s.take.id, file: s.take.file });
    return { index: s.index, sceneId: s.sceneId, takeId: s.take.id, media, mediaFrames, sourceIn, sourceOut: sourceIn + length, recordIn, recordOut, editIn: recordIn, editOut: recordOut, caption };
  });
  const transitions: CutTransition[] = [];
  for (const b of timeline.boundaries) {
    const a = clips[b.index]!;
    const next = clips[b.index + 1]!;
    const frames = a.recordOut - next.recordIn;
    if (b.transition === 'cut' || frames <= 0) {
      // A cut, or an effect shorter than a frame: the clips butt. Keep the record times contiguous.
      next.recordIn = a.recordOut;
      next.editIn = a.recordOut;
      continue;
    }
    const inOffset = Math.floor(frames / 2);
    const edit = next.recordIn + inOffset;
    a.editOut = edit;
    next.editIn = edit;
    transitions.push({ index: b.index, type: b.transition.type, label: TRANSITION_LABELS[b.transition.type], frames, at: next.recordIn, edit, inOffset, outOffset: frames - inOffset });
  }
  // A butted clip whose recordIn moved keeps its length by moving its source out with it.
  for (const c of clips) c.sourceOut = c.sourceIn + (c.recordOut - c.recordIn);
  const title = project.title.trim() || 'Storyreel film';
  return { title, rate, width, height, clips, transitions, frames: clips.at(-1)?.recordOut ?? 0 };
}

/** The transition out of clip i, if any. */
export function transitionAfter(cut: Cut, i: number): CutTransition | undefined {
  return cut.transitions.find((t) => t.index === i);
}

/** A stable, readable file name for a chosen take in the package: S01_<scene>_<take>.mp4. */
export function packageMediaName(sceneNumber: number, sceneId: string, takeId: string, file: string): string {
  const short = (id: string) => (id.replace(/^[a-z]+_/i, '').replace(/[^A-Za-z0-9]/g, '').slice(-6) || 'x').toLowerCase();
  const ext = (path.extname(file).toLowerCase().match(/^\.[a-z0-9]{1,5}$/)?.[0] ?? '.mp4');
  return `S${String(sceneNumber).padStart(2, '0')}_${short(sceneId)}_${short(takeId)}${ext}`;
}
