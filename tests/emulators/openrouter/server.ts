// Emulator of OpenRouter's video generation API (/api/v1/videos), a catalogue gateway that reports real costs.
//
// Contract followed (../shared/reference/PROVIDERS.md §5 and §1's note on OpenRouter's variant; openrouter.ai
// docs "Video Generation API" and the @openrouter/sdk models VideoGenerationResponse / VideoModel /
// VideoModelsListResponse, read 2026-12):
// - {base} = http://127.0.0.1:PORT/api/v1. `Authorization: Bearer <OPENROUTER_API_KEY>`.
// - POST {base}/videos { model, prompt, duration, resolution, aspect_ratio, generate_audio?, seed?,
//   frame_images?: [{ type:"image_url", image_url:{url}, frame_type:"first_frame"|"last_frame" }],
//   input_references?: [{ type:"image_url", image_url:{url} }], callback_url?, provider? }
//   → 202 { id, polling_url: "/api/v1/videos/{id}" (relative), status: "pending" }.
// - GET {base}/videos/{id} → { id, polling_url, status: pending|in_progress|completed|failed|cancelled|expired,
//   generation_id?, unsigned_urls?: ["{base}/videos/{id}/content?index=0"], urls?: [signed storage URL],
//   usage?: { cost, is_byok }, error?: string }.
// - GET {base}/videos/{id}/content?index=0 with the Authorization header → the MP4.
// - GET {base}/videos/models → { data: [VideoModel] } with supported_durations, supported_resolutions,
//   supported_aspect_ratios, supported_frame_images, generate_audio, seed, pricing_skus (also served as
//   GET {base}/models?output_modalities=video). Requests are checked against these capabilities.
// - Errors: { error: { code: <HTTP status>, message, metadata? } }; 402 when credits run out.
// The pricing_skus keys ("video_per_second_720p", …) are the emulator's own naming: the docs name the field
// but the key format was not found; an adapter must not depend on it without checking the live catalogue.
import { createHmac, randomBytes } from 'node:crypto';
import {
  afterCreateFaults,
  checkSchema,
  decodeDataUri,
  imageInfo,
  KIT_FAULTS_ALL,
  makeCore,
  parseJsonObject,
  preFaults,
  rng,
  roundUsd,
  sendBytes,
  sendJson,
  sizeFor,
  startKitServer,
} from '../kit/index.ts';
import type { Ctx, KitEmulator, KitFaults, KitJob, KitOptions, RouteRef, SchemaIssue } from '../kit/index.ts';

export interface OpenRouterVideoModel {
  id: string;
  name: string;
  supported_durations: number[];
  supported_resolutions: string[];
  supported_aspect_ratios: string[];
  supported_frame_images: string[];
  generate_audio: boolean;
  /** Whether a seed is taken. */
  seed: boolean;
  max_input_references: number;
  /** USD per second by resolution. */
  perSecond: Record<string, number>;
}

/** The catalogue the emulator serves (durations, sizes and prices read from OpenRouter pages in 2026-11/12; verify). */
export const OPENROUTER_MODELS: OpenRouterVideoModel[] = [
  { id: 'google/veo-3.1', name: 'Google: Veo 3.1', supported_durations: [4, 6, 8], supported_resolutions: ['720p', '1080p'], supported_aspect_ratios: ['16:9', '9:16'], supported_frame_images: ['first_frame', 'last_frame'], generate_audio: true, seed: true, max_input_references: 3, perSecond: { '720p': 0.4, '1080p': 0.5 } },
  { id: 'google/veo-3.1-fast', name: 'Google: Veo 3.1 Fast', supported_durations: [4, 6, 8], supported_resolutions: ['720p', '1080p'], supported_aspect_ratios: ['16:9', '9:16'], supported_frame_images: ['first_frame', 'last_frame'], generate_audio: true, seed: true, max_input_references: 0, perSecond: { '720p': 0.15, '1080p': 0.15 } },
  { id: 'bytedance/seedance-2.0', name: 'ByteDance: Seedance 2.0', supported_durations: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], supported_resolutions: ['480p', '720p', '1080p'], supported_aspect_ratios: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'], supported_frame_images: ['first_frame', 'last_frame'], generate_audio: true, seed: true, max_input_references: 9, perSecond: { '480p': 0.12, '720p': 0.3, '1080p': 0.65 } },
  { id: 'alibaba/wan-2.7', name: 'Alibaba: Wan 2.7', supported_durations: [5, 10, 15], supported_resolutions: ['720p', '1080p'], supported_aspect_ratios: ['16:9', '9:16', '1:1'], supported_frame_images: ['first_frame', 'last_frame'], generate_audio: true, seed: true, max_input_references: 3, perSecond: { '720p': 0.04, '1080p': 0.06 } },
  { id: 'alibaba/wan-2.6', name: 'Alibaba: Wan 2.6', supported_durations: [5, 10, 15], supported_resolutions: ['720p', '1080p'], supported_aspect_ratios: ['16:9', '9:16', '1:1'], supported_frame_images: ['first_frame'], generate_audio: false, seed: false, max_input_references: 0, perSecond: { '720p': 0.04, '1080p': 0.06 } },
];

