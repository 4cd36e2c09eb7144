// The project bible: named characters, props, locations and looks, each with a fixed description and
// optional reference images, so a character looks the same in every shot. A scene names an entry with
// `@Name`; composePrompt folds the named entries' descriptions into the prompt that is sent, and
// bibleReferences says which of their images go to the model as references (where it takes them).
// Style presets add their words to the project style. Pure: main, the renderer and the CLI use these same
// functions (fullPrompt in project.ts calls composePrompt), so the prompt shown is the prompt sent.
// No import of project.ts here: project.ts imports this file for its schema.
import { z } from 'zod';

export const BIBLE_KINDS = ['character', 'prop', 'location', 'look'] as const;
export type BibleKind = (typeof BIBLE_KINDS)[number];
export const MAX_BIBLE_ENTRIES = 100;
export const MAX_ENTRY_IMAGES = 4;
export const MAX_DESCRIPTION_CHARS = 2000;

/** What may follow `@`: letters, digits, `_` and `-` (so "@Mara," and "@Mara." end at the name). */
export const NAME_PATTERN = /^[\p{L}\p{N}_-]{1,40}$/u;

export const STYLE_PRESETS = {
  cinematic: { label: 'Cinematic', text: 'cinematic, anamorphic 2.39:1 framing, shallow depth of field, motivated lighting, subtle film grain' },
  documentary: { label: 'Documentary', text: 'observational documentary, handheld camera, natural available light, candid moments' },
  anime: { label: 'Anime', text: '2D anime style, clean line art, cel shading, painted backgrounds' },
  watercolor: { label: 'Watercolor', text: 'watercolor illustration, soft bleeding edges, paper texture, muted washes of colour' },
  'film-noir': { label: 'Film noir', text: 'film noir, high-contrast black and white, hard low-key light, venetian-blind shadows' },
  '8mm': { label: '8mm home movie', text: '8mm home movie, warm faded colour, heavy grain, light leaks, slight gate weave' },
  claymation: { label: 'Claymation', text: 'stop-motion claymation, handmade plasticine figures, miniature sets, slight frame jitter' },
  'nature-doc': { label: 'Nature documentary', text: 'wildlife documentary, long telephoto lens, golden-hour light, patient locked-off framing' },
} as const;
export type StylePresetId = keyof typeof STYLE_PRESETS;
export const STYLE_PRESET_IDS = Object.keys(STYLE_PRESETS) as [StylePresetId, ...StylePresetId[]];

const EntryFields = {
  id: z.string().min(1).max(100),
  kind: z.enum(BIBLE_KINDS),
  name: z.string().regex(NAME_PATTERN, 'must be one word of letters, digits, - or _ (it is written @Name in prompts)'),
  description: z.string().max(MAX_DESCRIPTION_CHARS),
  /** Reference images, relative to the project folder, under media/refs/ (copied in by main). */
  images: z.array(z.string().max(500)).max(MAX_ENTRY_IMAGES).default(() => []),
};
const EntryObject = z.object(EntryFields);
export type BibleEntry = z.output<typeof EntryObject>;
export const BibleEntrySchema = EntryObject.loose() as unknown as z.ZodType<BibleEntry, z.input<typeof EntryObject>>;

const BibleObject = z.object({
  entries: z.array(BibleEntrySchema).max(MAX_BIBLE_ENTRIES).default(() => []),
  presets: z.array(z.enum(STYLE_PRESET_IDS)).max(STYLE_PRESET_IDS.length).default(() => []),
});
export type Bible = z.output<typeof BibleObject>;
/** Names are unique (case-insensitive), as `@mara` and `@Mara` name the same entry. */
export const BibleSchema = BibleObject.loose().superRefine((b, ctx) => {
  const seen = new Set<string>();
  b.entries.forEach((e, i) => {
    const key = e.name.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'name'], message: `@${e.name} is already in the bible; each name once` });
    seen.add(key);
  });
}) as unknown as z.ZodType<Bible, z.input<typeof BibleObject>>;

