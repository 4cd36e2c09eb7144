// fal.ai queue: capability profiles. A model here is a fal endpoint id (Veo 3.1's are the text-to-video
// endpoint ids themselves; Kling, Seedance and Wan are the endpoint-id prefix of their family). The adapter
// (electron/services/providers/fal/endpoints.ts) picks the endpoint of the family from a scene's images:
// text-to-video, image-to-video (first frame, and end frame where the family takes one),
// first-last-frame-to-video, reference-to-video.
//
// Source: ../shared/reference/PROVIDERS.md §2 (revised 2026-12). Durations, resolutions and prices there are
// marked "verify" (fal's live schema and price per endpoint: https://fal.ai/models/{endpoint_id}/llms.txt);
// they are encoded as read and must be checked before a release. Prices are with sound on (the default):
// the estimate never undercounts.
import type { ModelProfile, ProviderProfile } from '../capabilities.ts';

const SOURCE = 'PROVIDERS.md §2 (fal model pages), read 2026-12-02 — verify';
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** "WxH" for an aspect ratio at a resolution ("720p": the short side; "4k": 2160). */
export function falSize(aspect: string, resolution: string): string {
  const short = resolution === '4k' ? 2160 : Number.parseInt(resolution, 10);
  const [aw, ah] = aspect.split(':').map(Number) as [number, number];
  const even = (n: number): number => Math.round(n / 2) * 2;
  return aw >= ah ? `${even((short * aw) / ah)}x${short}` : `${short}x${even((short * ah) / aw)}`;
}
const sizes = (aspects: string[], resolutions: string[]): string[] => resolutions.flatMap((r) => aspects.map((a) => falSize(a, r)));
const priced = (s: string[], usd: number): Record<string, number> => Object.fromEntries(s.map((x) => [x, usd]));

function kling(tier: 'standard' | 'pro'): ModelProfile {
  // Standard renders 720p, pro 1080p; image-to-video takes its aspect from the image.
  const s = sizes(['16:9', '9:16', '1:1'], [tier === 'pro' ? '1080p' : '720p']);
  return {
    id: `fal-ai/kling-video/v3/${tier}`,
    label: `Kling 3 ${tier === 'pro' ? 'Pro' : 'Standard'} (fal)`,
    durations: range(3, 15),
    sizes: s,
    audio: true,
    imageInput: { firstFrame: true, lastFrame: true, references: false },
    negativePrompt: true,
    seed: false,
    priceSource: SOURCE,
    remix: false,
    extend: false,
    // about $0.084/s standard, $0.112/s pro, ×1.5 with sound (verify)
    pricePerSecond: priced(s, tier === 'pro' ? 0.168 : 0.126),
    concurrency: 2,
  };
}

function seedance(fast: boolean): ModelProfile {
  const s = sizes(['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'], fast ? ['480p', '720p'] : ['480p', '720p', '1080p']);
  return {
    id: `bytedance/seedance-2.0${fast ? '/fast' : ''}`,
    label: `Seedance 2.0${fast ? ' Fast' : ''} (fal)`,
    durations: range(4, 15),
    sizes: s,
    audio: true,
    imageInput: { firstFrame: true, lastFrame: true, references: true, maxReferences: 9, referencesAlone: true },
    seed: true,
    negativePrompt: false,
    priceSource: SOURCE,
    remix: false,
    extend: false,
    pricePerSecond: priced(s, fast ? 0.24 : 0.3),
    concurrency: 2,
  };
}

function veo(fast: boolean): ModelProfile {
  const s = sizes(['16:9', '9:16'], ['720p', '1080p']);
  return {
    id: `fal-ai/veo3.1${fast ? '/fast' : ''}`,
    label: `Veo 3.1${fast ? ' Fast' : ''} (fal)`,
    durations: [4, 6, 8],
    sizes: s,
    audio: true,
    // first-last-frame-to-video takes both frames; reference-to-video up to 3 references (not with frames).
    imageInput: { firstFrame: true, lastFrame: true, references: true, maxReferences: 3, referencesAlone: true },
    seed: true,
    negativePrompt: true,
    priceSource: SOURCE,
    remix: false,
    // …/extend-video continues a fal-made clip (the adapter's extend()).
    extend: true,
    // fast: $0.10/s without sound, $0.15/s with (verify); standard read as $0.20 / $0.40 (verify)
    pricePerSecond: priced(s, fast ? 0.15 : 0.4),
    concurrency: 2,
  };
}

function wan26(): ModelProfile {
  const s720 = sizes(['16:9', '9:16', '1:1', '4:3', '3:4'], ['720p']);
  const s1080 = sizes(['16:9', '9:16', '1:1', '4:3', '3:4'], ['1080p']);
  return {
    id: 'wan/v2.6',
    label: 'Wan 2.6 (fal)',
    durations: [5, 10, 15],
    sizes: [...s720, ...s1080],
    audio: true,
    imageInput: { firstFrame: true, lastFrame: false, references: false },
    seed: true,
    negativePrompt: true,
    priceSource: SOURCE,
    remix: false,
    extend: false,
    pricePerSecond: { ...priced(s720, 0.1), ...priced(s1080, 0.15) }, // verify
    concurrency: 2,
  };
}

export const FAL_PROFILE: ProviderProfile = {
  id: 'fal',
  label: 'fal.ai',
  needsKey: true,
  openModelList: false,
  defaultModel: 'fal-ai/veo3.1/fast',
  fallbackModel: 'fal-ai/veo3.1/fast',
  models: [kling('standard'), kling('pro'), seedance(false), seedance(true), veo(false), veo(true), wan26()],
};
