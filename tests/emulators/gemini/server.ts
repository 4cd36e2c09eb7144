// Emulator of Gemini Omni on the Gemini API's Interactions API (generativelanguage.googleapis.com).
//
// Contract followed (../shared/reference/PROVIDERS.md §3; request/response shapes cross-read with the official
// SDKs' Interactions types — googleapis/js-genai `interactions`, python-genai `_interactions` — as far as the
// public sources go):
// - POST {base}/v1beta/interactions with `x-goog-api-key` (or `?key=`), body
//   { model, input: "<prompt>" | [ {type:"text", text}, {type:"image", data|uri, mime_type, role?}, {type:"video", …} ],
//     response_format: { type:"video", aspect_ratio?, resolution?, duration?: "4s", delivery?: "uri"|"inline" },
//     background: true, previous_interaction_id?, generation_config?: { seed } }
//   → 200 the interaction { id, model, status, created, updated, … }.
// - GET {base}/v1beta/interactions/{id} → status queued | in_progress | completed | failed | cancelled (the SDK
//   also lists requires_action, incomplete, budget_exceeded). When completed the video is a content item
//   { type:"video", mime_type:"video/mp4", uri:"files/…" } (or inline `data`); it is given both in `outputs`
//   (the SDK's field) and in `steps[].content` (PROVIDERS.md's wording) — see the report on this ambiguity.
//   usage.output_tokens_by_modality carries the billed video tokens.
// - GET {base}/v1beta/files/{name}:download?alt=media with the key header → the MP4 (403 without a key);
//   files are kept 2 days.
// - POST {base}/v1beta/interactions/{id}/cancel; DELETE {base}/v1beta/interactions/{id}.
// - POST {base}/v1beta/models/{model}:generateContent on a video model → 400 (video is not made there).
// - Errors: google.rpc.Status { error: { code, message, status, details? } }; 429 RESOURCE_EXHAUSTED carries a
//   google.rpc.RetryInfo detail instead of a Retry-After header; 404 NOT_FOUND for a retired or unknown model.
// - A safety block ends the interaction `failed` with error { code, message, status, details: [ErrorInfo
//   reason "SAFETY"] } (PROVIDERS.md says verify the exact field: this is the emulator's reading).
//
// PROVIDERS.md does not say how an image is marked as first frame, last frame or reference. The emulator takes
// an optional `role` on image items ("first_frame" | "last_frame" | "reference", default "reference") and
// checks: one first frame at most, one last frame at most and only with a first frame, up to 3 reference
// images and 3 reference videos. Abilities of 1.1 Flash: 3–10 s; 16:9 and 9:16; 360p/720p/1080p/4k; extend by
// previous_interaction_id up to 40 s in all.
import { randomBytes } from 'node:crypto';
import {
  afterCreateFaults,
  checkSchema,
  imageInfo,
  KIT_FAULTS_ALL,
  makeCore,
  parseJsonObject,
  preFaults,
  roundUsd,
  sendBytes,
  sendJson,
  sizeFor,
  startKitServer,
} from '../kit/index.ts';
import type { Ctx, KitEmulator, KitFaults, KitJob, KitOptions, RouteRef, SchemaIssue } from '../kit/index.ts';

export const GEMINI_VIDEO_MODELS = ['gemini-omni-1.1-flash'];
/** Shut down on the Gemini API (PROVIDERS.md §0): answered 404 like any unknown model. */
export const GEMINI_RETIRED_MODELS = ['veo-2.0-generate-001', 'veo-3.0-generate-001', 'veo-3.0-fast-generate-001', 'veo-3.1-generate-preview', 'veo-3.1-fast-generate-preview'];
/** Text models that exist but cannot make video (400 when asked for a video response). */
const TEXT_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-flash-preview'];

/** USD per second by resolution (PROVIDERS.md: about $0.10/s at 720p, verify); billed as video output tokens. */
export const GEMINI_PRICE_PER_SECOND: Record<string, number> = { '360p': 0.04, '720p': 0.1, '1080p': 0.15, '4k': 0.3 };
/** The emulator's token rate: $100 per million video output tokens, so 720p costs 1000 tokens a second. */
export const GEMINI_USD_PER_TOKEN = 100 / 1_000_000;
const MAX_CHAIN_SECONDS = 40;
const INLINE_LIMIT = 4 * 1024 * 1024;

export const GEMINI_FAULTS_ALL: KitFaults = {
  ...KIT_FAULTS_ALL,
  offSpecStatus: [
    { word: 'OFFSPEC_STATUS', status: 'expired' },
    { word: 'INCOMPLETE', status: 'incomplete' },
    { word: 'BUDGET', status: 'budget_exceeded' },
  ],
};