export interface OpenRouterOptions extends KitOptions {
  /**
   * The reported `usage.cost` differs from the list price by up to ± this fraction (seeded, per job), as real
   * bills do (provider routing, rounding). Default 0: cost = list price × seconds.
   */
  costVariance?: number;
  /** Credits left (USD). A create that could not be paid answers 402. Default: unlimited. */
  creditsUsd?: number;
  /** The catalogue served (and checked against); default OPENROUTER_MODELS. */
  models?: OpenRouterVideoModel[];
}

export interface OpenRouterEmulator extends KitEmulator {
  /** The job as GET would show it now. */
  video(id: string): Record<string, unknown> | undefined;
  /** Changes the catalogue from now on (a price or a duration moved, a model came or went). */
  setModels(models: OpenRouterVideoModel[]): void;
}

export const OPENROUTER_FAULTS_ALL: KitFaults = {
  ...KIT_FAULTS_ALL,
  offSpecStatus: [{ word: 'OFFSPEC_STATUS', status: 'processing' }],
};

interface OrJob {
  model: OpenRouterVideoModel;
  resolution: string;
  aspect: string;
  generationId: string;
}

const ROUTES = {
  create: { name: 'create', kind: 'create' },
  get: { name: 'get', kind: 'poll' },
  content: { name: 'content', kind: 'download' },
  storage: { name: 'storage', kind: 'download' },
  models: { name: 'models', kind: 'other' },
} satisfies Record<string, RouteRef>;

