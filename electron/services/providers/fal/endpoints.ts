// fal endpoints: one table entry per endpoint id, saying how a scene's request becomes that endpoint's JSON
// input (fal checks each model's input with its own schema and refuses fields it does not know), and which
// endpoint of a model's family a scene goes to, chosen by its images.
//
// Source: ../shared/reference/PROVIDERS.md §2 (fields per family; durations and values marked "verify" there,
// live schema at https://fal.ai/models/{endpoint_id}/llms.txt).
import { AppError } from '../../../../shared/errors.ts';

export type FalMode = 'text-to-video' | 'image-to-video' | 'first-last-frame-to-video' | 'reference-to-video' | 'extend-video';

export interface FalEndpointSpec {
  id: string;
  mode: FalMode;
  /** `duration` as this endpoint wants it ("5", "8s"). */
  duration: (seconds: number) => string;
  /** Aspect ratios the endpoint's `aspect_ratio` takes; absent = no such field (the image decides). */
  aspects?: readonly string[];
  /** Whether the endpoint takes `resolution` ("720p", "1080p", "4k"). */
  resolution: boolean;
  /** Input fields per image role. `references` is an array field. */
  images: { first?: string; last?: string; references?: string; maxReferences?: number };
  /** `video_url` of a clip to continue (extend). */
  video?: string;
  generateAudio: boolean;
  negativePrompt: boolean;
  seed: boolean;
}

export interface FalFamily {
  /** The model id in shared/catalog/fal.ts. */
  model: string;
  endpoints: Partial<Record<FalMode, FalEndpointSpec>>;
}

const plain = (s: number): string => String(s);
const withS = (s: number): string => `${s}s`;

function kling(tier: 'standard' | 'pro'): FalFamily {
  const model = `fal-ai/kling-video/v3/${tier}`;
  const common = { duration: plain, resolution: false, generateAudio: true, negativePrompt: true, seed: false };
  return {
    model,
    endpoints: {
      'text-to-video': { id: `${model}/text-to-video`, mode: 'text-to-video', ...common, aspects: ['16:9', '9:16', '1:1'], images: {} },
      'image-to-video': { id: `${model}/image-to-video`, mode: 'image-to-video', ...common, images: { first: 'start_image_url', last: 'end_image_url' } },
    },
  };
}

function seedance(fast: boolean): FalFamily {
  const model = `bytedance/seedance-2.0${fast ? '/fast' : ''}`;
  const aspects = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
  const common = { duration: plain, resolution: true, aspects, generateAudio: true, negativePrompt: false, seed: true };
  return {
    model,
    endpoints: {
      'text-to-video': { id: `${model}/text-to-video`, mode: 'text-to-video', ...common, images: {} },
      'image-to-video': { id: `${model}/image-to-video`, mode: 'image-to-video', ...common, images: { first: 'image_url', last: 'end_image_url' } },
      'reference-to-video': { id: `${model}/reference-to-video`, mode: 'reference-to-video', ...common, images: { references: 'reference_image_urls', maxReferences: 9 } },
    },
  };
}

function veo(fast: boolean): FalFamily {
  const model = `fal-ai/veo3.1${fast ? '/fast' : ''}`;
  const common = { duration: withS, resolution: true, aspects: ['16:9', '9:16'], generateAudio: true, negativePrompt: true, seed: true };
  return {
    model,
    endpoints: {
      'text-to-video': { id: model, mode: 'text-to-video', ...common, images: {} },
      'image-to-video': { id: `${model}/image-to-video`, mode: 'image-to-video', ...common, images: { first: 'image_url' } },
      'first-last-frame-to-video': { id: `${model}/first-last-frame-to-video`, mode: 'first-last-frame-to-video', ...common, images: { first: 'first_frame_url', last: 'last_frame_url' } },
      'reference-to-video': { id: `${model}/reference-to-video`, mode: 'reference-to-video', ...common, images: { references: 'image_urls', maxReferences: 3 } },
      'extend-video': { id: `${model}/extend-video`, mode: 'extend-video', ...common, images: {}, video: 'video_url' },
    },
  };
}

function wan26(): FalFamily {
  const common = { duration: plain, resolution: true, generateAudio: false, negativePrompt: true, seed: true };
  return {
    model: 'wan/v2.6',
    endpoints: {
      'text-to-video': { id: 'wan/v2.6/text-to-video', mode: 'text-to-video', ...common, aspects: ['16:9', '9:16', '1:1', '4:3', '3:4'], images: {} },
      'image-to-video': { id: 'wan/v2.6/image-to-video', mode: 'image-to-video', ...common, images: { first: 'image_url' } },
    },
  };
}

