// The contract's call groups for settings and housekeeping: settings, cleanup, history, keys, models.
import { z } from 'zod';
import { CatalogChangeSchema } from '../catalog/refreshed.ts';
import { ProjectChangeSchema } from '../change.ts';
import { call, None } from './inputs.ts';
import { AppInfoSchema, AuthHeaderSchema, HistoryStateSchema, KeySavedSchema, KeyStatusSchema, SettingsSchema, UnusedFileSchema } from './views.ts';

export const settingsCalls = {
settings: {
  /**
   * Only the settings named, each with a value: `undefined` is refused (null clears a setting). A patch
   * of `{budgetUsd: undefined}` used to be stored as is and broke app.info and the estimate for good.
   */
  update: call(
    SettingsSchema.partial()
      .strict()
      .refine((p) => Object.values(p).every((v) => v !== undefined), { message: 'a setting needs a value: use null to clear it' }),
    AppInfoSchema,
  ),
},
cleanup: {
  /** Files under media/ nothing in the project refers to any more, with their sizes (nothing is removed). */
  preview: call(None, z.object({ files: z.array(UnusedFileSchema), bytes: z.number() })),
  /** Removes those of the listed files that are still unused now. */
  run: call(z.object({ paths: z.array(z.string().min(1).max(4000)).max(10000) }).strict(), z.object({ files: z.array(UnusedFileSchema), bytes: z.number() })),
},
history: {
  undo: call(None, ProjectChangeSchema.nullable()),
  redo: call(None, ProjectChangeSchema.nullable()),
  state: call(None, HistoryStateSchema),
},
keys: {
  /** The key goes to main once and is never sent back. */
  set: call(z.object({ provider: z.string().min(1).max(100), key: z.string().min(8).max(500) }).strict(), KeySavedSchema),
  /** The creator's answer when keys.set said "needs-consent": store = true writes the session's key anyway. */
  storage: call(z.object({ provider: z.string().min(1).max(100), store: z.boolean() }).strict(), KeyStatusSchema),
  clear: call(z.object({ provider: z.string().min(1).max(100) }).strict(), KeyStatusSchema),
  /**
   * Gateway settings kept next to the key in main: how the key is sent, extra headers and default
   * query parameters (a value sets, null removes, names left out stay). Values never come back.
   */
  gateway: call(
    z
      .object({
        provider: z.string().min(1).max(100),
        authHeader: AuthHeaderSchema.optional(),
        headers: z.record(z.string().min(1).max(100), z.string().max(4000).nullable()).optional(),
        query: z.record(z.string().min(1).max(100), z.string().max(2000).nullable()).optional(),
      })
      .strict(),
    KeyStatusSchema,
  ),
  /** Main asks the creator, in its own dialog, whether the key may go to the current base URL. */
  confirmAddress: call(z.object({ provider: z.string().min(1).max(100) }).strict(), KeyStatusSchema),
},
models: {
  /** Reads a provider's live model list (durations, sizes, prices) with its key, keeps it with the date read. */
  refresh: call(z.object({ provider: z.string().min(1).max(100) }).strict(), CatalogChangeSchema),
},
} as const;
