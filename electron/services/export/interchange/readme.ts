// The README.txt of a conform package: what each file is and how to open it in each editor. Pure.
import { timecode, type Cut } from './cut.ts';

export function packageReadme(cut: Cut, info: { captions: number }): string {
  const rate = cut.rate.ntsc ? `${(cut.rate.num / cut.rate.den).toFixed(3)} (${cut.rate.num}/${cut.rate.den})` : String(cut.rate.fps);
  const effects = cut.transitions.length
    ? cut.transitions.map((t) => `  - scene ${t.index + 1} into ${t.index + 2}: ${t.label.toLowerCase()}, ${t.frames} frames`).join('\n')
    : '  (none: every scene is joined by a cut)';
  return `${cut.title} — conform package from Storyreel
${'='.repeat(Math.min(70, cut.title.length + 31))}

${cut.clips.length} scene(s), ${timecode(cut.frames, cut.rate)} (${cut.frames} frames) at ${rate} fps, ${cut.width}x${cut.height}.
Record time starts at 00:00:00:00; source time is counted from the start of each take.

What is here
  media/       the chosen take of every scene, trimmed nowhere (the cut uses part of each),
               named S<scene>_<scene id>_<take id>.mp4 so the same take keeps its name.
  film.otio    OpenTimelineIO: DaVinci Resolve (File > Import > Timeline), Premiere Pro
               (File > Import), and any OTIO tool. Media paths are relative to this folder.
  film.fcpxml  Final Cut Pro XML 1.10: Final Cut Pro (File > Import > XML), DaVinci Resolve.
  film.xml     Premiere Pro / Final Cut Pro 7 XML (xmeml 4): Premiere Pro (File > Import),
               DaVinci Resolve (File > Import > Timeline).
  film.edl     CMX 3600 EDL, picture only: any editor; link the clips by name to media/.
  film.srt     The captions as SubRip (${info.captions} caption(s)); film.vtt is the same as WebVTT.
               Resolve: import into the media pool and drag to a subtitle track; Final Cut Pro:
               File > Import > Captions; Premiere Pro: File > Import, then onto a caption track.

Transitions
${effects}
  Each arrives as a cross dissolve (an audio crossfade where both scenes have sound) of the same
  length; Storyreel's own effect is named on it, so you can swap in the matching one. The editors'
  formats centre a transition on its edit; the EDL starts each dissolve at its edit. Either way the
  frames of both takes that show are the ones Storyreel's own export uses.

Captions
  A caption spans its scene. Where a transition overlaps two scenes, the caption changes halfway
  through the transition.

If the media shows as offline
  film.fcpxml and film.xml name the media by its full path where the package was written. After
  moving the folder, relink to media/: Resolve: Relink Clips; Final Cut Pro: File > Relink Files;
  Premiere Pro: Link Media. film.otio and film.edl find it by relative path and name.
`;
}