const imageRef = { type: 'object', required: ['type', 'image_url'], additionalProperties: false, properties: { type: { const: 'image_url' }, image_url: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', minLength: 1 } } } } };
const CREATE_SCHEMA = {
  type: 'object',
  required: ['model', 'prompt'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string', minLength: 1 },
    duration: { type: 'integer' },
    resolution: { type: 'string' },
    aspect_ratio: { type: 'string' },
    size: { type: 'string', pattern: '^\\d+x\\d+$' },
    generate_audio: { type: 'boolean' },
    seed: { type: 'integer' },
    frame_images: { type: 'array', items: { ...imageRef, required: ['type', 'image_url', 'frame_type'], properties: { ...imageRef.properties, frame_type: { enum: ['first_frame', 'last_frame'] } } } },
    input_references: { type: 'array', items: imageRef },
    callback_url: { type: 'string', minLength: 1 },
    provider: { type: 'object' },
  },
};

function catalogueEntry(m: OpenRouterVideoModel): Record<string, unknown> {
  return {
    id: m.id,
    canonical_slug: m.id,
    name: m.name,
    created: 1_767_225_600,
    description: `${m.name} (emulated)`,
    generate_audio: m.generate_audio,
    seed: m.seed ? true : null,
    supported_durations: m.supported_durations,
    supported_resolutions: m.supported_resolutions,
    supported_aspect_ratios: m.supported_aspect_ratios,
    supported_frame_images: m.supported_frame_images,
    supported_sizes: null,
    allowed_passthrough_parameters: [],
    pricing_skus: Object.fromEntries(Object.entries(m.perSecond).map(([res, usd]) => [`video_per_second_${res}`, String(usd)])),
  };
}

export async function startOpenRouterEmulator(opts: OpenRouterOptions = {}): Promise<OpenRouterEmulator> {
  const apiKey = opts.apiKey ?? 'sk-or-emulator-key';
  let catalogue = opts.models ?? OPENROUTER_MODELS;
  // eslint-disable-next-line prefer-const
  let server: Awaited<ReturnType<typeof startKitServer>>;
  const core = makeCore<OrJob>(opts, 3_600_000, () => server.requests);
  const { jobs, plan, log, media, stats, now } = core;
  const costRandom = rng((opts.seed ?? 1) + 7919);
  const signKey = randomBytes(16);
  let base = '';

  const fail = (ctx: Ctx, code: number, message: string, metadata?: Record<string, unknown>, headers: Record<string, string> = {}): void => sendJson(ctx, code, { error: { code, message, ...(metadata ? { metadata } : {}) } }, headers);
  const invalid = (ctx: Ctx, message: string, metadata?: Record<string, unknown>): void => {
    ctx.rec.validation = 'invalid';
    ctx.rec.validationError = message;
    stats.invalidRequests++;
    fail(ctx, 400, message, metadata);
  };
  const shapes = {
    rateLimited: (s: number) => ({ body: { error: { code: 429, message: 'Rate limit exceeded: too many requests. Please retry shortly.' } }, headers: { 'retry-after': String(s) } }),
    serverError: (status: number) => ({ error: { code: status, message: status === 502 ? 'Provider returned error' : 'Internal Server Error' } }),
  };
  const authed = (ctx: Ctx): boolean => {
    const auth = ctx.req.headers.authorization ?? '';
    if (auth === `Bearer ${apiKey}`) return true;
    fail(ctx, 401, auth ? 'User not found.' : 'No auth credentials found');
    return false;
  };

  const statusOf = (job: KitJob<OrJob>): string => {
    if (job.forcedStatus) return job.forcedStatus;
    const ph = jobs.phase(job);
    if (ph === 'done' && jobs.contentExpired(job)) return 'expired';
    return ph === 'queued' ? 'pending' : ph === 'running' ? 'in_progress' : ph === 'done' ? 'completed' : ph === 'moderated' ? 'failed' : ph === 'cancelled' ? 'cancelled' : (job.offSpec ?? 'failed');
  };
  const pollingUrl = (id: string): string => `/api/v1/videos/${id}`;
  const storageUrl = (job: KitJob<OrJob>): string => {
    const exp = Math.floor(jobs.expiresAtMs(job) / 1000);
    const sig = createHmac('sha256', signKey).update(`${job.id}:${exp}`).digest('hex').slice(0, 32);
    return `${server.url}/or-storage/${job.id}/0.mp4?expires=${exp}&signature=${sig}`;
  };
  const view = (job: KitJob<OrJob>): Record<string, unknown> => {
    const status = statusOf(job);
    const out: Record<string, unknown> = { id: job.id, polling_url: pollingUrl(job.id), status };
    if (status === 'completed' || status === 'failed' || status === 'expired') out.generation_id = job.data.generationId;
    if (status === 'completed') {
      out.unsigned_urls = [`${base}/videos/${job.id}/content?index=0`];
      out.urls = [storageUrl(job)];
    }
    if (status === 'completed' || status === 'expired') out.usage = { cost: job.priceUsd, is_byok: false };
    if (status === 'failed' && jobs.phase(job) === 'moderated') out.error = 'Content moderation: the request was flagged by the provider\'s safety system and was not generated. You were not charged.';
    return out;
  };

  async function create(ctx: Ctx): Promise<void> {
    const route = ROUTES.create;
    ctx.rec.route = route.name;
    const parsed = parseJsonObject(ctx);
    if (!authed(ctx)) return;
    if (await preFaults(ctx, route, plan, log, shapes)) return;
    if ('error' in parsed) return invalid(ctx, parsed.error);
    const body = parsed.value;
    const issue: SchemaIssue | null = checkSchema(CREATE_SCHEMA, body);
    if (issue) {
      const field = issue.path.join('.');
      const msg = issue.keyword === 'required' ? `${field} is required` : issue.keyword === 'additionalProperties' ? `Unrecognized key: "${field}"` : issue.keyword === 'enum' || issue.keyword === 'const' ? `${field}: Invalid option: expected one of ${(issue.allowed ?? []).map((v) => JSON.stringify(v)).join('|')}` : `${field}: ${issue.message}`;
      return invalid(ctx, `Invalid request: ${msg}`, { param: field });
    }
    const model = catalogue.find((m) => m.id === body.model);
    if (!model) return invalid(ctx, `${String(body.model)} is not a valid model ID`, { param: 'model' });
    const allowed = (param: string, value: unknown, list: unknown[]): boolean => {
      if (value === undefined || list.includes(value)) return true;
      invalid(ctx, `Invalid request: ${param} ${JSON.stringify(value)} is not supported by ${model.id}; supported: ${list.map((v) => JSON.stringify(v)).join(', ')}`, { param, supported: list });
      return false;
    };
    if (!allowed('duration', body.duration, model.supported_durations)) return;
    if (!allowed('resolution', body.resolution, model.supported_resolutions)) return;
    if (!allowed('aspect_ratio', body.aspect_ratio, model.supported_aspect_ratios)) return;
    if (body.size !== undefined) return invalid(ctx, `Invalid request: size is not supported by ${model.id}; use resolution and aspect_ratio`, { param: 'size' });
    if (body.generate_audio === true && !model.generate_audio) return invalid(ctx, `Invalid request: generate_audio is not supported by ${model.id}`, { param: 'generate_audio' });
    if (body.seed !== undefined && !model.seed) return invalid(ctx, `Invalid request: seed is not supported by ${model.id}`, { param: 'seed' });
    const frames = (body.frame_images ?? []) as Array<{ image_url: { url: string }; frame_type: string }>;
    const types = frames.map((f) => f.frame_type);
    for (const t of types) if (!allowed('frame_images.frame_type', t, model.supported_frame_images)) return;
    if (new Set(types).size !== types.length) return invalid(ctx, 'Invalid request: each frame_type may appear once in frame_images', { param: 'frame_images' });
    if (types.includes('last_frame') && !types.includes('first_frame')) return invalid(ctx, 'Invalid request: a last_frame needs a first_frame', { param: 'frame_images' });
    const refs = (body.input_references ?? []) as Array<{ image_url: { url: string } }>;
    if (refs.length > model.max_input_references) return invalid(ctx, `Invalid request: ${model.id} takes at most ${model.max_input_references} input_references`, { param: 'input_references' });
    for (const [i, u] of [...frames.map((f) => f.image_url.url), ...refs.map((r) => r.image_url.url)].entries()) {
      const d = decodeDataUri(u);
      if (d ? !imageInfo(d.bytes) : !/^https?:\/\//.test(u)) return invalid(ctx, `Invalid request: image ${i} is neither an http(s) URL nor a base64 data URI of a PNG, JPEG or WebP image`, { param: 'frame_images' });
    }
    const duration = Number(body.duration ?? model.supported_durations[0]);
    const resolution = String(body.resolution ?? model.supported_resolutions[0]);
    const aspect = String(body.aspect_ratio ?? model.supported_aspect_ratios[0]);
    const list = (model.perSecond[resolution] ?? 0) * duration;
    const variance = opts.costVariance ?? 0;
    const cost = roundUsd(list * (1 + (costRandom() * 2 - 1) * variance));
    if (opts.creditsUsd !== undefined) {
      const spent = jobs.order.filter((j) => statusOf(j) !== 'failed' && statusOf(j) !== 'cancelled').reduce((s, j) => s + j.priceUsd, 0);
      if (spent + cost > opts.creditsUsd) {
        ctx.rec.validation = 'valid';
        return fail(ctx, 402, 'Insufficient credits. Add more using https://openrouter.ai/settings/credits');
      }
    }
    ctx.rec.validation = 'valid';
    const prompt = String(body.prompt);
    const size = sizeFor(aspect, resolution);
    const job = jobs.create({
      idPrefix: '',
      id: `vid_${randomBytes(12).toString('hex')}`,
      prompt,
      seconds: duration,
      width: size.width,
      height: size.height,
      audio: model.generate_audio && body.generate_audio !== false,
      priceUsd: cost,
      data: { model, resolution, aspect, generationId: `gen-${Math.floor(now() / 1000)}-${randomBytes(10).toString('hex')}` },
    });
    core.counted(job);
    log(`#${ctx.rec.seq} created ${job.id} (${duration}s ${size.width}x${size.height} "${prompt.slice(0, 40)}")`);
    if (afterCreateFaults(ctx, route, plan, log, shapes.serverError)) return;
    sendJson(ctx, 202, { id: job.id, polling_url: pollingUrl(job.id), status: 'pending' });
  }

  async function handle(ctx: Ctx): Promise<void> {
    const p = ctx.url.pathname;
    const m = ctx.method;
    if ((p === '/api/v1/videos/models' || p === '/api/v1/models') && m === 'GET') {
      ctx.rec.route = ROUTES.models.name;
      if (await preFaults(ctx, ROUTES.models, plan, log, shapes)) return;
      const om = ctx.url.searchParams.get('output_modalities');
      if (p === '/api/v1/models' && om !== 'video') return sendJson(ctx, 200, { data: [] });
      return sendJson(ctx, 200, { data: catalogue.map(catalogueEntry) });
    }
    if (p === '/api/v1/videos' && m === 'POST') return create(ctx);
    let r = /^\/or-storage\/([^/]+)\/0\.mp4$/.exec(p);
    if (r && m === 'GET') {
      ctx.rec.route = ROUTES.storage.name;
      if (await preFaults(ctx, ROUTES.storage, plan, log, shapes)) return;
      const job = jobs.get(r[1] ?? '');
      const want = job ? new URL(storageUrl(job)).searchParams : null;
      if (!job || statusOf(job) !== 'completed' || ctx.url.searchParams.get('signature') !== want?.get('signature') || ctx.url.searchParams.get('expires') !== want?.get('expires')) return sendJson(ctx, 403, { error: { code: 403, message: 'Invalid or expired signature' } });
      return sendBytes(ctx, await media.video(job.seconds, job.width, job.height, job.audio), 'video/mp4', { plan, route: ROUTES.storage, log });
    }
    r = /^\/api\/v1\/videos\/([^/]+)(\/content)?$/.exec(p);
    if (r && m === 'GET') {
      const route = r[2] ? ROUTES.content : ROUTES.get;
      ctx.rec.route = route.name;
      if (!authed(ctx)) return;
      if (await preFaults(ctx, route, plan, log, shapes)) return;
      const id = decodeURIComponent(r[1] ?? '');
      const job = jobs.get(id);
      if (!job) return fail(ctx, 404, `Video generation job ${id} not found`);
      if (route === ROUTES.get) return sendJson(ctx, 200, view(job));
      const q = ctx.url.searchParams;
      const unknown = [...q.keys()].find((k) => k !== 'index');
      if (unknown) return invalid(ctx, `Invalid request: unknown query parameter ${unknown}`, { param: unknown });
      const index = q.get('index') ?? '0';
      if (!/^\d+$/.test(index)) return invalid(ctx, 'Invalid request: index must be a non-negative integer', { param: 'index' });
      ctx.rec.validation = 'valid';
      const st = statusOf(job);
      if (st === 'expired') return fail(ctx, 410, `The outputs of video ${id} have expired`);
      if (st !== 'completed') return fail(ctx, 409, `Video ${id} is ${st}; content is available once it is completed`);
      if (index !== '0') return fail(ctx, 404, `Video ${id} has no output at index ${index}`);
      return sendBytes(ctx, await media.video(job.seconds, job.width, job.height, job.audio), 'video/mp4', { plan, route, log });
    }
    if (!authed(ctx)) return;
    return fail(ctx, 404, `Not Found: ${m} ${p}`);
  }

  server = await startKitServer({ port: opts.port, now, log, handle, onError: (ctx) => fail(ctx, 500, 'Internal Server Error') });
  base = `${server.url}/api/v1`;
  log(`listening on ${base}`);
  const common = core.common(server, apiKey, base);
  return {
    ...common,
    video(id) {
      const j = jobs.get(id);
      return j ? view(j) : undefined;
    },
    setModels(models) {
      catalogue = models;
    },
  };
}
