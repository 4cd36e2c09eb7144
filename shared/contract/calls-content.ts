// The contract's call groups for what goes into prompts: shot lists, the bible, the composer, Enhance.
import { z } from 'zod';
import { BIBLE_KINDS, MAX_BIBLE_ENTRIES, MAX_DESCRIPTION_CHARS, MAX_ENTRY_IMAGES, NAME_PATTERN, STYLE_PRESET_IDS } from '../bible.ts';
import { ProjectChangeSchema } from '../change.ts';
import { COMPOSER_PARTS, MAX_PART_CHARS, type ComposerPart } from '../composer.ts';
import { call, Id, None } from './inputs.ts';
import { EnhanceStatusSchema } from './views.ts';

export const contentCalls = {
shotList: {
  /** A pasted or opened shot list (shared/shotlist.ts) → scenes after `afterId` or at the end, as one change. */
  import: call(
    z.object({ text: z.string().min(1).max(200_000), afterId: Id.nullable().optional() }).strict(),
    z.object({ change: ProjectChangeSchema, added: z.array(z.string()), notes: z.array(z.string()), summary: z.string() }),
  ),
},
bible: {
  /** The whole bible as edited (shared/bible.ts). An entry keeps or drops its images; new ones come from pickImage. */
  update: call(
    z
      .object({
        entries: z
          .array(
            z
              .object({
                id: Id.optional(),
                kind: z.enum(BIBLE_KINDS),
                name: z.string().regex(NAME_PATTERN),
                description: z.string().max(MAX_DESCRIPTION_CHARS),
                images: z.array(z.string().max(500)).max(MAX_ENTRY_IMAGES),
              })
              .strict(),
          )
          .max(MAX_BIBLE_ENTRIES),
        presets: z.array(z.enum(STYLE_PRESET_IDS)).max(STYLE_PRESET_IDS.length),
      })
      .strict(),
    ProjectChangeSchema,
  ),
  /** Shows the system's image picker; the image is copied into media/refs/ and added to the entry. null = dismissed. */
  pickImage: call(z.object({ entryId: Id }).strict(), ProjectChangeSchema.nullable()),
},
composer: {
  /** A scene's composer parts; the scene's prompt becomes what they compose (shared/composer.ts). */
  set: call(z.object({ sceneId: Id, parts: z.object(Object.fromEntries(COMPOSER_PARTS.map((p) => [p, z.string().max(MAX_PART_CHARS)])) as Record<ComposerPart, z.ZodString>).strict() }).strict(), ProjectChangeSchema),
},
enhance: {
  /** Whether Enhance is on, and why not; the key itself never comes back. */
  status: call(None, EnhanceStatusSchema),
  /** The chat-completions base URL (https:, or http: on this computer) and model. */
  configure: call(z.object({ baseUrl: z.string().url().max(2000).nullable().optional(), model: z.string().min(1).max(200).nullable().optional() }).strict(), EnhanceStatusSchema),
  /** The key goes to main once; main's own dialog asks whether it may go to the base URL. */
  setKey: call(z.object({ key: z.string().min(8).max(500) }).strict(), EnhanceStatusSchema),
  clearKey: call(None, EnhanceStatusSchema),
  /** "Store anyway" for a key kept for this session only (no keyring; see keys.storage). */
  storeKey: call(None, EnhanceStatusSchema),
  confirmAddress: call(None, EnhanceStatusSchema),
  /** The scene's prompt rewritten by the chat model; nothing changes until the creator accepts it (scenes.update). */
  run: call(z.object({ sceneId: Id }).strict(), z.object({ before: z.string(), after: z.string() })),
},
} as const;
