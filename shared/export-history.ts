// Past exports and the cut each was made from. An export records a fingerprint of the cut (per scene its
// id, chosen take, trim and the transition into the next; the film's frame); comparing it with the cut
// as it is now says, in words, whether a past export is from an older cut and what changed since.
// Pure and shared: main records the fingerprint, the window compares it live as the creator edits.
import { z } from 'zod';
import { buildTimeline } from './timeline.ts';
import type { Project } from './project.ts';

export const CutSceneSchema = z.object({
  sceneId: z.string(),
  /** The chosen take, or null (a film is only made when every scene has one). */
  takeId: z.string().nullable(),
  /** The part of the take used, seconds from its start. */
  in: z.number(),
  out: z.number(),
  /** Into the next scene: "cut" or "<type> <seconds>" ("crossfade 0.5"). */
  transition: z.string(),
});
export type CutScene = z.infer<typeof CutSceneSchema>;

export const CutSchema = z.object({
  scenes: z.array(CutSceneSchema),
  /** The project's frame, "1280x720". */
  size: z.string(),
});
export type Cut = z.infer<typeof CutSchema>;

export const ExportedChoicesSchema = z.object({
  /** The loudness target, LUFS; null: the sound as recorded. */
  loudness: z.number().nullable(),
  /** The music bed, relative to the project folder, forward slashes; null: none. */
  music: z.string().nullable(),
  /** Burned into the picture, written beside the film as SRT and WebVTT, or neither. */
  captions: z.enum(['none', 'srt', 'burn']),
});
export type ExportedChoices = z.infer<typeof ExportedChoicesSchema>;

export const PastExportSchema = z.object({
  id: z.string(),
  /** Relative to the project folder, forward slashes. */
  file: z.string(),
  finishedAt: z.string(),
  /** Length of the film, seconds. */
  seconds: z.number(),
  /** How it was made: the project's frame or a preset, fit/fill, quality. */
  preset: z.object({ size: z.string(), aspect: z.string().nullable(), fit: z.string(), quality: z.string() }),
  cut: CutSchema,
  /** The sound and captions chosen; absent in exports recorded before they were kept (those still read). */
  choices: ExportedChoicesSchema.optional(),
  /** The file is no longer there (deleted or moved since). Set when listed, never stored. */
  missing: z.boolean().optional(),
});
export type PastExport = z.infer<typeof PastExportSchema>;

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The cut of `project` as it is now. */
export function cutOf(project: Pick<Project, 'scenes' | 'size'>): Cut {
  const timeline = buildTimeline(project);
  return {
    size: project.size,
    scenes: timeline.scenes.map((s, i) => {
      const t = timeline.boundaries[i]?.transition ?? 'cut';
      return {
        sceneId: s.sceneId,
        takeId: s.take?.id ?? null,
        in: round(s.take?.in ?? 0),
        out: round(s.take?.out ?? s.length),
        transition: i === timeline.scenes.length - 1 || t === 'cut' ? 'cut' : `${t.type} ${round(t.seconds)}`,
      };
    }),
  };
}

/** At most this many changes are named; the rest are counted. */
const NAMED = 3;

/**
 * What changed between the cut an export was made from (`then`) and the cut now, in words ("scene 3's
 * take changed"), scenes numbered as they are now (a removed one as it was). Empty when the cuts agree.
 */
export function cutChanges(then: Cut, now: Cut): string[] {
  const changes: string[] = [];
  if (then.size !== now.size) changes.push(`the film's frame changed from ${then.size} to ${now.size}`);
  const nowIndex = new Map(now.scenes.map((s, i) => [s.sceneId, i]));
  const thenIndex = new Map(then.scenes.map((s, i) => [s.sceneId, i]));
  then.scenes.forEach((s, i) => {
    if (!nowIndex.has(s.sceneId)) changes.push(`scene ${i + 1} of that cut was removed`);
  });
  now.scenes.forEach((s, i) => {
    if (!thenIndex.has(s.sceneId)) changes.push(`scene ${i + 1} is new`);
  });
  const kept = now.scenes.filter((s) => thenIndex.has(s.sceneId));
  const keptThen = then.scenes.filter((s) => nowIndex.has(s.sceneId));
  if (kept.some((s, k) => keptThen[k]!.sceneId !== s.sceneId)) changes.push('the scenes are in another order');
  now.scenes.forEach((s, i) => {
    const j = thenIndex.get(s.sceneId);
    if (j === undefined) return;
    const old = then.scenes[j]!;
    if (old.takeId !== s.takeId) changes.push(`scene ${i + 1}'s take changed`);
    else if (old.in !== s.in || old.out !== s.out) changes.push(`scene ${i + 1}'s trim changed`);
    // The transition after a scene only means the same thing when the same scene follows it.
    const next = now.scenes[i + 1]?.sceneId;
    const oldNext = then.scenes[j + 1]?.sceneId;
    if (next !== undefined && next === oldNext && old.transition !== s.transition) changes.push(`the transition after scene ${i + 1} changed`);
  });
  return changes;
}

/** "made from an older cut: scene 3's take changed", or null when the export is of the cut as it is now. */
export function olderCutNote(then: Cut, now: Cut): string | null {
  const changes = cutChanges(then, now);
  if (!changes.length) return null;
  const named = changes.slice(0, NAMED);
  const more = changes.length - named.length;
  return `made from an older cut: ${named.join(', ')}${more ? ` and ${more} more change${more > 1 ? 's' : ''}` : ''}`;
}

const minus = (x: number): string => (x < 0 ? `\u2212${-x}` : String(x));

/**
 * What a past export was made with, in a creator's words: "−14 LUFS · music: rain.wav · captions burned
 * in"; null for an export recorded before the choices were kept.
 */
export function choicesInWords(choices: ExportedChoices | undefined): string | null {
  if (!choices) return null;
  const parts = [choices.loudness == null ? 'sound as recorded' : `${minus(choices.loudness)} LUFS`];
  if (choices.music) parts.push(`music: ${choices.music.split('/').pop()}`);
  if (choices.captions === 'burn') parts.push('captions burned in');
  else if (choices.captions === 'srt') parts.push('captions in SRT and WebVTT files beside it');
  return parts.join(' · ');
}
