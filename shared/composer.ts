// The prompt composer: optional structured parts of a shot that compose into its prompt, in the order the
// seed guides recommend (camera first, then who does what, where, in what light, in what style, what is
// heard). The parts are kept on the scene (`composer`) so they can be edited again; the prompt is what is sent.
import { z } from 'zod';

export const COMPOSER_PARTS = ['camera', 'subject', 'setting', 'lighting', 'style', 'sound'] as const;
export type ComposerPart = (typeof COMPOSER_PARTS)[number];
export const MAX_PART_CHARS = 2000;

export const ComposerSchema = z.object(Object.fromEntries(COMPOSER_PARTS.map((p) => [p, z.string().max(MAX_PART_CHARS).default('')])) as Record<ComposerPart, z.ZodDefault<z.ZodString>>).loose();
export type Composer = Record<ComposerPart, string>;

export const COMPOSER_LABELS: Record<ComposerPart, { label: string; placeholder: string }> = {
  camera: { label: 'Shot & camera', placeholder: 'Medium close-up, slow dolly in, 35mm lens' },
  subject: { label: 'Subject & action', placeholder: 'An old fisherman mends a net, pausing to look up' },
  setting: { label: 'Setting', placeholder: 'A wooden pier at dawn' },
  lighting: { label: 'Lighting', placeholder: 'Low golden backlight' },
  style: { label: 'Style', placeholder: 'Muted teal and amber' },
  sound: { label: 'Sound & dialogue', placeholder: 'Waves; “Storm tonight.”' },
};

export const EMPTY_COMPOSER: Composer = { camera: '', subject: '', setting: '', lighting: '', style: '', sound: '' };

const sentence = (s: string): string => {
  const t = s.trim().replace(/\s+/g, ' ');
  return !t || /[.!?。！？]["”’)]?$/.test(t) ? t : `${t}.`;
};

/** The prompt the parts make: one sentence each, in order; sound is labelled so it is not drawn. */
export function composeParts(c: Partial<Composer>): string {
  return [
    sentence(c.camera ?? ''),
    sentence(c.subject ?? ''),
    sentence(c.setting ?? ''),
    sentence(c.lighting ?? ''),
    c.style?.trim() ? sentence(`Style: ${c.style.trim()}`) : '',
    c.sound?.trim() ? sentence(`Sound: ${c.sound.trim()}`) : '',
  ]
    .filter(Boolean)
    .join(' ');
}