export const EMPTY_BIBLE: Bible = { entries: [], presets: [] };

const MENTION = /@([\p{L}\p{N}_-]+)/gu;

/** The entries a prompt names, in the order first named; and the names that are not in the bible. */
export function mentions(bible: Bible | undefined, prompt: string): { entries: BibleEntry[]; unknown: string[] } {
  const byName = new Map((bible?.entries ?? []).map((e) => [e.name.toLowerCase(), e]));
  const entries: BibleEntry[] = [];
  const unknown: string[] = [];
  for (const m of prompt.matchAll(MENTION)) {
    // An e-mail address or a handle inside a word is not a mention.
    if (m.index > 0 && /[\p{L}\p{N}.]/u.test(prompt[m.index - 1]!)) continue;
    const e = byName.get(m[1]!.toLowerCase());
    if (e && !entries.includes(e)) entries.push(e);
    else if (!e && !unknown.includes(m[1]!)) unknown.push(m[1]!);
  }
  return { entries, unknown };
}

/** The project style with the presets' words after it. */
export function composeStyle(style: string, bible: Bible | undefined): string {
  const parts = [style.trim(), ...(bible?.presets ?? []).map((id) => STYLE_PRESETS[id]?.text ?? '')].filter(Boolean);
  return parts.join('; ');
}

/**
 * The prompt that is sent for a scene: the scene's text (with `@` taken off the names it uses), then each
 * named entry's description, then the style (project style + presets). The one composition every caller
 * uses, through fullPrompt: the estimate's checks, the planner, the engine's record, the CLI and the window.
 */
export function composePrompt(project: { style: string; bible?: Bible | undefined }, scene: { prompt: string }): string {
  const { entries } = mentions(project.bible, scene.prompt);
  const known = new Set(entries.map((e) => e.name.toLowerCase()));
  const prompt = scene.prompt.trim().replace(MENTION, (whole, name: string, at: number, all: string) => (known.has(name.toLowerCase()) && !(at > 0 && /[\p{L}\p{N}.]/u.test(all[at - 1]!)) ? name : whole));
  const described = entries.filter((e) => e.description.trim()).map((e) => `${e.name}: ${e.description.trim().replace(/[.。]?$/, (end) => end || '.')}`);
  const style = composeStyle(project.style, project.bible);
  const body = [prompt, described.join('\n')].filter(Boolean).join('\n\n');
  if (!style) return body;
  if (!body) return style;
  return `${body}\n\nStyle: ${style}`;
}

/**
 * The bible images to send with a scene as references: those of the entries it names, as far as the model
 * takes references (none, at most `maxReferences`, or not with a first frame). `note` says, in words, what
 * is not sent and why; the text of every entry is in the prompt either way.
 */
export function bibleReferences(
  project: { bible?: Bible | undefined },
  scene: { prompt: string; referenceImage?: string | null },
  model: { id: string; imageInput: { references: boolean; maxReferences?: number; referencesAlone?: boolean } } | undefined,
): { images: string[]; note: string | null } {
  const all = mentions(project.bible, scene.prompt).entries.flatMap((e) => e.images);
  if (!all.length || !model) return { images: [], note: null };
  const n = (k: number) => `${k} bible image${k === 1 ? '' : 's'}`;
  if (!model.imageInput.references) return { images: [], note: `${model.id} takes no reference images, so the ${n(all.length)} of the named entries ${all.length === 1 ? 'is' : 'are'} not sent; their descriptions are.` };
  if (model.imageInput.referencesAlone && scene.referenceImage) return { images: [], note: `${model.id} cannot take reference images together with a first frame, so the ${n(all.length)} ${all.length === 1 ? 'is' : 'are'} not sent. Remove the scene's first frame to send them.` };
  const max = model.imageInput.maxReferences ?? Infinity;
  if (all.length > max) return { images: all.slice(0, max), note: `${model.id} takes at most ${max} reference images: the first ${max} of ${all.length} are sent.` };
  return { images: all, note: null };
}
