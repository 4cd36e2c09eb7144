// Capability profiles: what each provider/model accepts and what it costs (Preview and /v1/videos here, the
// catalogue's providers in shared/catalog/), and how a model name is looked up. Pure data and functions.
import { CATALOG_PROVIDERS } from '../catalog/index.ts';

/** 'preview', 'openai-videos', and the ids of the catalogue's providers (shared/catalog/). */
export type ProviderId = string;

export interface ModelProfile {
  id: string;
  label: string;
  /** Allowed clip lengths in whole seconds. */
  durations: number[];
  /** Allowed output sizes, "WIDTHxHEIGHT". */
  sizes: string[];
  audio: boolean;
  /** `referencesAlone`: reference images cannot be sent together with a first or last frame (Seedance 2.x). */
  imageInput: { firstFrame: boolean; lastFrame: boolean; references: boolean; maxReferences?: number; referencesAlone?: boolean };
  /** ISO date the provider retires this model, where announced; after it the model is refused. */
  retiresOn?: string;
  /** A seed can be sent. */
  seed?: boolean;
  /** A negative prompt is taken natively (otherwise it is folded into the prompt, or not offered). */
  negativePrompt?: boolean;
  /** When the price was read, and from where ("fal.ai model page, 2026-12-01"). */
  priceSource?: string;
  remix: boolean;
  extend: boolean;
  /** US dollars per second of output, by size. */
  pricePerSecond: Record<string, number>;
  /** Jobs to run at once unless the user says otherwise. */
  concurrency: number;
  /** Longest prompt the model takes, counted as sent (scene prompt + project style), in characters; absent = no known limit. */
  maxPromptChars?: number;
}

export interface ProviderProfile {
  id: ProviderId;
  label: string;
  /** The name where room is short (the inspector's provider list, 247 px at any window size); `label` otherwise. */
  shortLabel?: string;
  needsKey: boolean;
  /** Any model name is accepted (gateways); unknown names use `fallbackModel`'s profile. */
  openModelList: boolean;
  defaultModel: string;
  fallbackModel: string;
  models: ModelProfile[];
  /** The provider lists its models with durations, sizes and prices; the creator can refresh them (shared/catalog/refreshed.ts). */
  liveCatalog?: boolean;
  /** Where the API has regions (Ark): the ids a region setting takes, the first the default. */
  regions?: ReadonlyArray<{ id: string; label: string }>;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const priced = (sizes: string[], price: number): Record<string, number> =>
  Object.fromEntries(sizes.map((s) => [s, price]));

const PREVIEW_SIZES = ['1280x720', '720x1280', '1920x1080', '1080x1920', '1792x1024', '1024x1792', '1024x1024', '640x360', '854x480', '480x854'];
const SORA_SIZES = ['1280x720', '720x1280'];
const SORA_PRO_SIZES = ['1280x720', '720x1280', '1792x1024', '1024x1792'];

export const PROVIDERS: readonly ProviderProfile[] = [
  {
    id: 'preview',
    label: 'Preview (offline animatic)',
    needsKey: false,
    openModelList: false,
    defaultModel: 'animatic',
    fallbackModel: 'animatic',
    models: [
      {
        id: 'animatic',
        label: 'Animatic',
        durations: range(1, 60),
        sizes: PREVIEW_SIZES,
        audio: true,
        // Every ability, drawn into the animatic, so all of it can be planned and tested offline.
        imageInput: { firstFrame: true, lastFrame: true, references: true, maxReferences: 4 },
        seed: true,
        remix: true,
        extend: true,
        pricePerSecond: priced(PREVIEW_SIZES, 0),
        concurrency: 2,
        // Drawn locally, no API limit: anything the project format holds (a full scene prompt plus a full style).
        maxPromptChars: 40_000,
      },
    ],
  },
  {
    id: 'openai-videos',
    label: 'OpenAI-compatible gateway (/v1/videos)',
    shortLabel: 'OpenAI-compatible gateway',
    needsKey: true,
    openModelList: true,
    defaultModel: 'sora-2',
    fallbackModel: 'sora-2',
    models: [
      {
        id: 'sora-2',
        label: 'sora-2 (or any gateway model priced like it)',
        durations: [4, 8, 12],
        sizes: SORA_SIZES,
        audio: true,
        imageInput: { firstFrame: true, lastFrame: false, references: false },
        remix: true,
        extend: true,
        pricePerSecond: priced(SORA_SIZES, 0.1),
        concurrency: 2,
        maxPromptChars: 32_000, // CreateVideoBody.prompt maxLength in the /v1/videos spec
      },
      {
        id: 'sora-2-pro',
        label: 'sora-2-pro',
        durations: [4, 8, 12],
        sizes: SORA_PRO_SIZES,
        audio: true,
        imageInput: { firstFrame: true, lastFrame: false, references: false },
        remix: true,
        extend: true,
        pricePerSecond: { '1280x720': 0.3, '720x1280': 0.3, '1792x1024': 0.5, '1024x1792': 0.5 },
        concurrency: 2,
        maxPromptChars: 32_000,
      },
    ],
  },
  ...CATALOG_PROVIDERS,
];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((p) => p.id);

/**
 * A gateway model the creator describes (a name the built-in profiles do not know): its own price per
 * second and the durations and sizes the gateway accepts for it. Kept in settings; used by the estimate,
 * the budget cap and the checks before anything is sent.
 */
export interface CustomModel {
  provider: string;
  id: string;
  pricePerSecond: number;
  durations: number[];
  sizes: string[];
}
export type CustomModels = readonly CustomModel[];

export function providerProfile(id: string): ProviderProfile | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

/**
 * The profile that governs a model name; gateways accept names we do not know. A name the creator
 * described (`custom`) gets its own price, durations and sizes; any other unknown name is treated like
 * the provider's fallback model.
 */
export function modelProfile(providerId: string, model: string, custom: CustomModels = []): ModelProfile | undefined {
  const provider = providerProfile(providerId);
  if (!provider) return undefined;
  const known = provider.models.find((m) => m.id === model);
  if (known) return known;
  if (!provider.openModelList) return undefined;
  const fallback = provider.models.find((m) => m.id === provider.fallbackModel);
  const mine = custom.find((c) => c.provider === providerId && c.id === model);
  if (!mine || !fallback) return fallback;
  return {
    ...fallback,
    id: model,
    label: `${model} (your price and limits)`,
    durations: [...new Set(mine.durations)].sort((a, b) => a - b),
    sizes: [...new Set(mine.sizes)],
    pricePerSecond: priced(mine.sizes, mine.pricePerSecond),
  };
}

/** Whether a model name is one of the provider's own (not a gateway name the creator may describe). */
export function isBuiltInModel(providerId: string, model: string): boolean {
  return providerProfile(providerId)?.models.some((m) => m.id === model) ?? false;
}

/** The allowed duration nearest to the wanted one (ties go to the longer clip). */
export function snapDuration(profile: ModelProfile, seconds: number): number {
  let best = profile.durations[0] ?? seconds;
  for (const d of profile.durations) {
    if (Math.abs(d - seconds) < Math.abs(best - seconds) || (Math.abs(d - seconds) === Math.abs(best - seconds) && d > best)) best = d;
  }
  return best;
}
