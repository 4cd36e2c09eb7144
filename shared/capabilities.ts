// Capability profiles: what each provider/model accepts and what it costs. The timeline, the settings
// and the command-line interface offer only these values, and main refuses anything else before money
// is spent. Pure data and pure functions: both processes import this file.
import { CATALOG_PROVIDERS } from './catalog/index.ts';
import { fullPrompt, type Project, type Scene } from './project.ts';
import { buildTimeline } from './timeline.ts';

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
  needsKey: boolean;
  /** Any model name is accepted (gateways); unknown names use `fallbackModel`'s profile. */
  openModelList: boolean;
  defaultModel: string;
  fallbackModel: string;
  models: ModelProfile[];
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

export interface Problem {
  sceneId: string | null;
  field: 'provider' | 'model' | 'size' | 'seconds' | 'prompt' | 'referenceImage' | 'continuity';
  message: string;
}

const list = (xs: Array<string | number>): string => xs.join(', ');

/** Today as YYYY-MM-DD (UTC), for retirement dates. */
const today = (): string => new Date().toISOString().slice(0, 10);

/** Whether a model is past its announced retirement date. */
export function isRetired(model: Pick<ModelProfile, 'retiresOn'>, on: string = today()): boolean {
  return model.retiresOn !== undefined && model.retiresOn <= on;
}

/**
 * Live models that can do at least what this one does (first/last frame and references where it takes them,
 * one of its durations, sound if it makes sound), nearest first: same provider, then the others.
 */
export function alternativesTo(providerId: string, model: ModelProfile, on: string = today()): Array<{ provider: string; model: string; label: string }> {
  const can = (m: ModelProfile): boolean =>
    !isRetired(m, on) &&
    m.id !== model.id &&
    (!model.imageInput.firstFrame || m.imageInput.firstFrame) &&
    (!model.imageInput.lastFrame || m.imageInput.lastFrame) &&
    (!model.imageInput.references || m.imageInput.references) &&
    (!model.audio || m.audio) &&
    m.durations.some((d) => model.durations.includes(d));
  const out: Array<{ provider: string; model: string; label: string }> = [];
  const own = PROVIDERS.filter((p) => p.id === providerId);
  const rest = PROVIDERS.filter((p) => p.id !== providerId && p.id !== 'preview');
  for (const p of [...own, ...rest]) for (const m of p.models) if (can(m)) out.push({ provider: p.id, model: m.id, label: `${p.label}: ${m.label}` });
  return out;
}

/** The images one request carries, by role (CreateRequest.images). */
export interface ImageRoles {
  firstFrame: boolean;
  lastFrame: boolean;
  references: number;
}

export function countImageRoles(images: ReadonlyArray<{ role: 'first-frame' | 'last-frame' | 'reference' }>): ImageRoles {
  return {
    firstFrame: images.some((i) => i.role === 'first-frame'),
    lastFrame: images.some((i) => i.role === 'last-frame'),
    references: images.filter((i) => i.role === 'reference').length,
  };
}

/**
 * Why a model cannot take these images (a last frame it has no slot for, more references than it takes), each
 * naming models that can; empty when it takes them all. Checked before anything is sent: an image is never
 * silently dropped.
 */
