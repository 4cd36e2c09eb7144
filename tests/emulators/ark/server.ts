// Emulator of Seedance on Volcengine Ark / BytePlus ModelArk: content generation tasks.
//
// Contract followed (../shared/reference/PROVIDERS.md §4; Volcengine/BytePlus ModelArk video generation API
// pages as summarised there):
// - {base} = http://127.0.0.1:PORT/api/v3 (stands for https://ark.cn-beijing.volces.com/api/v3 or
//   https://ark.ap-southeast.bytepluses.com/api/v3). `Authorization: Bearer <ARK_API_KEY>`.
// - POST {base}/contents/generations/tasks { model, content: [ {type:"text", text}, {type:"image_url",
//   image_url:{url}, role:"first_frame"|"last_frame"|"reference_image"} ], ratio, duration, resolution,
//   generate_audio, seed, watermark, return_last_frame, camera_fixed, callback_url, … } → 200 { id }.
// - GET {base}/contents/generations/tasks/{id} → { id, model, status: queued|running|succeeded|failed|cancelled|
//   expired, content: { video_url, last_frame_url? }, usage: { completion_tokens, total_tokens }, created_at,
//   updated_at, seed, resolution, ratio, duration, framespersecond, error }. The prompt is not echoed.
// - GET {base}/contents/generations/tasks?page_num&page_size&filter.status&filter.model&filter.task_ids
//   → { items, total }, newest first.
// - DELETE {base}/contents/generations/tasks/{id}: cancels a queued task, deletes a finished record; a running
//   task cannot be deleted.
// - The video URL is a signed object-storage URL (no key; expires after 24 h) that can answer 400
//   `video_not_ready` for a moment (the `notReady` fault); the last frame is a PNG at `last_frame_url`.
// - Errors: { error: { code, message, param, type } } with Ark's codes (InvalidParameter, MissingParameter,
//   AuthenticationError, InvalidEndpointOrModel.NotFound, ResourceNotFound, RateLimitExceeded.EndpointRPMExceeded,
//   InternalServiceError, InputTextSensitiveContentDetected; a task fails with OutputVideoSensitiveContentDetected).
//   The envelope and wording ("… Request id: 0217…", type "BadRequest") as quoted in volcengine/volcengine-python-sdk
//   issue #13 and volcengine/volcengine-java-sdk issue #107.
// - Billing: tokens = width × height × fps × seconds / 1024 (PROVIDERS.md; verify), priced per million tokens.
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
  roundUsd,
  sendBytes,
  sendJson,
  sizeFor,
  startKitServer,
} from '../kit/index.ts';
import type { Ctx, KitEmulator, KitFaults, KitJob, KitOptions, RouteRef, SchemaIssue } from '../kit/index.ts';

export interface ArkModel {
  id: string;
  durations: [number, number];
  resolutions: string[];
  maxReferences: number;
  /** USD per million output tokens (the emulator's reading; verify in the console). */
  usdPerMTokens: number;
}
const family = (suffix: string, m: Omit<ArkModel, 'id'>): ArkModel[] => ['doubao-', 'dreamina-'].map((p) => ({ id: `${p}${suffix}`, ...m }));
export const ARK_MODELS: ArkModel[] = [
  ...family('seedance-2-0-260128', { durations: [4, 15], resolutions: ['480p', '720p', '1080p'], maxReferences: 9, usdPerMTokens: 7 }),
  ...family('seedance-2-0-fast-260128', { durations: [4, 15], resolutions: ['480p', '720p'], maxReferences: 9, usdPerMTokens: 5.6 }),
  ...family('seedance-2-5-260628', { durations: [4, 30], resolutions: ['480p', '720p'], maxReferences: 9, usdPerMTokens: 7 }),
];
export const ARK_FPS = 24;

export interface ArkOptions extends KitOptions {
  /** Where a flagged prompt is refused: at create (400 InputTextSensitiveContentDetected) or when the task ends (default). */
  moderationAt?: 'create' | 'output';
}

