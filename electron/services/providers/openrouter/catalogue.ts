// OpenRouter's live catalogue (GET {base}/videos/models) read into capability profiles. Pure: the adapter's
// liveModels() uses it.
//
// A model whose durations, sizes or price cannot be read is not taken from the live list: it keeps its
// bundled profile if it has one, and is left out otherwise (an estimate of $0 would let the budget cap pass
// work that costs money).
import { z } from 'zod';
import type { ModelProfile } from '../../../../shared/capabilities.ts';
import { OPENROUTER_BUNDLED, openRouterProfile } from '../../../../shared/catalog/openrouter.ts';

const LiveModel = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  supported_durations: z.array(z.number().int().positive()).min(1),
  supported_resolutions: z.array(z.string().regex(/^(\d{3,4}p|4k)$/i)).min(1),
  supported_aspect_ratios: z.array(z.string().regex(/^\d+:\d+$/)).min(1),
  supported_frame_images: z.array(z.string()).nullish(),
  generate_audio: z.boolean().nullish(),
  seed: z.boolean().nullish(),
  max_input_references: z.number().int().nonnegative().nullish(),
  pricing_skus: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
});
type LiveModel = z.infer<typeof LiveModel>;

/** USD per second by resolution from `pricing_skus` (keys that name a resolution, or one per-second price for all). */
function pricesOf(m: LiveModel): Record<string, number> | null {
  const skus = m.pricing_skus ?? {};
  const num = (v: string | number): number => (typeof v === 'number' ? v : Number(v));
  const out: Record<string, number> = {};
  const generic = Object.entries(skus).find(([k, v]) => /per_second$/i.test(k) && Number.isFinite(num(v)));
  for (const r of m.supported_resolutions) {
    const hit = Object.entries(skus).find(([k, v]) => /second/i.test(k) && k.toLowerCase().includes(r.toLowerCase()) && Number.isFinite(num(v)));
    const usd = hit ? num(hit[1]) : generic ? num(generic[1]) : NaN;
    if (!Number.isFinite(usd) || usd < 0) return null;
    out[r] = usd;
  }
  return out;
}

/** The live catalogue as profiles (plus bundled ones the live list could not describe). */
export function profilesFromCatalogue(json: unknown, readOn = new Date().toISOString().slice(0, 10)): { models: ModelProfile[]; skipped: string[] } {
  const data = (json as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) throw new Error('the models endpoint did not answer { data: [...] }');
  const models: ModelProfile[] = [];
  const skipped: string[] = [];
  for (const raw of data) {
    const parsed = LiveModel.safeParse(raw);
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '(no id)';
    const bundled = OPENROUTER_BUNDLED.find((b) => b.id === id);
    const prices = parsed.success ? pricesOf(parsed.data) : null;
    if (!parsed.success || !prices) {
      skipped.push(id);
      if (bundled) models.push(openRouterProfile(bundled));
      continue;
    }
    const m = parsed.data;
    const frames = m.supported_frame_images ?? [];
    models.push(
      openRouterProfile(
        {
          id: m.id,
          label: (m.name ?? m.id).replace(/^[^:]+:\s*/, ''),
          durations: [...m.supported_durations].sort((a, b) => a - b),
          resolutions: m.supported_resolutions,
          aspects: m.supported_aspect_ratios,
          frames: { first: frames.includes('first_frame'), last: frames.includes('last_frame') },
          maxReferences: m.max_input_references ?? bundled?.maxReferences ?? 0,
          audio: m.generate_audio === true,
          seed: m.seed === true,
          perSecond: prices,
        },
        `OpenRouter GET /videos/models, read ${readOn}`,
      ),
    );
  }
  return { models, skipped };
}