export function imageProblems(providerId: string, modelId: string, images: ImageRoles, on: string = today()): string[] {
  const model = modelProfile(providerId, modelId);
  if (!model) return [];
  const have = model.imageInput;
  const max = have.references ? (have.maxReferences ?? Infinity) : 0;
  const refused: string[] = [];
  if (images.firstFrame && !have.firstFrame) refused.push('a first frame');
  if (images.lastFrame && !have.lastFrame) refused.push('a last frame');
  if (images.references > max) refused.push(max === 0 ? 'reference images' : `${images.references} reference images (at most ${max})`);
  if (have.referencesAlone && images.references > 0 && (images.firstFrame || images.lastFrame)) refused.push('reference images together with a first or last frame');
  if (!refused.length) return [];
  // Models that take what was asked and otherwise do what this one does (alternativesTo's rules).
  const wanted: ModelProfile = {
    ...model,
    imageInput: { firstFrame: images.firstFrame || images.lastFrame, lastFrame: images.lastFrame, references: images.references > 0 },
  };
  const fits = (m: ModelProfile): boolean =>
    (m.imageInput.references ? (m.imageInput.maxReferences ?? Infinity) : 0) >= images.references &&
    !(m.imageInput.referencesAlone && images.references > 0 && (images.firstFrame || images.lastFrame));
  const alt = alternativesTo(providerId, wanted, on)
    .filter((a) => {
      const m = modelProfile(a.provider, a.model);
      return m !== undefined && fits(m);
    })
    .slice(0, 3);
  const can = alt.length ? ` Models that can: ${list(alt.map((a) => `${a.label} (${a.provider} ${a.model})`))}.` : ' No model in the catalogue takes these images together.';
  return [`${model.label} cannot take ${refused.join(', ')}.${can}`];
}

export function projectProblems(project: Pick<Project, 'provider' | 'model' | 'size'>, custom: CustomModels = [], on: string = today()): Problem[] {
  const provider = providerProfile(project.provider);
  if (!provider) {
    return [{ sceneId: null, field: 'provider', message: `Unknown provider "${project.provider}". Use one of: ${list(PROVIDER_IDS as ProviderId[])}.` }];
  }
  const model = modelProfile(project.provider, project.model, custom);
  if (!model) {
    return [{ sceneId: null, field: 'model', message: `${provider.label} has no model "${project.model}". Use one of: ${list(provider.models.map((m) => m.id))}.` }];
  }
  if (isRetired(model, on)) {
    const alt = alternativesTo(provider.id, model, on).slice(0, 3);
    return [
      {
        sceneId: null,
        field: 'model',
        message: `${model.label} was retired by ${provider.label} on ${model.retiresOn}.${alt.length ? ` Models that can do the same: ${list(alt.map((a) => a.label))}.` : ''} Switching keeps every scene's prompt, images and takes.`,
      },
    ];
  }
  if (!model.sizes.includes(project.size)) {
    return [{ sceneId: null, field: 'size', message: `${model.id} cannot render ${project.size}. Allowed sizes: ${list(model.sizes)}.` }];
  }
  return [];
}

/** `style` is optional so a caller that only has the scene still checks the scene's own prompt. */
export function sceneProblems(project: Pick<Project, 'provider' | 'model' | 'size'> & { style?: string; bible?: Project['bible'] }, scene: Pick<Scene, 'id' | 'prompt' | 'seconds' | 'referenceImage'>, index?: number, custom: CustomModels = []): Problem[] {
  const problems: Problem[] = [];
  const model = modelProfile(project.provider, project.model, custom);
  const name = index === undefined ? 'This scene' : `Scene ${index + 1}`;
  if (!scene.prompt.trim()) problems.push({ sceneId: scene.id, field: 'prompt', message: `${name} has no prompt.` });
  const sent = fullPrompt({ style: project.style ?? '', bible: project.bible }, scene).length;
  if (model?.maxPromptChars !== undefined && sent > model.maxPromptChars) {
    const withStyle = project.style?.trim() ? ' with the project style' : '';
    problems.push({
      sceneId: scene.id,
      field: 'prompt',
      message: `${name}'s prompt${withStyle} is ${sent.toLocaleString('en-US')} characters, but ${model.id} takes at most ${model.maxPromptChars.toLocaleString('en-US')}. Shorten the prompt${withStyle ? ' or the style' : ''}.`,
    });
  }
  if (model && !model.durations.includes(scene.seconds)) {
    const allowed = model.durations.length > 12 ? `${model.durations[0]}–${model.durations.at(-1)} s` : `${list(model.durations)} s`;
    problems.push({ sceneId: scene.id, field: 'seconds', message: `${name} is ${scene.seconds} s, but ${model.id} only makes ${allowed}.` });
  }
  if (model && scene.referenceImage && !model.imageInput.firstFrame) {
    problems.push({ sceneId: scene.id, field: 'referenceImage', message: `${name} has a reference image, but ${model.id} takes no image input.` });
  }
  return problems;
}