export interface GeminiEmulator extends KitEmulator {
  /** The interaction as GET would show it now. */
  interaction(id: string): Promise<Record<string, unknown> | undefined>;
}

interface GemJob {
  model: string;
  input: unknown;
  aspect: string;
  resolution: string;
  /** Seconds this interaction adds (the whole clip for a fresh one). */
  addSeconds: number;
  delivery: 'uri' | 'inline';
  fileName: string;
  previous: string | null;
  images: { first: boolean; last: boolean; references: number; videos: number };
  seed: number | null;
}

const ROUTES = {
  create: { name: 'create', kind: 'create' },
  get: { name: 'get', kind: 'poll' },
  cancel: { name: 'cancel', kind: 'other' },
  delete: { name: 'delete', kind: 'other' },
  download: { name: 'download', kind: 'download' },
  file: { name: 'file', kind: 'poll' },
  generateContent: { name: 'generateContent', kind: 'other' },
} satisfies Record<string, RouteRef>;

const STATUS_BY_CODE: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };
const rpc = (code: number, message: string, status = STATUS_BY_CODE[code] ?? 'UNKNOWN', details?: unknown[]): { error: Record<string, unknown> } => ({ error: { code, message, status, ...(details ? { details } : {}) } });

const item = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['text', 'image', 'video', 'audio'] } },
  allOf: [
    { if: { properties: { type: { const: 'text' } } }, then: { properties: { type: true, text: { type: 'string', minLength: 1 } }, required: ['text'], additionalProperties: false } },
    {
      if: { properties: { type: { const: 'image' } } },
      then: {
        properties: { type: true, data: { type: 'string', minLength: 1 }, uri: { type: 'string', minLength: 1 }, mime_type: { enum: ['image/png', 'image/jpeg', 'image/webp'] }, role: { enum: ['first_frame', 'last_frame', 'reference'] } },
        required: ['mime_type'],
        additionalProperties: false,
      },
    },
    { if: { properties: { type: { const: 'video' } } }, then: { properties: { type: true, data: { type: 'string', minLength: 1 }, uri: { type: 'string', minLength: 1 }, mime_type: { enum: ['video/mp4', 'video/webm', 'video/quicktime'] } }, required: ['mime_type'], additionalProperties: false } },
    { if: { properties: { type: { const: 'audio' } } }, then: { properties: { type: true, data: { type: 'string' }, uri: { type: 'string' }, mime_type: { type: 'string' } }, required: ['mime_type'], additionalProperties: false } },
  ],
};
const CREATE_SCHEMA = {
  type: 'object',
  required: ['model', 'input'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: item }] },
    response_format: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { enum: ['text', 'image', 'audio', 'video'] },
        aspect_ratio: { enum: ['16:9', '9:16'] },
        resolution: { enum: ['360p', '720p', '1080p', '4k'] },
        duration: { type: 'string', pattern: '^\\d+s$' },
        delivery: { enum: ['uri', 'inline'] },
      },
    },
    background: { type: 'boolean' },
    store: { type: 'boolean' },
    previous_interaction_id: { type: 'string', minLength: 1 },
    system_instruction: { type: 'string' },
    generation_config: { type: 'object', additionalProperties: false, properties: { seed: { type: 'integer' }, temperature: { type: 'number' } } },
  },
};

/** Google's wording for a schema issue. */
function issueMessage(issue: SchemaIssue): string {
  const field = issue.path.join('.');
  if (issue.keyword === 'additionalProperties') return `Invalid JSON payload received. Unknown name "${issue.property ?? field}"${issue.path.length > 1 ? ` at '${issue.path.slice(0, -1).join('.')}'` : ''}: Cannot find field.`;
  if (issue.keyword === 'required') return `* GenerateInteractionRequest.${field}: a value is required.`;
  if (issue.keyword === 'enum') return `Invalid value at '${field}' (${(issue.allowed ?? []).map(String).join(' | ')}).`;
  if (issue.keyword === 'pattern' && field.endsWith('duration')) return `Invalid value at '${field}': expected a duration string such as "4s".`;
  return `Invalid value at '${field}': ${issue.message}.`;
}

