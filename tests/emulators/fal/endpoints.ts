// The fal endpoint ids the emulator serves, each with its input schema (what fal's pydantic models check:
// required fields, types, allowed values; extra fields are refused so an adapter cannot send a field a
// model does not take without noticing), its output size, duration, audio and price per second.
//
// Followed: ../shared/reference/PROVIDERS.md §2 (fields per model family, "verify" notes), fal's per-endpoint
// llms.txt pages as quoted there, and fal-ai/fal-js (queue URLs: status/response/cancel under {owner}/{alias}).
// Durations, resolutions and prices marked "verify" in PROVIDERS.md are the emulator's best reading; a
// profile in the app must not copy them from here as truth.
import { sizeFor } from '../kit/index.ts';

export interface FalEndpoint {
  id: string;
  /** `{owner}/{alias}`: the prefix of the status/response/cancel URLs. */
  app: string;
  schema: object;
  /** Fields holding image URLs (string or array of strings). */
  imageFields: string[];
  /** A field holding a video URL (extend). */
  videoField?: string;
  seconds(input: Record<string, unknown>): number;
  size(input: Record<string, unknown>): { width: number; height: number };
  audio(input: Record<string, unknown>): boolean;
  /** USD per second of output. */
  perSecond(input: Record<string, unknown>): number;
}

const str = { type: 'string' };
const prompt = { type: 'string', minLength: 1, maxLength: 5000 };
const bool = { type: 'boolean' };
const seed = { type: 'integer', minimum: 0, maximum: 4294967295 };
const url = { type: 'string', minLength: 1 };
const obj = (properties: Record<string, unknown>, required: string[]): object => ({ type: 'object', properties, required, additionalProperties: false });

const appOf = (id: string): string => id.split('/').slice(0, 2).join('/');

// ---- Kling 3: fal-ai/kling-video/v3/{standard|pro}/{text-to-video|image-to-video} ----
const KLING_DURATIONS = Array.from({ length: 13 }, (_, i) => String(i + 3)); // "3".."15"
function kling(tier: 'standard' | 'pro', mode: 'text-to-video' | 'image-to-video'): FalEndpoint {
  const common = {
    prompt,
    duration: { enum: KLING_DURATIONS },
    negative_prompt: str,
    generate_audio: bool,
    cfg_scale: { type: 'number', minimum: 0, maximum: 1 },
  };
  const schema =
    mode === 'text-to-video'
      ? obj({ ...common, aspect_ratio: { enum: ['16:9', '9:16', '1:1'] } }, ['prompt'])
      : obj({ ...common, start_image_url: url, end_image_url: url }, ['prompt', 'start_image_url']);
  const id = `fal-ai/kling-video/v3/${tier}/${mode}`;
  return {
    id,
    app: appOf(id),
    schema,
    imageFields: mode === 'image-to-video' ? ['start_image_url', 'end_image_url'] : [],
    seconds: (i) => Number(i.duration ?? '5'),
    size: (i) => sizeFor(String(i.aspect_ratio ?? '16:9'), tier === 'pro' ? '1080p' : '720p'),
    audio: (i) => i.generate_audio !== false,
    // verify: read from fal's pages in 2026-11 as roughly $0.084/s (standard) and $0.112/s (pro), ×1.5 with audio.
    perSecond: (i) => (tier === 'pro' ? 0.112 : 0.084) * (i.generate_audio === false ? 1 : 1.5),
  };
}

// ---- Seedance 2.0: bytedance/seedance-2.0[/fast]/{text-to-video|image-to-video|reference-to-video} ----
function seedance(fast: boolean, mode: 'text-to-video' | 'image-to-video' | 'reference-to-video'): FalEndpoint {
  const ratios = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
  const common = {
    prompt,
    resolution: { enum: fast ? ['480p', '720p'] : ['480p', '720p', '1080p'] },
    duration: { enum: Array.from({ length: 12 }, (_, i) => String(i + 4)) }, // "4".."15"
    aspect_ratio: { enum: mode === 'image-to-video' ? [...ratios, 'auto'] : ratios },
    generate_audio: bool,
    camera_fixed: bool,
    seed,
    enable_safety_checker: bool,
  };
  const schema =
    mode === 'text-to-video'
      ? obj(common, ['prompt'])
      : mode === 'image-to-video'
        ? obj({ ...common, image_url: url, end_image_url: url }, ['prompt', 'image_url'])
        : obj({ ...common, reference_image_urls: { type: 'array', items: url, minItems: 1, maxItems: 9 } }, ['prompt', 'reference_image_urls']);
  const id = `bytedance/seedance-2.0${fast ? '/fast' : ''}/${mode}`;
  return {
    id,
    app: appOf(id),
    schema,
    imageFields: mode === 'image-to-video' ? ['image_url', 'end_image_url'] : mode === 'reference-to-video' ? ['reference_image_urls'] : [],
    seconds: (i) => Number(i.duration ?? '5'),
    size: (i) => sizeFor(String(i.aspect_ratio === 'auto' ? '16:9' : (i.aspect_ratio ?? '16:9')), String(i.resolution ?? '720p')),
    audio: (i) => i.generate_audio !== false,
    perSecond: () => (fast ? 0.24 : 0.3), // PROVIDERS.md: about $0.30/s, fast $0.24/s
  };
}

