// Final Cut Pro XML (FCPXML 1.10) from the cut. Pure.
//
// resources: one format (the film's size and frame duration), the Cross Dissolve and Audio Crossfade
// effects, and an asset per chosen take with its media-rep (an absolute file:// URL: FCP resolves src as
// a URL). library › event › project › sequence › spine: asset-clips laid edit to edit (a spine's children
// may not overlap: FCP truncates a clip that runs into the next), and between two clips an effect joins
// a <transition> starting `inOffset` before the edit and lasting the whole overlap; the clips' unused
// media either side of the edit supplies the frames under it. Times are rational seconds at the frame
// duration ("1001/30000s"), whole seconds written as "8s". Every transition type arrives as a Cross
// Dissolve of the right length (its Storyreel name is the transition's name): FCP's other transitions
// are Motion templates whose identifiers are not public.
import { pathToFileURL } from 'node:url';
import { transitionAfter, type Cut } from './cut.ts';
import { el, renderXml, type XmlNode } from './xml.ts';

const CROSS_DISSOLVE_UID = 'FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265';
const AUDIO_CROSSFADE_UID = 'FFAudioTransition';

/** Frames as FCPXML time: a multiple of the frame duration, reduced to whole seconds when it is one. */
export function fcpTime(frames: number, cut: Pick<Cut, 'rate'>): string {
  const { num, den } = cut.rate;
  const n = frames * den;
  return n % num === 0 ? `${n / num}s` : `${n}/${num}s`;
}

export function toFcpxml(cut: Cut): string {
  const t = (frames: number) => fcpTime(frames, cut);
  const anyAudio = cut.clips.some((c) => c.media.hasAudio);
  const assetId = (i: number) => `r${i + 4}`;
  const assets = cut.clips.map((c, i) =>
    el(
      'asset',
      {
        id: assetId(i),
        name: c.media.name,
        start: '0s',
        duration: t(c.mediaFrames),
        hasVideo: 1,
        format: 'r1',
        videoSources: 1,
        hasAudio: c.media.hasAudio ? 1 : undefined,
        audioSources: c.media.hasAudio ? 1 : undefined,
        audioChannels: c.media.hasAudio ? 2 : undefined,
        audioRate: c.media.hasAudio ? 48000 : undefined,
      },
      el('media-rep', { kind: 'original-media', src: pathToFileURL(c.media.absPath).href }),
    ),
  );
  const spine: XmlNode[] = [];
  cut.clips.forEach((c, i) => {
    spine.push(el('asset-clip', { ref: assetId(i), offset: t(c.editIn), name: c.media.name, start: t(c.sourceIn + (c.editIn - c.recordIn)), duration: t(c.editOut - c.editIn), tcFormat: 'NDF' }));
    const tr = transitionAfter(cut, i);
    if (!tr) return;
    const bothSound = c.media.hasAudio && cut.clips[i + 1]!.media.hasAudio;
    spine.push(
      el(
        'transition',
        { name: tr.label, offset: t(tr.edit - tr.inOffset), duration: t(tr.frames) },
        el('filter-video', { ref: 'r2', name: 'Cross Dissolve' }),
        bothSound && el('filter-audio', { ref: 'r3', name: 'Audio Crossfade' }),
      ),
    );
  });
  const root = el(
    'fcpxml',
    { version: '1.10' },
    el(
      'resources',
      {},
      el('format', { id: 'r1', frameDuration: t(1), width: cut.width, height: cut.height }),
      el('effect', { id: 'r2', name: 'Cross Dissolve', uid: CROSS_DISSOLVE_UID }),
      el('effect', { id: 'r3', name: 'Audio Crossfade', uid: AUDIO_CROSSFADE_UID }),
      assets,
    ),
    el(
      'library',
      {},
      el(
        'event',
        { name: cut.title },
        el(
          'project',
          { name: cut.title },
          el('sequence', { format: 'r1', duration: t(cut.frames), tcStart: '0s', tcFormat: 'NDF', audioLayout: anyAudio ? 'stereo' : undefined, audioRate: anyAudio ? '48k' : undefined }, el('spine', {}, spine)),
        ),
      ),
    ),
  );
  return renderXml(root);
}