export interface ArkEmulator extends KitEmulator {
  /** The task as GET would show it now. */
  task(id: string): Record<string, unknown> | undefined;
  /** The PNG served at a task's last_frame_url. */
  lastFrameOf(id: string): Promise<Buffer>;
}

export const ARK_FAULTS_ALL: KitFaults = {
  ...KIT_FAULTS_ALL,
  notReady: { probability: 0.3 },
  offSpecStatus: [
    { word: 'EXPIRED_TASK', status: 'expired' },
    { word: 'OFFSPEC_STATUS', status: 'paused' },
  ],
};

interface ArkJob {
  model: ArkModel;
  ratio: string;
  resolution: string;
  seed: number;
  returnLastFrame: boolean;
  tokens: number;
  serviceTier: string;
}

const ROUTES = {
  create: { name: 'create', kind: 'create' },
  get: { name: 'get', kind: 'poll' },
  list: { name: 'list', kind: 'poll' },
  delete: { name: 'delete', kind: 'other' },
  video: { name: 'video', kind: 'download' },
  lastFrame: { name: 'last-frame', kind: 'download' },
} satisfies Record<string, RouteRef>;

const TYPE_BY_STATUS: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequests', 500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable' };

const CREATE_SCHEMA = {
  type: 'object',
  required: ['model', 'content'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1 },
    content: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: ['text', 'image_url'] } },
        allOf: [
          { if: { properties: { type: { const: 'text' } } }, then: { properties: { type: true, text: { type: 'string', minLength: 1 } }, required: ['text'], additionalProperties: false } },
          {
            if: { properties: { type: { const: 'image_url' } } },
            then: {
              properties: { type: true, image_url: { type: 'object', properties: { url: { type: 'string', minLength: 1 } }, required: ['url'], additionalProperties: false }, role: { enum: ['first_frame', 'last_frame', 'reference_image'] } },
              required: ['image_url'],
              additionalProperties: false,
            },
          },
        ],
      },
    },
    ratio: { enum: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16', 'adaptive'] },
    duration: { type: 'integer' },
    resolution: { enum: ['480p', '720p', '1080p'] },
    generate_audio: { type: 'boolean' },
    seed: { type: 'integer', minimum: -1, maximum: 4294967295 },
    watermark: { type: 'boolean' },
    camera_fixed: { type: 'boolean' },
    return_last_frame: { type: 'boolean' },
    callback_url: { type: 'string', minLength: 1 },
    service_tier: { enum: ['default', 'flex'] },
    execution_expires_after: { type: 'integer', minimum: 3600, maximum: 259200 },
  },
};

