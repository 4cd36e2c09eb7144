// Caption sidecars (SRT and WebVTT) from the scenes' `caption`, timed on the film's clock. Pure.
//
// A caption spans its scene's time on the film, trims included. Where a transition overlaps two scenes,
// the two captions would overlap too, and players then stack them (or drop one). So the overlap is split
// at its middle, the same point the editors' formats use as the edit (cut.ts): the outgoing caption stays
// up to the middle of the transition and the incoming one starts there. Scenes without a caption leave
// a gap. Times are in milliseconds from the start of the film.
import type { Project } from '../../../../shared/project.ts';
import type { Timeline } from '../../../../shared/timeline.ts';

export interface CaptionCue {
  /** 1-based position among the cues. */
  number: number;
  sceneIndex: number;
  startMs: number;
  endMs: number;
  /** The caption's lines, without blank lines (a blank line would end the cue in both formats). */
  lines: string[];
}

export function captionCues(project: Pick<Project, 'scenes'>, timeline: Timeline): CaptionCue[] {
  const cues: CaptionCue[] = [];
  const overlapBefore = new Map(timeline.boundaries.map((b) => [b.index + 1, b.overlap]));
  const overlapAfter = new Map(timeline.boundaries.map((b) => [b.index, b.overlap]));
  for (const s of timeline.scenes) {
    const text = project.scenes[s.index]?.caption ?? null;
    const lines = (text ?? '')
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (!lines.length) continue;
    const startMs = Math.round((s.start + (overlapBefore.get(s.index) ?? 0) / 2) * 1000);
    const endMs = Math.round((s.end - (overlapAfter.get(s.index) ?? 0) / 2) * 1000);
    if (endMs <= startMs) continue;
    cues.push({ number: cues.length + 1, sceneIndex: s.index, startMs, endMs, lines });
  }
  return cues;
}

function clock(ms: number, sep: ',' | '.'): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

/** SubRip: numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm", a blank line after each. */
export function toSrt(project: Pick<Project, 'scenes'>, timeline: Timeline): string {
  // An arrow inside the text would read as a timing line to some parsers.
  const safe = (l: string) => l.replaceAll('-->', '→');
  return captionCues(project, timeline)
    .map((c) => `${c.number}\n${clock(c.startMs, ',')} --> ${clock(c.endMs, ',')}\n${c.lines.map(safe).join('\n')}\n`)
    .join('\n');
}

/** WebVTT: the header, then cues with "HH:MM:SS.mmm" times; the text escaped as VTT cue text requires. */
export function toVtt(project: Pick<Project, 'scenes'>, timeline: Timeline): string {
  const escape = (l: string) => l.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const cues = captionCues(project, timeline).map((c) => `scene-${c.sceneIndex + 1}\n${clock(c.startMs, '.')} --> ${clock(c.endMs, '.')}\n${c.lines.map(escape).join('\n')}\n`);
  return ['WEBVTT\n', ...cues].join('\n');
}
