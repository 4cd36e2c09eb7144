// What the creator chooses for one export in the window, besides the film itself: a loudness target, a
// music bed already copied into the project by main's picker, and captions burned into the picture or
// written beside the film. Main parses these before an export starts (electron/services/export/service.ts
// checks the music is a file inside the project's media/).
import { z } from 'zod';

/** The loudness targets offered, LUFS (integrated); −14 is what streaming sites play at. */
export const LOUDNESS_CHOICES = [-14, -16, -23] as const;
export const LOUDNESS_LABELS: Record<(typeof LOUDNESS_CHOICES)[number], string> = {
  [-14]: '−14 LUFS (streaming)',
  [-16]: '−16 LUFS (podcasts, mobile)',
  [-23]: '−23 LUFS (broadcast)',
};
export const CAPTION_CHOICES = ['none', 'srt', 'burn'] as const;

export const ExportChoicesSchema = z
  .object({
    /** null: the sound as recorded. */
    loudness: z.union([z.literal(-14), z.literal(-16), z.literal(-23)]).nullable().optional(),
    /** A project-relative file under media/music/, as returned by exports.pickMusic; null: none. */
    music: z.string().min(1).max(4000).nullable().optional(),
    captions: z.enum(CAPTION_CHOICES).optional(),
  })
  .strict();
export type ExportChoices = z.infer<typeof ExportChoicesSchema>;

export const MusicPickSchema = z.object({ file: z.string(), name: z.string(), seconds: z.number() });
export type MusicPick = z.infer<typeof MusicPickSchema>;

/**
 * The export panel's choices as the creator last left them in a project, kept in
 * .storyreel/export-choices.json (not project.json: they are how this creator exports, not the film) so
 * the next session starts with them.
 */
export const KeptChoicesSchema = z
  .object({
    loudness: z.union([z.literal(-14), z.literal(-16), z.literal(-23)]).nullable(),
    /** As exports.pickMusic returned it; main keeps it only while the file is inside the project's media/. */
    music: z.object({ file: z.string().min(1).max(4000), name: z.string().max(1000), seconds: z.number().nonnegative().max(1e7) }).strict().nullable(),
    burnCaptions: z.boolean(),
  })
  .strict();
export type KeptChoices = z.infer<typeof KeptChoicesSchema>;
export const NO_CHOICES: KeptChoices = { loudness: null, music: null, burnCaptions: false };
