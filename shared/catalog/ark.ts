// Seedance on Volcengine Ark (region cn) and BytePlus ModelArk (default), PROVIDERS.md §4, read 2026-12-02.
// The same models carry different ids on the two platforms: `doubao-…` on Volcengine, `dreamina-…` on BytePlus
// (verify the ids in the console). Sizes are ratio × resolution; the adapter maps "WxH" to them.
// Prices are per million output tokens, tokens ≈ width × height × 24 fps × seconds / 1024 (verify with
// usage.completion_tokens); the per-second figures below are that formula at each size.
import type { ModelProfile, ProviderProfile } from '../capabilities.ts';

const sizesAt = (res: number[]): string[] =>
  res.flatMap((r) => {
    const long = Math.round((r * 16) / 9 / 2) * 2;
    return [`${long}x${r}`, `${r}x${long}`, `${r}x${r}`];
  });
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** USD per second at a size, from USD per million tokens. */
const priced = (sizes: string[], usdPerMTokens: number): Record<string, number> =>
  Object.fromEntries(
    sizes.map((s) => {
      const [w, h] = s.split('x').map(Number) as [number, number];
      return [s, Math.round(((w * h * 24) / 1024 / 1e6) * usdPerMTokens * 10000) / 10000];
    }),
  );

// PROVIDERS.md gives the token formula but no rate: $7 (fast $5.6) per million tokens is the emulator's figure,
// kept until read from the ModelArk console.
const SOURCE = 'token formula from PROVIDERS.md §4, read 2026-12-02; rate per million tokens ($7, fast $5.6) unverified, check the ModelArk console';

function seedance(id: string, label: string, durations: number[], sizes: string[], usdPerMTokens: number): ModelProfile {
  return {
    id,
    label,
    durations,
    sizes,
    audio: true,
    // First + last frame, or up to 9 reference images, not both together.
    imageInput: { firstFrame: true, lastFrame: true, references: true, maxReferences: 9, referencesAlone: true },
    seed: true,
    negativePrompt: false,
    remix: false,
    extend: false,
    pricePerSecond: priced(sizes, usdPerMTokens),
    priceSource: SOURCE,
    concurrency: 2,
  };
}

/** USD per million output tokens by model id (what usage.completion_tokens is billed at; unverified, see SOURCE). */
export const ARK_USD_PER_M_TOKENS: Record<string, number> = Object.fromEntries(
  (['dreamina', 'doubao'] as const).flatMap((p) => [
    [`${p}-seedance-2-0-260128`, 7],
    [`${p}-seedance-2-0-fast-260128`, 5.6],
    [`${p}-seedance-2-5-260628`, 7],
  ]),
);

const FULL = sizesAt([480, 720, 1080]);
const FAST = sizesAt([480, 720]);

const family = (prefix: 'dreamina' | 'doubao', where: string): ModelProfile[] => [
  seedance(`${prefix}-seedance-2-0-260128`, `Seedance 2.0 (${where})`, range(4, 15), FULL, ARK_USD_PER_M_TOKENS[`${prefix}-seedance-2-0-260128`]!),
  seedance(`${prefix}-seedance-2-0-fast-260128`, `Seedance 2.0 Fast (${where})`, range(4, 15), FAST, ARK_USD_PER_M_TOKENS[`${prefix}-seedance-2-0-fast-260128`]!),
  seedance(`${prefix}-seedance-2-5-260628`, `Seedance 2.5 (${where})`, range(4, 30), FAST, ARK_USD_PER_M_TOKENS[`${prefix}-seedance-2-5-260628`]!),
];

export const ARK_PROFILE: ProviderProfile = {
  id: 'ark',
  label: 'Seedance on BytePlus ModelArk / Volcengine Ark',
  shortLabel: 'Seedance (ModelArk / Volcengine)',
  needsKey: true,
  openModelList: false,
  defaultModel: 'dreamina-seedance-2-0-260128',
  fallbackModel: 'dreamina-seedance-2-0-260128',
  models: [...family('dreamina', 'BytePlus'), ...family('doubao', 'Volcengine, region cn')],
  // The region setting (and the CLI's --region) picks the host: electron/services/providers/ark/adapter.ts.
  regions: [
    { id: 'byteplus', label: 'BytePlus ModelArk (ap-southeast)' },
    { id: 'cn', label: 'Volcengine Ark (cn-beijing)' },
  ],
};
