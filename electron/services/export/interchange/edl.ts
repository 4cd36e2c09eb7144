// CMX 3600 EDL from the cut. Pure.
//
// Picture only (channel V), non-drop-frame timecode at the film's timebase, record time from 00:00:00:00,
// source time from the start of each take (the providers' files carry no timecode). Every event names its
// file in "* FROM CLIP NAME:" (reel AX: no tape), which DaVinci Resolve and Premiere use to link media,
// and in "* SOURCE FILE:" with its path in the package.
//
// A dissolve in CMX 3600 starts at its edit, so here the edit is where the incoming clip starts on the
// film (`at`), not the centred point the other formats use: the outgoing event ends at `at`, and the
// dissolve event repeats the outgoing clip as a zero-length C line at its out point, then a D line of
// `frames` frames bringing in the whole used part of the incoming take. The outgoing take's media after
// its out point is what the dissolve consumes, exactly the overlap Storyreel renders. Every effect type is
// written as a dissolve of its length, its Storyreel name in a comment.
import { transitionAfter, timecode, type Cut } from './cut.ts';

export function toEdl(cut: Cut): string {
  const tc = (f: number) => timecode(f, cut.rate);
  const line = (n: number, kind: 'C' | 'D', frames: number, srcIn: number, srcOut: number, recIn: number, recOut: number) =>
    `${String(n).padStart(3, '0')}  ${'AX'.padEnd(8)} ${'V'.padEnd(5)} ${kind === 'C' ? 'C       ' : `D ${String(frames).padStart(3, '0')}   `} ${tc(srcIn)} ${tc(srcOut)} ${tc(recIn)} ${tc(recOut)}`;
  const title = cut.title.replace(/[\r\n]+/g, ' ').slice(0, 70);
  const out = [`TITLE: ${title}`, 'FCM: NON-DROP FRAME', ''];
  // Where each clip's event ends on the record side, and the source frame there.
  const eventEnd = (i: number) => transitionAfter(cut, i)?.at ?? cut.clips[i]!.recordOut;
  cut.clips.forEach((c, i) => {
    const n = i + 1;
    const recOut = eventEnd(i);
    const srcOut = c.sourceIn + (recOut - c.recordIn);
    const before = transitionAfter(cut, i - 1);
    const name = `* FROM CLIP NAME: ${c.media.name}`;
    if (!before) {
      out.push(line(n, 'C', 0, c.sourceIn, srcOut, c.recordIn, recOut), name, `* SOURCE FILE: ${c.media.relPath}`, '');
      return;
    }
    const prev = cut.clips[i - 1]!;
    const prevOut = prev.sourceIn + (before.at - prev.recordIn);
    out.push(
      line(n, 'C', 0, prevOut, prevOut, before.at, before.at),
      line(n, 'D', before.frames, c.sourceIn, srcOut, c.recordIn, recOut),
      `* EFFECT NAME: ${before.label.toUpperCase()}`,
      `* FROM CLIP NAME: ${prev.media.name}`,
      `* TO CLIP NAME: ${c.media.name}`,
      `* SOURCE FILE: ${c.media.relPath}`,
      '',
    );
  });
  return out.join('\n');
}
