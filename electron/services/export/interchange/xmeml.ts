// Premiere Pro / Final Cut 7 XML (xmeml version 4) from the cut. Pure.
//
// One sequence with a video track (and an audio track when the takes have sound). Times are frames at
// the sequence's timebase. A clipitem's in/out is the whole part of its file the film shows, transition
// frames included; its start/end are its place on the sequence, or -1 on a side where a transitionitem
// takes over (xmeml's convention: that edge is the transition's edit point). A transitionitem spans the
// whole overlap [at, at + frames) with "center" alignment, whose edit point is the middle frame, the same
// edit cut.ts chooses. File elements are written in full once and referred to by id afterwards; pathurl
// is an absolute file://localhost/ URL, as Premiere writes it.
import { pathToFileURL } from 'node:url';
import { transitionAfter, timecode, type Cut, type CutClip, type CutTransition } from './cut.ts';
import { el, renderXml, type XmlNode } from './xml.ts';

export function xmemlPathUrl(absPath: string): string {
  return `file://localhost${pathToFileURL(absPath).pathname}`;
}

export function toXmeml(cut: Cut): string {
  const rateEl = () => el('rate', {}, el('timebase', {}, cut.rate.timebase), el('ntsc', {}, cut.rate.ntsc ? 'TRUE' : 'FALSE'));
  const timecodeEl = (frames: number) => el('timecode', {}, rateEl(), el('string', {}, timecode(frames, cut.rate)), el('frame', {}, frames), el('displayformat', {}, 'NDF'));
  const video = el('samplecharacteristics', {}, rateEl(), el('width', {}, cut.width), el('height', {}, cut.height), el('anamorphic', {}, 'FALSE'), el('pixelaspectratio', {}, 'square'), el('fielddominance', {}, 'none'));
  const sound = () => el('samplecharacteristics', {}, el('depth', {}, 16), el('samplerate', {}, 48000));
  const written = new Set<number>();
  const file = (c: CutClip): XmlNode => {
    const id = `file-${c.index + 1}`;
    if (written.has(c.index)) return el('file', { id });
    written.add(c.index);
    return el(
      'file',
      { id },
      el('name', {}, c.media.name),
      el('pathurl', {}, xmemlPathUrl(c.media.absPath)),
      rateEl(),
      el('duration', {}, c.mediaFrames),
      timecodeEl(0),
      el('media', {}, el('video', {}, video), c.media.hasAudio && el('audio', {}, sound(), el('channelcount', {}, 2))),
    );
  };
  const clipItem = (c: CutClip, kind: 'video' | 'audio', before: CutTransition | undefined, after: CutTransition | undefined): XmlNode =>
    el(
      'clipitem',
      { id: `clipitem-${kind === 'video' ? 'v' : 'a'}${c.index + 1}` },
      el('name', {}, c.media.name),
      el('enabled', {}, 'TRUE'),
      el('duration', {}, c.mediaFrames),
      rateEl(),
      el('start', {}, before ? -1 : c.recordIn),
      el('end', {}, after ? -1 : c.recordOut),
      el('in', {}, c.sourceIn),
      el('out', {}, c.sourceOut),
      file(c),
      kind === 'audio' && el('sourcetrack', {}, el('mediatype', {}, 'audio'), el('trackindex', {}, 1)),
      el('comments', {}, el('mastercomment1', {}, `Storyreel scene ${c.index + 1}`), c.caption && el('mastercomment2', {}, c.caption)),
    );
  const transitionItem = (t: CutTransition, kind: 'video' | 'audio'): XmlNode =>
    el(
      'transitionitem',
      {},
      el('start', {}, t.at),
      el('end', {}, t.at + t.frames),
      el('alignment', {}, 'center'),
      rateEl(),
      kind === 'video'
        ? el('effect', {}, el('name', {}, 'Cross Dissolve'), el('effectid', {}, 'Cross Dissolve'), el('effectcategory', {}, 'Dissolve'), el('effecttype', {}, 'transition'), el('mediatype', {}, 'video'), el('wipecode', {}, 0), el('wipeaccuracy', {}, 100), el('startratio', {}, 0), el('endratio', {}, 1), el('reverse', {}, 'FALSE'))
        : el('effect', {}, el('name', {}, 'Cross Fade (+3dB)'), el('effectid', {}, 'KGAudioTransCrossFade3dB'), el('effecttype', {}, 'transition'), el('mediatype', {}, 'audio')),
    );
  const items = (kind: 'video' | 'audio'): XmlNode[] => {
    const out: XmlNode[] = [];
    cut.clips.forEach((c, i) => {
      const joins = (t: CutTransition | undefined) => (kind === 'video' || (t && cut.clips[t.index]!.media.hasAudio && cut.clips[t.index + 1]!.media.hasAudio) ? t : undefined);
      const before = joins(transitionAfter(cut, i - 1));
      const after = joins(transitionAfter(cut, i));
      if (kind === 'audio' && !c.media.hasAudio) return;
      out.push(clipItem(c, kind, before, after));
      if (after) out.push(transitionItem(after, kind));
    });
    return out;
  };
  const anyAudio = cut.clips.some((c) => c.media.hasAudio);
  const sequence = el(
    'sequence',
    { id: 'sequence-1' },
    el('name', {}, cut.title),
    el('duration', {}, cut.frames),
    rateEl(),
    timecodeEl(0),
    el(
      'media',
      {},
      el('video', {}, el('format', {}, video), el('track', {}, items('video'))),
      anyAudio && el('audio', {}, el('numOutputChannels', {}, 2), el('format', {}, sound()), el('track', {}, items('audio'))),
    ),
  );
  return renderXml(el('xmeml', { version: 4 }, sequence));
}