// ---- Veo 3.1: fal-ai/veo3.1[/fast][/image-to-video|/first-last-frame-to-video|/reference-to-video|/extend-video] ----
type VeoMode = 'text-to-video' | 'image-to-video' | 'first-last-frame-to-video' | 'reference-to-video' | 'extend-video';
function veo(fast: boolean, mode: VeoMode): FalEndpoint {
  const common = {
    prompt,
    duration: { enum: ['4s', '6s', '8s'] },
    resolution: { enum: ['720p', '1080p', '4k'] },
    aspect_ratio: { enum: mode === 'text-to-video' || mode === 'reference-to-video' ? ['16:9', '9:16'] : ['auto', '16:9', '9:16'] },
    generate_audio: bool,
    negative_prompt: str,
    seed,
    enhance_prompt: bool,
    auto_fix: bool,
  };
  const extra: Record<VeoMode, [Record<string, unknown>, string[]]> = {
    'text-to-video': [{}, []],
    'image-to-video': [{ image_url: url }, ['image_url']],
    'first-last-frame-to-video': [{ first_frame_url: url, last_frame_url: url }, ['first_frame_url', 'last_frame_url']],
    'reference-to-video': [{ image_urls: { type: 'array', items: url, minItems: 1, maxItems: 3 } }, ['image_urls']],
    'extend-video': [{ video_url: url }, ['video_url']],
  };
  const [props, req] = extra[mode];
  const id = `fal-ai/veo3.1${fast ? '/fast' : ''}${mode === 'text-to-video' ? '' : `/${mode}`}`;
  return {
    id,
    app: appOf(id),
    schema: obj({ ...common, ...props }, ['prompt', ...req]),
    imageFields: mode === 'image-to-video' ? ['image_url'] : mode === 'first-last-frame-to-video' ? ['first_frame_url', 'last_frame_url'] : mode === 'reference-to-video' ? ['image_urls'] : [],
    ...(mode === 'extend-video' ? { videoField: 'video_url' } : {}),
    seconds: (i) => Number.parseInt(String(i.duration ?? '8s'), 10),
    size: (i) => sizeFor(String(i.aspect_ratio === 'auto' || !i.aspect_ratio ? '16:9' : i.aspect_ratio), String(i.resolution ?? '720p')),
    audio: (i) => i.generate_audio !== false,
    // PROVIDERS.md: fast $0.10/s without audio, $0.15/s with (verify); standard read as $0.20 / $0.40 (verify).
    perSecond: (i) => (fast ? (i.generate_audio === false ? 0.1 : 0.15) : i.generate_audio === false ? 0.2 : 0.4),
  };
}

// ---- Wan 2.6: wan/v2.6/{image-to-video|text-to-video} ----
function wan(mode: 'image-to-video' | 'text-to-video'): FalEndpoint {
  const common = {
    prompt,
    resolution: { enum: ['720p', '1080p'] },
    duration: { enum: ['5', '10', '15'] },
    negative_prompt: str,
    seed,
    enable_prompt_expansion: bool,
    enable_safety_checker: bool,
    audio_url: url,
  };
  const schema = mode === 'image-to-video' ? obj({ ...common, image_url: url }, ['prompt', 'image_url']) : obj({ ...common, aspect_ratio: { enum: ['16:9', '9:16', '1:1', '4:3', '3:4'] } }, ['prompt']);
  const id = `wan/v2.6/${mode}`;
  return {
    id,
    app: appOf(id),
    schema,
    imageFields: mode === 'image-to-video' ? ['image_url'] : [],
    seconds: (i) => Number(i.duration ?? '5'),
    size: (i) => sizeFor(String(i.aspect_ratio ?? '16:9'), String(i.resolution ?? '1080p')),
    audio: () => true,
    perSecond: (i) => (String(i.resolution ?? '1080p') === '720p' ? 0.1 : 0.15), // verify
  };
}

export const FAL_ENDPOINTS: FalEndpoint[] = [
  ...(['standard', 'pro'] as const).flatMap((t) => (['text-to-video', 'image-to-video'] as const).map((m) => kling(t, m))),
  ...[false, true].flatMap((f) => (['text-to-video', 'image-to-video', 'reference-to-video'] as const).map((m) => seedance(f, m))),
  ...[false, true].flatMap((f) => (['text-to-video', 'image-to-video', 'first-last-frame-to-video', 'reference-to-video', 'extend-video'] as const).map((m) => veo(f, m))),
  wan('image-to-video'),
  wan('text-to-video'),
];

export function falEndpoint(id: string): FalEndpoint | undefined {
  return FAL_ENDPOINTS.find((e) => e.id === id);
}
