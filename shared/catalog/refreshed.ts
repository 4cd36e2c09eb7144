// Capability profiles read live from a provider (OpenRouter's GET /videos/models) when the creator asks: the
// shape they are stored and sent to the window in, what changed against the profiles in use, and putting them
// in place of the bundled ones in this process (main and the window each do it, so the estimate, the checks and
// the pickers agree). A provider that can do this says so in its profile (`liveCatalog`).
import { z } from 'zod';
import { providerProfile, type ModelProfile } from '../capabilities.ts';

export const ModelProfileSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  durations: z.array(z.number().int().positive()).min(1),
  sizes: z.array(z.string().regex(/^\d+x\d+$/)).min(1),
  audio: z.boolean(),
  imageInput: z.object({ firstFrame: z.boolean(), lastFrame: z.boolean(), references: z.boolean(), maxReferences: z.number().int().nonnegative().optional(), referencesAlone: z.boolean().optional() }),
  seed: z.boolean().optional(),
  negativePrompt: z.boolean().optional(),
  priceSource: z.string().optional(),
  retiresOn: z.string().optional(),
  remix: z.boolean(),
  extend: z.boolean(),
  pricePerSecond: z.record(z.string(), z.number().nonnegative()),
  concurrency: z.number().int().positive(),
  maxPromptChars: z.number().int().positive().optional(),
});

/** One provider's refreshed models, with when they were read (`readOn`, YYYY-MM-DD) and from which host. */
export const RefreshedCatalogSchema = z.object({
  provider: z.string().min(1),
  fetchedAt: z.string(),
  readOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.string(),
  models: z.array(ModelProfileSchema).min(1),
});
export type RefreshedCatalog = z.infer<typeof RefreshedCatalogSchema>;

/** What a refresh changed, for the creator ("3 models updated, read 2026-12-02"). */
export const CatalogChangeSchema = z.object({
  provider: z.string(),
  readOn: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  updated: z.array(z.string()),
  /** Models the live list described in a way Storyreel could not read (kept as bundled, or left out). */
  skipped: z.array(z.string()),
  summary: z.string(),
});
export type CatalogChange = z.infer<typeof CatalogChangeSchema>;

/** The parts of a profile that change what is offered, accepted or estimated. */
const essence = (m: ModelProfile): string =>
  JSON.stringify([[...m.durations].sort((a, b) => a - b), [...m.sizes].sort(), Object.entries(m.pricePerSecond).sort(([a], [b]) => a.localeCompare(b)), m.imageInput, m.audio, m.seed ?? null, m.retiresOn ?? null]);

const plural = (n: number, one: string): string => `${n} model${n === 1 ? '' : 's'} ${one}`;

export function compareCatalogs(provider: string, before: readonly ModelProfile[], after: RefreshedCatalog, skipped: string[] = []): CatalogChange {
  const old = new Map(before.map((m) => [m.id, m]));
  const now = new Map(after.models.map((m) => [m.id, m]));
  const added = [...now.keys()].filter((id) => !old.has(id));
  const removed = [...old.keys()].filter((id) => !now.has(id));
  const updated = [...now.values()].filter((m) => old.has(m.id) && essence(old.get(m.id)!) !== essence(m)).map((m) => m.id);
  const parts = [updated.length ? plural(updated.length, 'updated') : '', added.length ? plural(added.length, 'added') : '', removed.length ? plural(removed.length, 'gone') : ''].filter(Boolean);
  const head = parts.length ? parts.join(', ') : `No change (${plural(now.size, 'as before')})`;
  return { provider, readOn: after.readOn, added, removed, updated, skipped, summary: `${head}, read ${after.readOn}.` };
}

/** Puts refreshed models in place of the provider's (in this process); the default model follows when it is gone. */
export function applyCatalog(c: RefreshedCatalog): boolean {
  const profile = providerProfile(c.provider);
  if (!profile?.liveCatalog || !c.models.length) return false;
  profile.models.splice(0, profile.models.length, ...(c.models as ModelProfile[]));
  if (!c.models.some((m) => m.id === profile.defaultModel)) {
    const p = profile as { defaultModel: string; fallbackModel: string };
    p.defaultModel = c.models[0]!.id;
    p.fallbackModel = c.models[0]!.id;
  }
  return true;
}