export async function startArkEmulator(opts: ArkOptions = {}): Promise<ArkEmulator> {
  const apiKey = opts.apiKey ?? 'ark-emulator-key';
  const moderationAt = opts.moderationAt ?? 'output';
  // eslint-disable-next-line prefer-const
  let server: Awaited<ReturnType<typeof startKitServer>>;
  const core = makeCore<ArkJob>(opts, 24 * 3_600_000, () => server.requests);
  const { jobs, plan, log, media, stats, now } = core;
  const signKey = randomBytes(16);

  const requestId = (): string => `0217${now()}${randomBytes(6).toString('hex')}`;
  const fail = (ctx: Ctx, status: number, code: string, message: string, param = '', headers: Record<string, string> = {}): void => {
    const rid = requestId();
    sendJson(ctx, status, { error: { code, message: `${message} Request id: ${rid}`, param, type: TYPE_BY_STATUS[status] ?? 'Error' } }, { 'x-request-id': rid, ...headers });
  };
  const invalid = (ctx: Ctx, code: string, message: string, param = ''): void => {
    ctx.rec.validation = 'invalid';
    ctx.rec.validationError = message;
    stats.invalidRequests++;
    fail(ctx, 400, code, message, param);
  };
  const errBody = (status: number): unknown => ({ error: { code: status === 503 ? 'ServiceUnavailable' : 'InternalServiceError', message: `The service encountered an unexpected internal error. Request id: ${requestId()}`, param: '', type: TYPE_BY_STATUS[status] ?? 'InternalServerError' } });
  const shapes = {
    rateLimited: () => ({ body: { error: { code: 'RateLimitExceeded.EndpointRPMExceeded', message: `The request has exceeded the requests-per-minute limit of the model. Please try again later. Request id: ${requestId()}`, param: '', type: 'TooManyRequests' } } }),
    serverError: errBody,
  };

  const authed = (ctx: Ctx): boolean => {
    const auth = ctx.req.headers.authorization ?? '';
    if (auth === `Bearer ${apiKey}`) return true;
    fail(ctx, 401, 'AuthenticationError', 'The API key or AK/SK in the request is missing or invalid.');
    return false;
  };

  const issueToError = (issue: SchemaIssue): { code: string; message: string; param: string } => {
    const param = issue.path.join('.');
    if (issue.keyword === 'required') return { code: 'MissingParameter', message: `The request failed because it is missing one or multiple required parameters: \`${param}\`.`, param };
    if (issue.keyword === 'additionalProperties') return { code: 'InvalidParameter', message: `The parameter \`${param}\` specified in the request is not valid: unknown parameter.`, param };
    if (issue.keyword === 'enum') return { code: 'InvalidParameter', message: `The parameter \`${param}\` specified in the request is not valid: must be one of ${(issue.allowed ?? []).map(String).join(', ')}.`, param };
    return { code: 'InvalidParameter', message: `The parameter \`${param}\` specified in the request is not valid: ${issue.message}.`, param };
  };

  const signed = (job: KitJob<ArkJob>, file: string): string => {
    const expires = Math.floor(jobs.expiresAtMs(job) / 1000);
    const sig = createHmac('sha256', signKey).update(`${job.id}/${file}/${expires}`).digest('hex').slice(0, 32);
    return `${server.url}/ark-tos/${job.id}/${file}?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Expires=${expires}&X-Tos-Signature=${sig}`;
  };

  const statusOf = (job: KitJob<ArkJob>): string => {
    if (job.forcedStatus) return job.forcedStatus;
    const ph = jobs.phase(job);
    return ph === 'queued' ? 'queued' : ph === 'running' ? 'running' : ph === 'done' ? 'succeeded' : ph === 'moderated' ? 'failed' : ph === 'cancelled' ? 'cancelled' : (job.offSpec ?? 'failed');
  };

  const view = (job: KitJob<ArkJob>): Record<string, unknown> => {
    const status = statusOf(job);
    const t = now();
    const out: Record<string, unknown> = {
      id: job.id,
      model: job.data.model.id,
      status,
      error: null,
      created_at: Math.floor(job.createdMs / 1000),
      updated_at: Math.floor(Math.min(t, job.doneMs) / 1000),
      seed: job.data.seed,
      resolution: job.data.resolution,
      ratio: job.data.ratio,
      duration: job.seconds,
      framespersecond: ARK_FPS,
      generate_audio: job.audio,
      service_tier: job.data.serviceTier,
      execution_expires_after: 172800,
    };
    if (status === 'failed' && jobs.phase(job) === 'moderated') out.error = { code: 'OutputVideoSensitiveContentDetected', message: 'The request failed because the output video may contain sensitive information.' };
    if (status === 'succeeded') {
      const content: Record<string, string> = { video_url: signed(job, 'video.mp4') };
      if (job.data.returnLastFrame) content.last_frame_url = signed(job, 'last_frame.png');
      out.content = content;
      out.usage = { completion_tokens: job.data.tokens, total_tokens: job.data.tokens };
    }
    return out;
  };

  async function create(ctx: Ctx): Promise<void> {
    const route = ROUTES.create;
    ctx.rec.route = route.name;
    const parsed = parseJsonObject(ctx);
    if (!authed(ctx)) return;
    if (await preFaults(ctx, route, plan, log, shapes)) return;
    if ('error' in parsed) return invalid(ctx, 'InvalidParameter', `The request body is not valid JSON. ${parsed.error}`);
    const body = parsed.value;
    const issue = checkSchema(CREATE_SCHEMA, body);
    if (issue) {
      const e = issueToError(issue);
      return invalid(ctx, e.code, e.message, e.param);
    }
    const model = ARK_MODELS.find((m) => m.id === body.model);
    if (!model) {
      ctx.rec.validation = 'invalid';
      stats.invalidRequests++;
      return fail(ctx, 404, 'InvalidEndpointOrModel.NotFound', `The model or endpoint ${String(body.model)} does not exist or you do not have access to it.`, 'model');
    }
    const content = body.content as Array<{ type: string; text?: string; image_url?: { url: string }; role?: string }>;
    const texts = content.filter((c) => c.type === 'text');
    const images = content.filter((c) => c.type === 'image_url');
    if (texts.length > 1) return invalid(ctx, 'InvalidParameter', 'The parameter `content` specified in the request is not valid: at most one text item.', 'content');
    if (!texts.length && !images.length) return invalid(ctx, 'MissingParameter', 'The request failed because it is missing one or multiple required parameters: `content.text`.', 'content');
    // Roles: one image without a role is the first frame; several images must each say their role.
    const roles = images.map((i) => i.role ?? (images.length === 1 ? 'first_frame' : ''));
    if (roles.includes('')) return invalid(ctx, 'InvalidParameter', 'The parameter `content.role` specified in the request is not valid: every image needs a role when several are given.', 'content.role');
    const n = (r: string): number => roles.filter((x) => x === r).length;
    if (n('first_frame') > 1 || n('last_frame') > 1) return invalid(ctx, 'InvalidParameter', 'The parameter `content.role` specified in the request is not valid: at most one first_frame and one last_frame.', 'content.role');
    if (n('last_frame') && !n('first_frame')) return invalid(ctx, 'InvalidParameter', 'The parameter `content.role` specified in the request is not valid: last_frame requires a first_frame.', 'content.role');
    if (n('reference_image') && (n('first_frame') || n('last_frame'))) return invalid(ctx, 'InvalidParameter', 'The parameter `content.role` specified in the request is not valid: reference_image cannot be combined with first_frame or last_frame.', 'content.role');
    if (n('reference_image') > model.maxReferences) return invalid(ctx, 'InvalidParameter', `The parameter \`content\` specified in the request is not valid: at most ${model.maxReferences} reference images.`, 'content');
    let firstAspect: string | null = null;
    for (const [i, img] of images.entries()) {
      const url = img.image_url!.url;
      const data = decodeDataUri(url);
      if (data) {
        const info = imageInfo(data.bytes);
        if (!info || !data.mime.startsWith('image/')) return invalid(ctx, 'InvalidParameter', `The parameter \`content[${i}].image_url.url\` specified in the request is not valid: the base64 data is not a supported image.`, 'image_url');
        if (roles[i] === 'first_frame') firstAspect = info.width >= info.height ? '16:9' : '9:16';
      } else if (!/^https?:\/\//.test(url)) {
        return invalid(ctx, 'InvalidParameter', `The parameter \`content[${i}].image_url.url\` specified in the request is not valid: expected an http(s) URL or a base64 data URI.`, 'image_url');
      }
    }
    const duration = body.duration === undefined ? 5 : Number(body.duration);
    if (duration < model.durations[0] || duration > model.durations[1]) return invalid(ctx, 'InvalidParameter', `The parameter \`duration\` specified in the request is not valid for model ${model.id}: must be between ${model.durations[0]} and ${model.durations[1]}.`, 'duration');
    const resolution = String(body.resolution ?? '720p');
    if (!model.resolutions.includes(resolution)) return invalid(ctx, 'InvalidParameter', `The parameter \`resolution\` specified in the request is not valid for model ${model.id}: must be one of ${model.resolutions.join(', ')}.`, 'resolution');
    const prompt = texts[0]?.text ?? '';
    const flagged = plan.faults.moderationWord !== null && prompt.toUpperCase().includes(String(plan.faults.moderationWord ?? 'FORBIDDEN').toUpperCase());
    if (flagged && moderationAt === 'create') return fail(ctx, 400, 'InputTextSensitiveContentDetected', 'The request failed because the input text may contain sensitive information.');
    ctx.rec.validation = 'valid';
    const ratio = String(body.ratio ?? (images.length ? 'adaptive' : '16:9'));
    const size = sizeFor(ratio === 'adaptive' ? (firstAspect ?? '16:9') : ratio, resolution);
    const tokens = Math.round((size.width * size.height * ARK_FPS * duration) / 1024);
    const seed = typeof body.seed === 'number' && body.seed >= 0 ? body.seed : Math.floor((now() % 1_000_000) * 4093) % 4294967295;
    const job = jobs.create({
      idPrefix: '',
      id: `cgt-${new Date(now()).toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`,
      prompt,
      seconds: duration,
      width: size.width,
      height: size.height,
      audio: body.generate_audio !== false,
      priceUsd: roundUsd((tokens / 1_000_000) * model.usdPerMTokens),
      data: { model, ratio, resolution, seed, returnLastFrame: body.return_last_frame === true, tokens, serviceTier: String(body.service_tier ?? 'default') },
    });
    core.counted(job);
    log(`#${ctx.rec.seq} created ${job.id} (${duration}s ${size.width}x${size.height} "${prompt.slice(0, 40)}")`);
    if (afterCreateFaults(ctx, route, plan, log, errBody)) return;
    sendJson(ctx, 200, { id: job.id }, { 'x-request-id': requestId() });
  }

  function list(ctx: Ctx): void {
    const q = ctx.url.searchParams;
    const allowed = ['page_num', 'page_size', 'filter.status', 'filter.model', 'filter.task_ids', 'filter.service_tier'];
    const unknown = [...q.keys()].find((k) => !allowed.includes(k));
    if (unknown) return invalid(ctx, 'InvalidParameter', `The parameter \`${unknown}\` specified in the request is not valid: unknown parameter.`, unknown);
    const int = (name: string, def: number, max: number): number | null => {
      const v = q.get(name);
      if (v === null) return def;
      const x = Number(v);
      return Number.isInteger(x) && x >= 1 && x <= max ? x : null;
    };
    const pageNum = int('page_num', 1, 500);
    const pageSize = int('page_size', 10, 500);
    if (pageNum === null) return invalid(ctx, 'InvalidParameter', 'The parameter `page_num` specified in the request is not valid: must be an integer from 1 to 500.', 'page_num');
    if (pageSize === null) return invalid(ctx, 'InvalidParameter', 'The parameter `page_size` specified in the request is not valid: must be an integer from 1 to 500.', 'page_size');
    const st = q.get('filter.status');
    if (st !== null && !['queued', 'running', 'cancelled', 'succeeded', 'failed'].includes(st)) return invalid(ctx, 'InvalidParameter', 'The parameter `filter.status` specified in the request is not valid: must be one of queued, running, cancelled, succeeded, failed.', 'filter.status');
    ctx.rec.validation = 'valid';
    const ids = q.getAll('filter.task_ids');
    const model = q.get('filter.model');
    const all = [...jobs.order]
      .filter((j) => !j.deleted)
      .reverse()
      .map((j) => view(j))
      .filter((v) => (st === null || v.status === st) && (model === null || v.model === model) && (!ids.length || ids.includes(String(v.id))));
    sendJson(ctx, 200, { items: all.slice((pageNum - 1) * pageSize, pageNum * pageSize), total: all.length });
  }

  async function handle(ctx: Ctx): Promise<void> {
    const p = ctx.url.pathname;
    const m = ctx.method;
    // Object storage (signed URLs, no key).
    let r = /^\/ark-tos\/([^/]+)\/(video\.mp4|last_frame\.png)$/.exec(p);
    if (r && (m === 'GET' || m === 'HEAD')) {
      const route = r[2] === 'video.mp4' ? ROUTES.video : ROUTES.lastFrame;
      ctx.rec.route = route.name;
      const tosError = (status: number, code: string, message: string): void => sendJson(ctx, status, { RequestId: requestId(), Code: code, Message: message, HostId: 'ark-tos.emulator' });
      if (await preFaults(ctx, route, plan, log, { rateLimited: () => ({ status: 429, body: { Code: 'TooManyRequests', Message: 'Too many requests' } }), serverError: () => ({ Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' }) })) return;
      const job = jobs.get(r[1] ?? '');
      const q = ctx.url.searchParams;
      if (!job || statusOf(job) !== 'succeeded') return tosError(404, 'NoSuchKey', 'The specified key does not exist.');
      const expected = new URL(signed(job, r[2] ?? '')).searchParams.get('X-Tos-Signature');
      if (q.get('X-Tos-Signature') !== expected) return tosError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      if (jobs.contentExpired(job)) return tosError(403, 'AccessDenied', 'Request has expired');
      if (route === ROUTES.lastFrame && !job.data.returnLastFrame) return tosError(404, 'NoSuchKey', 'The specified key does not exist.');
      if (route === ROUTES.video && plan.fires('notReady', route)) {
        ctx.rec.fault = 'notReady';
        return fail(ctx, 400, 'video_not_ready', 'The video is not ready yet; retry the request in a moment.');
      }
      if (route === ROUTES.lastFrame) return sendBytes(ctx, await media.lastFrame(job.seconds, job.width, job.height, job.audio), 'image/png', { plan, route, log });
      return sendBytes(ctx, await media.video(job.seconds, job.width, job.height, job.audio), 'video/mp4', { plan, route, log });
    }
    if (p === '/api/v3/contents/generations/tasks') {
      if (m === 'POST') return create(ctx);
      if (m !== 'GET') return fail(ctx, 405, 'MethodNotAllowed', `Method ${m} is not allowed here.`);
      ctx.rec.route = ROUTES.list.name;
      if (!authed(ctx)) return;
      if (await preFaults(ctx, ROUTES.list, plan, log, shapes)) return;
      return list(ctx);
    }
    r = /^\/api\/v3\/contents\/generations\/tasks\/([^/]+)$/.exec(p);
    if (r && (m === 'GET' || m === 'DELETE')) {
      const route = m === 'GET' ? ROUTES.get : ROUTES.delete;
      ctx.rec.route = route.name;
      if (!authed(ctx)) return;
      if (await preFaults(ctx, route, plan, log, shapes)) return;
      const id = decodeURIComponent(r[1] ?? '');
      const job = jobs.get(id);
      if (!job) return fail(ctx, 404, 'ResourceNotFound', `The specified task ${id} is not found.`, 'id');
      if (m === 'GET') return sendJson(ctx, 200, view(job));
      const st = statusOf(job);
      if (st === 'running') return fail(ctx, 400, 'InvalidParameter', `The task ${id} is running and cannot be cancelled or deleted.`, 'id');
      if (st === 'queued') jobs.cancel(job);
      else job.deleted = true;
      return sendJson(ctx, 200, {});
    }
    if (!authed(ctx)) return;
    return fail(ctx, 404, 'NotFound', `The requested path ${p} does not exist.`);
  }

  server = await startKitServer({ port: opts.port, now, log, handle, onError: (ctx) => fail(ctx, 500, 'InternalServiceError', 'The service encountered an unexpected internal error.') });
  const url = `${server.url}/api/v3`;
  log(`listening on ${url}`);
  const common = core.common(server, apiKey, url);
  return {
    ...common,
    task(id) {
      const j = jobs.get(id);
      return j ? view(j) : undefined;
    },
    lastFrameOf(id) {
      const j = jobs.jobs.get(id);
      if (!j) throw new Error(`No task ${id}`);
      return media.lastFrame(j.seconds, j.width, j.height, j.audio);
    },
  };
}