export async function startGeminiEmulator(opts: KitOptions = {}): Promise<GeminiEmulator> {
  const apiKey = opts.apiKey ?? 'gemini-emulator-key';
  // eslint-disable-next-line prefer-const
  let server: Awaited<ReturnType<typeof startKitServer>>;
  const core = makeCore<GemJob>(opts, 2 * 24 * 3_600_000, () => server.requests);
  const { jobs, plan, log, media, stats, now } = core;
  const fileIndex = new Map<string, string>(); // file name → interaction id

  const fail = (ctx: Ctx, code: number, message: string, status?: string, details?: unknown[], headers: Record<string, string> = {}): void => sendJson(ctx, code, rpc(code, message, status, details), headers);
  const invalid = (ctx: Ctx, message: string): void => {
    ctx.rec.validation = 'invalid';
    ctx.rec.validationError = message;
    stats.invalidRequests++;
    fail(ctx, 400, message);
  };
  const shapes = {
    rateLimited: (s: number) => ({
      body: rpc(429, 'Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED', [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${s}s` },
      ]),
    }),
    serverError: (status: number) => (status === 503 ? rpc(503, 'The model is overloaded. Please try again later.') : rpc(status, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting')),
  };

  /** Checks the key; false (and an answer sent) when it is missing or wrong. */
  const authed = (ctx: Ctx): boolean => {
    const key = ctx.req.headers['x-goog-api-key'] ?? ctx.url.searchParams.get('key');
    if (!key) {
      if (ctx.req.headers.authorization) {
        fail(ctx, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
        return false;
      }
      fail(ctx, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
      return false;
    }
    if (key !== apiKey) {
      fail(ctx, 400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
      return false;
    }
    return true;
  };

  const iso = (ms: number): string => new Date(ms).toISOString();
  const statusOf = (job: KitJob<GemJob>): string => {
    if (job.forcedStatus) return job.forcedStatus;
    const ph = jobs.phase(job);
    return ph === 'queued' ? 'queued' : ph === 'running' ? 'in_progress' : ph === 'done' ? 'completed' : ph === 'moderated' ? 'failed' : ph === 'cancelled' ? 'cancelled' : (job.offSpec ?? 'failed');
  };

  const view = async (job: KitJob<GemJob>): Promise<Record<string, unknown>> => {
    const status = statusOf(job);
    const t = now();
    const out: Record<string, unknown> = {
      id: job.id,
      object: 'interaction',
      model: job.data.model,
      status,
      role: 'model',
      created: iso(job.createdMs),
      updated: iso(Math.min(t, status === 'completed' ? job.doneMs : t)),
    };
    if (job.data.previous) out.previous_interaction_id = job.data.previous;
    if (status === 'failed' && jobs.phase(job) === 'moderated') {
      out.error = rpc(400, 'The request was blocked because it may violate the usage policies (safety filters).', 'INVALID_ARGUMENT', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SAFETY', domain: 'generativelanguage.googleapis.com', metadata: { blocked_reason: 'SAFETY' } },
      ]).error;
    }
    if (status === 'completed') {
      let content: Record<string, unknown>;
      if (job.data.delivery === 'inline') {
        const bytes = await media.video(job.seconds, job.width, job.height, true);
        if (bytes.length > INLINE_LIMIT) {
          out.status = 'failed';
          out.error = rpc(400, 'The generated video exceeds the inline response limit; request delivery "uri".').error;
          return out;
        }
        content = { type: 'video', mime_type: 'video/mp4', data: bytes.toString('base64') };
      } else {
        content = { type: 'video', mime_type: 'video/mp4', uri: `files/${job.data.fileName}` };
      }
      out.outputs = [content];
      out.steps = [{ type: 'model_output', content: [content] }];
      const tokens = Math.round(job.priceUsd / GEMINI_USD_PER_TOKEN);
      out.usage = { total_input_tokens: 0, total_output_tokens: tokens, total_tokens: tokens, output_tokens_by_modality: [{ modality: 'video', tokens }] };
    }
    return out;
  };

  async function create(ctx: Ctx): Promise<void> {
    const route = ROUTES.create;
    ctx.rec.route = route.name;
    const parsed = parseJsonObject(ctx);
    if (!authed(ctx)) return;
    if (await preFaults(ctx, route, plan, log, shapes)) return;
    if ('error' in parsed) return invalid(ctx, `Invalid JSON payload received. ${parsed.error}`);
    const body = parsed.value;
    const issue = checkSchema(CREATE_SCHEMA, body);
    if (issue) return invalid(ctx, issueMessage(issue));
    const model = String(body.model).replace(/^models\//, '');
    if (!GEMINI_VIDEO_MODELS.includes(model) && !TEXT_MODELS.includes(model)) {
      ctx.rec.validation = 'invalid';
      ctx.rec.validationError = `unknown model ${model}`;
      stats.invalidRequests++;
      return fail(ctx, 404, `models/${model} is not found for API version v1beta, or is not supported for interactions. Call ListModels to see the list of available models and their supported methods.`);
    }
    const rf = (body.response_format ?? {}) as Record<string, unknown>;
    if (rf.type !== 'video') return invalid(ctx, `${model} makes video only: set response_format.type to "video".`);
    if (TEXT_MODELS.includes(model)) return invalid(ctx, `Model ${model} does not support video output.`);
    if (body.background !== true) return invalid(ctx, 'Video generation runs in the background: set background to true.');

    // Inputs: text, images by role, reference videos.
    const items: Array<Record<string, unknown>> = typeof body.input === 'string' ? [{ type: 'text', text: body.input }] : (body.input as Array<Record<string, unknown>>);
    const prompt = items.filter((i) => i.type === 'text').map((i) => String(i.text)).join('\n');
    if (!prompt) return invalid(ctx, 'input must contain a text part with the prompt.');
    const images = { first: false, last: false, references: 0, videos: 0 };
    for (const [n, it] of items.entries()) {
      if (it.type === 'audio') return invalid(ctx, `input[${n}]: audio input is not supported by ${model}.`);
      if (it.type !== 'image' && it.type !== 'video') continue;
      if ((it.data === undefined) === (it.uri === undefined)) return invalid(ctx, `input[${n}]: exactly one of data or uri must be set.`);
      if (typeof it.data === 'string') {
        const bytes = Buffer.from(it.data, 'base64');
        if (it.type === 'image') {
          const info = imageInfo(bytes);
          if (!info) return invalid(ctx, `input[${n}].data: Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting`);
          if (info.type !== it.mime_type) return invalid(ctx, `input[${n}]: mime_type is ${String(it.mime_type)} but the data is ${info.type}.`);
        }
      } else if (typeof it.uri === 'string' && !/^(files\/|https:\/\/|gs:\/\/)/.test(it.uri)) {
        return invalid(ctx, `input[${n}].uri: Unsupported file uri: ${it.uri}`);
      }
      if (it.type === 'video') images.videos++;
      else if (it.role === 'first_frame') {
        if (images.first) return invalid(ctx, `input[${n}]: only one image can be the first frame.`);
        images.first = true;
      } else if (it.role === 'last_frame') {
        if (images.last) return invalid(ctx, `input[${n}]: only one image can be the last frame.`);
        images.last = true;
      } else images.references++;
    }
    if (images.last && !images.first) return invalid(ctx, 'A last frame needs a first frame.');
    if (images.references > 3) return invalid(ctx, `At most 3 reference images are supported (got ${images.references}).`);
    if (images.videos > 3) return invalid(ctx, `At most 3 reference videos are supported (got ${images.videos}).`);

    let aspect = String(rf.aspect_ratio ?? '16:9');
    let resolution = String(rf.resolution ?? '720p');
    const addSeconds = rf.duration === undefined ? 8 : Number.parseInt(String(rf.duration), 10);
    if (!(addSeconds >= 3 && addSeconds <= 10)) return invalid(ctx, `response_format.duration must be between 3s and 10s (got ${String(rf.duration)}).`);
    let seconds = addSeconds;
    let previous: string | null = null;
    if (body.previous_interaction_id !== undefined) {
      previous = String(body.previous_interaction_id);
      const prev = jobs.get(previous);
      if (!prev) {
        ctx.rec.validation = 'invalid';
        stats.invalidRequests++;
        return fail(ctx, 404, `Interaction ${previous} not found.`);
      }
      if (statusOf(prev) !== 'completed') return fail(ctx, 400, `Interaction ${previous} is ${statusOf(prev)}; only a completed interaction can be extended.`, 'FAILED_PRECONDITION');
      if (prev.data.model !== model) return invalid(ctx, `previous_interaction_id belongs to ${prev.data.model}, not ${model}.`);
      if (rf.aspect_ratio !== undefined && rf.aspect_ratio !== prev.data.aspect) return invalid(ctx, `An extension keeps the aspect ratio of the video it extends (${prev.data.aspect}).`);
      aspect = prev.data.aspect;
      resolution = rf.resolution === undefined ? prev.data.resolution : resolution;
      seconds = prev.seconds + addSeconds;
      if (seconds > MAX_CHAIN_SECONDS) return invalid(ctx, `An extended video can be at most ${MAX_CHAIN_SECONDS}s long (this would make ${seconds}s).`);
    }
    ctx.rec.validation = 'valid';
    const size = sizeFor(aspect, resolution === '4k' ? '2160p' : resolution);
    const gc = (body.generation_config ?? {}) as { seed?: number };
    const job = jobs.create({
      idPrefix: 'v1_',
      prompt,
      seconds,
      width: size.width,
      height: size.height,
      audio: true,
      priceUsd: roundUsd(addSeconds * (GEMINI_PRICE_PER_SECOND[resolution] ?? 0.1)),
      data: { model, input: body.input, aspect, resolution, addSeconds, delivery: rf.delivery === 'uri' ? 'uri' : 'inline', fileName: randomBytes(8).toString('hex'), previous, images, seed: gc.seed ?? null },
    });
    fileIndex.set(job.data.fileName, job.id);
    core.counted(job);
    log(`#${ctx.rec.seq} created ${job.id} (${seconds}s ${size.width}x${size.height} "${prompt.slice(0, 40)}")`);
    if (afterCreateFaults(ctx, route, plan, log, shapes.serverError)) return;
    sendJson(ctx, 200, await view(job));
  }

  async function handle(ctx: Ctx): Promise<void> {
    const p = ctx.url.pathname;
    const m = ctx.method;
    if (p === '/v1beta/interactions' && m === 'POST') return create(ctx);
    let r = /^\/v1beta\/interactions\/([^/:]+)(\/cancel)?$/.exec(p);
    if (r) {
      const id = decodeURIComponent(r[1] ?? '');
      const route = r[2] ? ROUTES.cancel : m === 'DELETE' ? ROUTES.delete : ROUTES.get;
      ctx.rec.route = route.name;
      if ((r[2] && m !== 'POST') || (!r[2] && m !== 'GET' && m !== 'DELETE')) return fail(ctx, 404, `Method not found.`);
      if (!authed(ctx)) return;
      if (await preFaults(ctx, route, plan, log, shapes)) return;
      const job = jobs.get(id);
      if (!job) return fail(ctx, 404, `Interaction ${id} not found.`);
      if (route === ROUTES.get) return sendJson(ctx, 200, await view(job));
      if (route === ROUTES.delete) {
        job.deleted = true;
        return sendJson(ctx, 200, {});
      }
      if (!jobs.cancel(job)) return fail(ctx, 400, `Interaction ${id} is ${statusOf(job)} and can no longer be cancelled.`, 'FAILED_PRECONDITION');
      return sendJson(ctx, 200, await view(job));
    }
    r = /^\/v1beta\/files\/([^/:]+)(:download)?$/.exec(p);
    if (r && m === 'GET') {
      const route = r[2] ? ROUTES.download : ROUTES.file;
      ctx.rec.route = route.name;
      if (!authed(ctx)) return;
      if (await preFaults(ctx, route, plan, log, shapes)) return;
      const name = r[1] ?? '';
      const job = jobs.get(fileIndex.get(name) ?? '');
      if (!job || statusOf(job) !== 'completed' || job.data.delivery !== 'uri') return fail(ctx, 404, `File files/${name} not found.`);
      if (jobs.contentExpired(job)) return fail(ctx, 404, `File files/${name} has expired and was deleted.`);
      const bytes = await media.video(job.seconds, job.width, job.height, true);
      if (!r[2] || ctx.url.searchParams.get('alt') !== 'media') {
        return sendJson(ctx, 200, { name: `files/${name}`, mimeType: 'video/mp4', sizeBytes: String(bytes.length), createTime: iso(job.doneMs), expirationTime: iso(jobs.expiresAtMs(job)), state: 'ACTIVE', uri: `${server.url}/v1beta/files/${name}`, downloadUri: `${server.url}/v1beta/files/${name}:download?alt=media` });
      }
      return sendBytes(ctx, bytes, 'video/mp4', { plan, route, log });
    }
    r = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(p);
    if (r && m === 'POST') {
      ctx.rec.route = ROUTES.generateContent.name;
      if (!authed(ctx)) return;
      const model = r[1] ?? '';
      if (GEMINI_VIDEO_MODELS.includes(model)) return fail(ctx, 400, `${model} makes video through the Interactions API (POST /v1beta/interactions), not generateContent.`);
      return fail(ctx, 404, `models/${model} is not found for API version v1beta, or is not supported for generateContent.`);
    }
    if (!authed(ctx)) return;
    return fail(ctx, 404, `The requested URL ${p} was not found on this server.`);
  }

  server = await startKitServer({ port: opts.port, now, log, handle, onError: (ctx) => fail(ctx, 500, 'An internal error has occurred.') });
  log(`listening on ${server.url}`);
  const common = core.common(server, apiKey, server.url);
  return {
    ...common,
    async interaction(id) {
      const j = jobs.get(id);
      return j ? view(j) : undefined;
    },
  };
}