export const FAL_FAMILIES: readonly FalFamily[] = [kling('standard'), kling('pro'), seedance(false), seedance(true), veo(false), veo(true), wan26()];

export function falFamily(model: string): FalFamily | undefined {
  return FAL_FAMILIES.find((f) => f.model === model);
}

const refuse = (message: string): AppError => new AppError('UnsupportedByModel', message, { retryable: false });

/** The endpoint of `model`'s family that takes these images, or a refusal in words (before anything is sent). */
export function routeFor(model: string, roles: { first: number; last: number; references: number }): FalEndpointSpec {
  const fam = falFamily(model);
  if (!fam) throw refuse(`fal has no model "${model}" in Storyreel's catalogue.`);
  const e = fam.endpoints;
  if (roles.first > 1 || roles.last > 1) throw refuse('A scene takes at most one first frame and one last frame.');
  if (roles.references > 0) {
    if (roles.first || roles.last) throw refuse(`${model} takes reference images or first/last frames, not both in one scene.`);
    const r = e['reference-to-video'];
    if (!r) throw refuse(`${model} takes no reference images.`);
    if (roles.references > (r.images.maxReferences ?? 1)) throw refuse(`${model} takes at most ${r.images.maxReferences} reference images.`);
    return r;
  }
  if (roles.last && !roles.first) throw refuse(`${model} needs a first frame with a last frame.`);
  if (roles.first && roles.last) {
    const both = [e['image-to-video'], e['first-last-frame-to-video']].find((x) => x?.images.first && x.images.last);
    if (!both) throw refuse(`${model} takes a first frame but no last frame.`);
    return both;
  }
  if (roles.first) {
    const i2v = e['image-to-video'];
    if (!i2v) throw refuse(`${model} takes no image input.`);
    return i2v;
  }
  const t2v = e['text-to-video'];
  if (!t2v) throw refuse(`${model} needs a first frame.`);
  return t2v;
}

/** "1280x720" → aspect ratio (the nearest one the endpoint takes) and resolution ("720p"; 2160 → "4k"). */
export function aspectAndResolution(size: string, aspects: readonly string[] = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9']): { aspect: string; resolution: string } {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new AppError('InvalidInput', `"${size}" is not a size like 1280x720.`);
  const w = Number(m[1]);
  const h = Number(m[2]);
  const short = Math.min(w, h);
  const ratio = w / h;
  const value = (a: string): number => {
    const [x, y] = a.split(':').map(Number) as [number, number];
    return x / y;
  };
  const aspect = [...aspects].sort((a, b) => Math.abs(Math.log(value(a) / ratio)) - Math.abs(Math.log(value(b) / ratio)))[0] ?? '16:9';
  return { aspect, resolution: short >= 2160 ? '4k' : `${short}p` };
}

export interface FalInputParts {
  prompt: string;
  seconds: number;
  size: string;
  negativePrompt?: string | null;
  seed?: number | null;
  audio?: boolean | null;
  /** Image URLs (uploaded or data: URIs) by role. */
  first?: string;
  last?: string;
  references?: string[];
  video?: string;
}

/** The endpoint's JSON input: only the fields it takes. */
export function falInput(ep: FalEndpointSpec, p: FalInputParts): Record<string, unknown> {
  let prompt = p.prompt;
  const neg = p.negativePrompt?.trim();
  // A negative prompt the endpoint does not take natively is folded into the prompt.
  if (neg && !ep.negativePrompt) prompt = `${prompt}\n\nAvoid: ${neg}`;
  const input: Record<string, unknown> = { prompt, duration: ep.duration(p.seconds) };
  const { aspect, resolution } = aspectAndResolution(p.size, ep.aspects);
  if (ep.aspects) input.aspect_ratio = aspect;
  if (ep.resolution) input.resolution = resolution;
  if (ep.generateAudio && p.audio !== null && p.audio !== undefined) input.generate_audio = p.audio;
  if (ep.negativePrompt && neg) input.negative_prompt = neg;
  if (ep.seed && p.seed !== null && p.seed !== undefined) input.seed = p.seed;
  if (ep.images.first && p.first) input[ep.images.first] = p.first;
  if (ep.images.last && p.last) input[ep.images.last] = p.last;
  if (ep.images.references && p.references?.length) input[ep.images.references] = p.references;
  if (ep.video && p.video) input[ep.video] = p.video;
  return input;
}
