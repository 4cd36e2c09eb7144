// Reads each interchange file back the way its format defines it, into one shape the tests compare with
// the timeline: per clip the part of its media the film shows (source in/out, transition frames
// included) and where that part sits on the film (record in/out), in frames; per transition the clip it
// follows and its length in frames. Written from the formats' rules, not from the writers' code.
import { all, child, parseXml, type XmlEl } from './xml.ts';

export interface ReadClip {
  name: string;
  /** The media path or URL as the file names it. */
  path: string;
  sourceIn: number;
  sourceOut: number;
  recordIn: number;
  recordOut: number;
}
export interface ReadCut {
  clips: ReadClip[];
  transitions: Array<{ after: number; frames: number }>;
  rate: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** OTIO: items laid end to end; a transition borrows in_offset before and out_offset after the edit. */
export function readOtio(text: string, kind: 'Video' | 'Audio' = 'Video'): ReadCut {
  const doc = JSON.parse(text) as Json;
  if (doc.OTIO_SCHEMA !== 'Timeline.1' || doc.tracks.OTIO_SCHEMA !== 'Stack.1') throw new Error('not an OTIO timeline');
  const track = (doc.tracks.children as Json[]).find((t) => t.OTIO_SCHEMA === 'Track.1' && t.kind === kind);
  if (!track) throw new Error(`no ${kind} track`);
  const items = track.children as Json[];
  const clips: ReadClip[] = [];
  const transitions: ReadCut['transitions'] = [];
  let cursor = 0;
  let rate = 0;
  items.forEach((item, i) => {
    if (item.OTIO_SCHEMA === 'Transition.1') {
      transitions.push({ after: clips.length - 1, frames: item.in_offset.value + item.out_offset.value });
      return;
    }
    const dur = item.source_range.duration.value as number;
    if (item.OTIO_SCHEMA === 'Gap.1') {
      cursor += dur;
      return;
    }
    if (item.OTIO_SCHEMA !== 'Clip.2') throw new Error(`unexpected ${item.OTIO_SCHEMA}`);
    rate = item.source_range.start_time.rate;
    const before = items[i - 1]?.OTIO_SCHEMA === 'Transition.1' ? (items[i - 1]!.in_offset.value as number) : 0;
    const after = items[i + 1]?.OTIO_SCHEMA === 'Transition.1' ? (items[i + 1]!.out_offset.value as number) : 0;
    const start = item.source_range.start_time.value as number;
    const ref = item.media_references[item.active_media_reference_key];
    clips.push({ name: item.name, path: ref.target_url, sourceIn: start - before, sourceOut: start + dur + after, recordIn: cursor - before, recordOut: cursor + dur + after });
    cursor += dur;
  });
  return { clips, transitions, rate };
}

/** "1001/30000s" or "8s" as frames at `fps` (must land on a frame). */
export function fcpFrames(time: string, fps: number): number {
  const m = /^(\d+)(?:\/(\d+))?s$/.exec(time);
  if (!m) throw new Error(`not an FCPXML time: ${time}`);
  const frames = (Number(m[1]) / Number(m[2] ?? 1)) * fps;
  if (Math.abs(frames - Math.round(frames)) > 1e-6) throw new Error(`${time} is not on a frame boundary at ${fps} fps`);
  return Math.round(frames);
}

/** FCPXML: spine children are sequential; a transition overlaps its neighbours by its offset/duration. */
export function readFcpxml(text: string): ReadCut {
  const { root, doctype } = parseXml(text);
  if (root.name !== 'fcpxml' || root.attrs.version !== '1.10' || doctype !== 'fcpxml') throw new Error('not FCPXML 1.10');
  const resources = child(root, 'resources');
  const format = child(resources, 'format');
  const fd = /^(\d+)(?:\/(\d+))?s$/.exec(format.attrs.frameDuration ?? '')!;
  const fps = Number(fd[2] ?? 1) / Number(fd[1]);
  const f = (t: string | undefined) => fcpFrames(t ?? '0s', fps);
  const assets = new Map(all(resources, 'asset').map((a) => [a.attrs.id!, a]));
  const spine = all(root, 'spine')[0]!;
  const clips: ReadClip[] = [];
  const transitions: ReadCut['transitions'] = [];
  const items = spine.children;
  items.forEach((item, i) => {
    if (item.name === 'transition') {
      transitions.push({ after: clips.length - 1, frames: f(item.attrs.duration) });
      return;
    }
    if (item.name !== 'asset-clip') throw new Error(`unexpected <${item.name}> in the spine`);
    const offset = f(item.attrs.offset);
    const dur = f(item.attrs.duration);
    const prev = items[i - 1]?.name === 'transition' ? items[i - 1]! : null;
    const next = items[i + 1]?.name === 'transition' ? items[i + 1]! : null;
    const recordIn = prev ? f(prev.attrs.offset) : offset;
    const recordOut = next ? f(next.attrs.offset) + f(next.attrs.duration) : offset + dur;
    const start = f(item.attrs.start);
    const asset = assets.get(item.attrs.ref!)!;
    clips.push({ name: item.attrs.name!, path: child(asset, 'media-rep').attrs.src!, sourceIn: start - (offset - recordIn), sourceOut: start + dur + (recordOut - offset - dur), recordIn, recordOut });
  });
  return { clips, transitions, rate: fps };
}

/** xmeml: in/out are the media shown; start/end -1 hand the edge to the neighbouring transitionitem. */
export function readXmeml(text: string, kind: 'video' | 'audio' = 'video'): ReadCut {
  const { root, doctype } = parseXml(text);
  if (root.name !== 'xmeml' || root.attrs.version !== '4' || doctype !== 'xmeml') throw new Error('not xmeml 4');
  const sequence = child(root, 'sequence');
  const rate = child(sequence, 'rate');
  const ntsc = child(rate, 'ntsc').text === 'TRUE';
  const fps = Number(child(rate, 'timebase').text) * (ntsc ? 1000 / 1001 : 1);
  const files = new Map<string, XmlEl>();
  for (const file of all(sequence, 'file')) if (file.children.length) files.set(file.attrs.id!, file);
  const track = child(child(child(sequence, 'media'), kind), 'track');
  const items = track.children.filter((c) => c.name === 'clipitem' || c.name === 'transitionitem');
  const n = (e: XmlEl, name: string) => Number(child(e, name).text);
  const clips: ReadClip[] = [];
  const transitions: ReadCut['transitions'] = [];
  items.forEach((item, i) => {
    if (item.name === 'transitionitem') {
      if (child(item, 'alignment').text !== 'center') throw new Error('expected centred transitions');
      transitions.push({ after: clips.length - 1, frames: n(item, 'end') - n(item, 'start') });
      return;
    }
    const prev = items[i - 1]?.name === 'transitionitem' ? items[i - 1]! : null;
    const next = items[i + 1]?.name === 'transitionitem' ? items[i + 1]! : null;
    const start = n(item, 'start');
    const end = n(item, 'end');
    if ((start === -1) !== (prev !== null) || (end === -1) !== (next !== null)) throw new Error('start/end -1 must match the transitions');
    const file = files.get(child(item, 'file').attrs.id!)!;
    clips.push({ name: child(item, 'name').text, path: child(file, 'pathurl').text, sourceIn: n(item, 'in'), sourceOut: n(item, 'out'), recordIn: prev ? n(prev, 'start') : start, recordOut: next ? n(next, 'end') : end });
  });
  return { clips, transitions, rate: fps };
}

/** Non-drop timecode at `timebase` as frames. */
export function tcFrames(tc: string, timebase: number): number {
  const [h, m, s, f] = tc.split(':').map(Number) as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * timebase + f;
}

/** CMX 3600: a D event brings in its clip over `frames` frames from its record in; the outgoing clip's media runs on under it. */
export function readEdl(text: string, timebase: number): ReadCut & { title: string } {
  const lines = text.split(/\r?\n/);
  if (!lines[0]?.startsWith('TITLE: ') || lines[1] !== 'FCM: NON-DROP FRAME') throw new Error('no TITLE / FCM header');
  const clips: ReadClip[] = [];
  const transitions: ReadCut['transitions'] = [];
  const event = /^(\d{3})\s+(\S+)\s+V\s+(C|D)\s+(\d{3})?\s*(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d)$/;
  for (const line of lines) {
    const m = event.exec(line.trimEnd());
    if (m) {
      const [srcIn, srcOut, recIn, recOut] = [m[5]!, m[6]!, m[7]!, m[8]!].map((t) => tcFrames(t, timebase)) as [number, number, number, number];
      if (m[3] === 'C' && recIn === recOut) continue; // the outgoing side of a dissolve
      if (m[3] === 'D') {
        const frames = Number(m[4]);
        const prev = clips.at(-1)!;
        prev.recordOut += frames;
        prev.sourceOut += frames;
        transitions.push({ after: clips.length - 1, frames });
      }
      clips.push({ name: '', path: '', sourceIn: srcIn, sourceOut: srcOut, recordIn: recIn, recordOut: recOut });
      continue;
    }
    const to = /^\* (?:FROM|TO) CLIP NAME: (.+)$/.exec(line);
    if (to && clips.length) clips.at(-1)!.name = to[1]!;
    const file = /^\* SOURCE FILE: (.+)$/.exec(line);
    if (file && clips.length) clips.at(-1)!.path = file[1]!;
  }
  return { clips, transitions, rate: timebase, title: lines[0].slice(7) };
}
