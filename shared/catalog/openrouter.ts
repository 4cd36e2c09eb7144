// OpenRouter videos (/api/v1/videos): the bundled capability profiles. OpenRouter publishes each model's
// durations, resolutions, aspect ratios and prices at GET /api/v1/videos/models; the adapter's
// refreshOpenRouterModels() reads that into a cache file (electron/services/providers/openrouter/models.ts),
// which replaces these defaults where main loads it. These bundled values are the fallback.
//
// Source: ../shared/reference/PROVIDERS.md §5 for the ids and fields; durations, resolutions and prices as
// listed on OpenRouter's model pages in 2026-11/12 (verify against the models endpoint). What is billed is
// what OpenRouter reports (usage.cost), which replaces the estimate in the spend ledger.
import type { ModelProfile, ProviderProfile } from '../capabilities.ts';

const SOURCE = 'OpenRouter model pages, read 2026-12-02 — verify with GET /videos/models';

/** "WxH" for an aspect ratio at a resolution ("720p": the short side; "4k": 2160). */
export function openRouterSize(aspect: string, resolution: string): string {
  const short = resolution === '4k' ? 2160 : Number.parseInt(resolution, 10);
  const [aw, ah] = aspect.split(':').map(Number) as [number, number];
  const even = (n: number): number => Math.round(n / 2) * 2;
  return aw >= ah ? `${even((short * aw) / ah)}x${short}` : `${short}x${even((short * ah) / aw)}`;
}

export interface OpenRouterModelSpec {
  id: string;
  label: string;
  durations: number[];
  resolutions: string[];
  aspects: string[];
  frames: { first: boolean; last: boolean };
  maxReferences: number;
  audio: boolean;
  seed: boolean;
  /** USD per second by resolution. */
  perSecond: Record<string, number>;
}

/** A capability profile from the models endpoint's fields (also used for the refreshed cache). */
export function openRouterProfile(m: OpenRouterModelSpec, priceSource = SOURCE): ModelProfile {
  const pricePerSecond: Record<string, number> = {};
  const sizes: string[] = [];
  for (const r of m.resolutions) {
    for (const a of m.aspects) {
      const s = openRouterSize(a, r);
      if (sizes.includes(s)) continue;
      sizes.push(s);
      pricePerSecond[s] = m.perSecond[r] ?? Math.max(0, ...Object.values(m.perSecond));
    }
  }
  return {
    id: m.id,
    label: `${m.label} (OpenRouter)`,
    durations: m.durations,
    sizes,
    audio: m.audio,
    imageInput: { firstFrame: m.frames.first, lastFrame: m.frames.last, references: m.maxReferences > 0, ...(m.maxReferences > 0 ? { maxReferences: m.maxReferences } : {}) },
    seed: m.seed,
    negativePrompt: false,
    priceSource,
    remix: false,
    extend: false,
    pricePerSecond,
    concurrency: 2,
  };
}

const both = { first: true, last: true };
export const OPENROUTER_BUNDLED: OpenRouterModelSpec[] = [
  { id: 'google/veo-3.1', label: 'Veo 3.1', durations: [4, 6, 8], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'], frames: both, maxReferences: 3, audio: true, seed: true, perSecond: { '720p': 0.4, '1080p': 0.5 } },
  { id: 'google/veo-3.1-fast', label: 'Veo 3.1 Fast', durations: [4, 6, 8], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16'], frames: both, maxReferences: 0, audio: true, seed: true, perSecond: { '720p': 0.15, '1080p': 0.15 } },
  { id: 'bytedance/seedance-2.0', label: 'Seedance 2.0', durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], resolutions: ['480p', '720p', '1080p'], aspects: ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'], frames: both, maxReferences: 9, audio: true, seed: true, perSecond: { '480p': 0.12, '720p': 0.3, '1080p': 0.65 } },
  { id: 'alibaba/wan-2.7', label: 'Wan 2.7', durations: [5, 10, 15], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16', '1:1'], frames: both, maxReferences: 3, audio: true, seed: true, perSecond: { '720p': 0.04, '1080p': 0.06 } },
  { id: 'alibaba/wan-2.6', label: 'Wan 2.6', durations: [5, 10, 15], resolutions: ['720p', '1080p'], aspects: ['16:9', '9:16', '1:1'], frames: { first: true, last: false }, maxReferences: 0, audio: false, seed: false, perSecond: { '720p': 0.04, '1080p': 0.06 } },
];

export const OPENROUTER_PROFILE: ProviderProfile = {
  id: 'openrouter',
  label: 'OpenRouter',
  needsKey: true,
  openModelList: false,
  defaultModel: 'google/veo-3.1-fast',
  fallbackModel: 'google/veo-3.1-fast',
  models: OPENROUTER_BUNDLED.map((m) => openRouterProfile(m)),
  liveCatalog: true,
};