/** Every reason the given scenes cannot be generated as the project stands. Empty means go. */
/**
 * The provider and model a scene is generated with: its own (`provider`/`model` on the scene) or the
 * project's. A scene that names only a provider gets that provider's default model.
 */
export function sceneTarget(project: Pick<Project, 'provider' | 'model'>, scene: { provider?: string | undefined; model?: string | undefined }): { provider: string; model: string } {
  const provider = scene.provider ?? project.provider;
  const model = scene.model ?? (scene.provider && scene.provider !== project.provider ? (providerProfile(scene.provider)?.defaultModel ?? project.model) : project.model);
  return { provider, model };
}

export function generationProblems(project: Project, sceneIds?: string[], custom: CustomModels = []): Problem[] {
  const problems = projectProblems(project, custom);
  if (problems.length) return problems;
  project.scenes.forEach((scene, i) => {
    if (sceneIds && !sceneIds.includes(scene.id)) return;
    const target = sceneTarget(project, scene);
    if (target.provider === project.provider && target.model === project.model) {
      problems.push(...sceneProblems(project, scene, i, custom));
      return;
    }
    // A scene on its own provider/model: that model must exist and render the project's frame size.
    const own = { ...project, ...target };
    const head = projectProblems(own, custom).map((p) => ({ ...p, sceneId: scene.id, message: `Scene ${i + 1}: ${p.message}` }));
    problems.push(...(head.length ? head : sceneProblems(own, scene, i, custom)));
  });
  return problems;
}

export interface CostLine {
  sceneId: string;
  seconds: number;
  takes: number;
  usd: number;
}
export interface Estimate {
  provider: string;
  model: string;
  pricePerSecond: number;
  lines: CostLine[];
  totalSeconds: number;
  totalUsd: number;
}

export function pricePerSecond(providerId: string, model: string, size: string, custom: CustomModels = []): number {
  const profile = modelProfile(providerId, model, custom);
  return profile?.pricePerSecond[size] ?? 0;
}

/**
 * What generating `takes` takes of each listed scene would cost at list price. Each scene's seconds come
 * from the timeline (what is asked of the provider); `totalSeconds` is the video to be made and paid for,
 * takes included, not the film's length.
 */
export function estimateCost(project: Project, sceneIds: string[], takes = 1, custom: CustomModels = []): Estimate {
  const price = pricePerSecond(project.provider, project.model, project.size, custom);
  // Each scene at its own provider's price when it has one, so a film that mixes providers adds up.
  const priceOf = (sceneId: string): number => {
    const scene = project.scenes.find((s) => s.id === sceneId);
    const t = scene ? sceneTarget(project, scene) : project;
    return t.provider === project.provider && t.model === project.model ? price : pricePerSecond(t.provider, t.model, project.size, custom);
  };
  const lines = buildTimeline(project)
    .scenes.filter((s) => sceneIds.includes(s.sceneId))
    .map((s) => ({ sceneId: s.sceneId, seconds: s.planned, takes, usd: roundUsd(priceOf(s.sceneId) * s.planned * takes) }));
  return {
    provider: project.provider,
    model: project.model,
    pricePerSecond: price,
    lines,
    totalSeconds: lines.reduce((a, l) => a + l.seconds * l.takes, 0),
    totalUsd: roundUsd(lines.reduce((a, l) => a + l.usd, 0)),
  };
}

export function roundUsd(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Dollars for people: cents, or tenths of a cent when the amount has them (a $0.035/s price). */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$—';
  const cents = Math.round(usd * 100);
  if (Math.abs(usd * 100 - cents) > 1e-6 && Math.abs(usd) < 10) return `$${usd.toFixed(3)}`;
  return `$${(cents / 100).toFixed(2)}`;
}
