// OpenTimelineIO (.otio, JSON) from the cut. Pure.
//
// One video track (and one audio track when the takes have sound): clips laid edit to edit, each with a
// Transition.1 (SMPTE_Dissolve) between the clips an effect joins. OTIO centres nothing itself: in_offset
// is how far the transition reaches before the edit, out_offset how far after, and the clips' media
// beyond their source ranges supplies those frames (cut.ts chooses the edit). RationalTime rates are the
// film's frame rate. Media paths are relative to the .otio file ("media/S01_….mp4"): DaVinci Resolve finds
// media that way when the folder moves, and it refuses file:// URLs in target_url.
import type { Cut, CutClip, CutTransition } from './cut.ts';

type Json = Record<string, unknown>;

const time = (value: number, rate: number): Json => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const range = (start: number, duration: number, rate: number): Json => ({ OTIO_SCHEMA: 'TimeRange.1', start_time: time(start, rate), duration: time(duration, rate) });

function clip(c: CutClip, rate: number): Json {
  return {
    OTIO_SCHEMA: 'Clip.2',
    name: c.media.name,
    metadata: { storyreel: { scene: c.index + 1, sceneId: c.sceneId, takeId: c.takeId, caption: c.caption } },
    source_range: range(c.sourceIn + (c.editIn - c.recordIn), c.editOut - c.editIn, rate),
    effects: [],
    markers: [],
    enabled: true,
    media_references: {
      DEFAULT_MEDIA: {
        OTIO_SCHEMA: 'ExternalReference.1',
        name: c.media.name,
        metadata: {},
        available_range: range(0, c.mediaFrames, rate),
        available_image_bounds: null,
        target_url: c.media.relPath,
      },
    },
    active_media_reference_key: 'DEFAULT_MEDIA',
  };
}

function transition(t: CutTransition, rate: number): Json {
  return {
    OTIO_SCHEMA: 'Transition.1',
    name: t.label,
    metadata: { storyreel: { type: t.type, frames: t.frames } },
    transition_type: 'SMPTE_Dissolve',
    in_offset: time(t.inOffset, rate),
    out_offset: time(t.outOffset, rate),
  };
}

function track(name: string, kind: 'Video' | 'Audio', children: Json[]): Json {
  return { OTIO_SCHEMA: 'Track.1', name, metadata: {}, source_range: null, effects: [], markers: [], enabled: true, children, kind };
}

export function toOtio(cut: Cut): string {
  const rate = cut.rate.fps;
  const video: Json[] = [];
  const audio: Json[] = [];
  cut.clips.forEach((c, i) => {
    const before = cut.transitions.find((t) => t.index === i - 1);
    if (before) video.push(transition(before, rate));
    video.push(clip(c, rate));
    // Sound: a clip without a sound track leaves a gap of its length; a crossfade needs sound on both sides.
    if (before && c.media.hasAudio && cut.clips[i - 1]!.media.hasAudio) audio.push(transition(before, rate));
    audio.push(c.media.hasAudio ? clip(c, rate) : { OTIO_SCHEMA: 'Gap.1', name: '', metadata: {}, source_range: range(0, c.editOut - c.editIn, rate), effects: [], markers: [], enabled: true });
  });
  const tracks = [track('Video 1', 'Video', video)];
  if (cut.clips.some((c) => c.media.hasAudio)) tracks.push(track('Audio 1', 'Audio', audio));
  const doc = {
    OTIO_SCHEMA: 'Timeline.1',
    name: cut.title,
    metadata: { storyreel: { width: cut.width, height: cut.height, fps: cut.rate.fps } },
    global_start_time: time(0, rate),
    tracks: { OTIO_SCHEMA: 'Stack.1', name: 'tracks', metadata: {}, source_range: null, effects: [], markers: [], enabled: true, children: tracks },
  };
  return JSON.stringify(doc, null, 4) + '\n';
}
