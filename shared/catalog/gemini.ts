// Gemini Omni on the Gemini API's Interactions API (PROVIDERS.md §3, read 2026-12-02). One model today; Veo left
// the Gemini API on 2026-10-22 (it lives on through fal and OpenRouter). Sizes are 16:9 and 9:16 at
// 360p/720p/1080p (4k is an upscale, not offered here); the adapter maps "WxH" to aspect_ratio + resolution.
import type { ProviderProfile } from '../capabilities.ts';

const SIZES = ['640x360', '360x640', '1280x720', '720x1280', '1920x1080', '1080x1920'];

export const GEMINI_PROFILE: ProviderProfile = {
  id: 'gemini',
  label: 'Gemini API (Interactions)',
  needsKey: true,
  openModelList: false,
  defaultModel: 'gemini-omni-1.1-flash',
  fallbackModel: 'gemini-omni-1.1-flash',
  models: [
    {
      id: 'gemini-omni-1.1-flash',
      label: 'Gemini Omni 1.1 Flash',
      durations: [3, 4, 5, 6, 7, 8, 9, 10],
      sizes: SIZES,
      audio: true,
      imageInput: { firstFrame: true, lastFrame: true, references: true, maxReferences: 3 },
      seed: true,
      negativePrompt: false,
      remix: false,
      extend: true,
      // Only the 720p price is published (about $0.10/s, billed as output tokens); the same is assumed at
      // 360p and 1080p until read from a bill.
      pricePerSecond: Object.fromEntries(SIZES.map((s) => [s, 0.1])),
      priceSource: 'PROVIDERS.md §3 (Gemini API pricing, about $0.10/s at 720p, verify), read 2026-12-02',
      concurrency: 2,
    },
  ],
};
