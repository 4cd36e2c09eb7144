// Emulator of the fal.ai queue (queue.fal.run) and storage (rest.fal.ai), both served from one base URL.
//
// Contract followed (../shared/reference/PROVIDERS.md §2, fal-ai/fal-js libs/client/src/queue.ts and storage.ts):
// - POST {base}/{endpoint_id} with `Authorization: Key <key>` and the model's JSON input →
//   200 { request_id, gateway_request_id, status_url, response_url, cancel_url, queue_position }.
//   The three URLs live under {base}/{owner}/{alias}/requests/{id} — not under the full endpoint id — so an
//   adapter that rebuilds them from the endpoint id gets 404s here, as it would from fal.
// - GET {status_url}[?logs=1] → 202 { status: "IN_QUEUE", queue_position } | 202 { status: "IN_PROGRESS", logs }
//   | 200 { status: "COMPLETED", logs, metrics, error?, error_type? } (a completed request can carry an error).
// - GET {response_url} → the model output { video: { url, content_type, file_name, file_size }, seed };
//   400 while not done; 422 { detail: [{ loc, msg, type }] } for a validation error or a content-policy block.
// - PUT {cancel_url} → 202 { status: "CANCELLATION_REQUESTED" } | 400 { status: "ALREADY_COMPLETED" } | 404.
// - POST {base}/storage/upload/initiate?storage_type=fal-cdn-v3 { content_type, file_name } → { upload_url, file_url };
//   PUT the bytes to upload_url (pre-signed: no key); file_url then serves them (the CDN: no key).
// - Video files are served from {base}/cdn/files/… without the key, like fal's CDN.
//
// Validation: each endpoint's input schema (./endpoints.ts). PROVIDERS.md says queue submits are usually accepted
// as they are and validation errors show up when the request completes (COMPLETED with an error, then 422 on the
// response URL); `validation: 'deferred'` (the default) does that, `'submit'` answers the 422 at submit.
// A prompt with the moderation word completes with error_type content_policy_violation and a 422 on the result
// (`moderationAt: 'submit'` answers that 422 at submit instead). fal queues instead of answering 429: the
// `queueing` fault keeps jobs IN_QUEUE (with a queue_position) while N others run. Errors and queue time are
// not billed; a completed video bills seconds × the endpoint's price.
import { randomBytes, randomUUID } from 'node:crypto';
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
  startKitServer,
} from '../kit/index.ts';
import type { Ctx, KitEmulator, KitFaults, KitJob, KitOptions, RouteRef, SchemaIssue } from '../kit/index.ts';
import { FAL_ENDPOINTS, falEndpoint } from './endpoints.ts';
import type { FalEndpoint } from './endpoints.ts';

export { FAL_ENDPOINTS, falEndpoint };

export interface FalOptions extends KitOptions {
  /** Where input errors surface: at completion (default, as fal's queue does) or as a 422 at submit. */
  validation?: 'deferred' | 'submit';
  /** Where a content-policy block surfaces: at completion (default) or as a 422 at submit. */
  moderationAt?: 'result' | 'submit';
}

export interface FalEmulator extends KitEmulator {
  /** The job as the status endpoint would show it now. */
  status(id: string): Record<string, unknown> | undefined;
  /** Files uploaded through the storage API, by file_url. */
  uploads: Map<string, { bytes: Buffer; contentType: string }>;
  /** The request an extension continues, when its video_url is a video made here; null otherwise. */
  sourceOf(id: string): string | null;
}

export const FAL_FAULTS_ALL: KitFaults = {
  ...KIT_FAULTS_ALL,
  rateLimit: undefined, // fal queues excess work instead of answering 429
  queueing: { concurrency: 2 },
  offSpecStatus: [{ word: 'OFFSPEC_STATUS', status: 'FAILED' }],
};

interface FalFailure {
  status: number;
  detail: Array<{ loc: Array<string | number>; msg: string; type: string; input?: unknown }>;
  error: string;
  errorType: string;
}
interface FalJob {
  endpoint: FalEndpoint;
  input: Record<string, unknown>;
  seed: number;
  failure: FalFailure | null;
  fileName: string;
  /** extend-video: the request whose video it continues (when that video was made here). */
  source: string | null;
}

const ROUTES = {
  submit: { name: 'submit', kind: 'create' },
  status: { name: 'status', kind: 'poll' },
  result: { name: 'result', kind: 'poll' },
  cancel: { name: 'cancel', kind: 'other' },
  initiate: { name: 'storage-initiate', kind: 'other' },
  upload: { name: 'storage-upload', kind: 'other' },
  cdn: { name: 'cdn', kind: 'download' },
} satisfies Record<string, RouteRef>;

/** A pydantic-style 422 detail entry from a schema issue. */
function detailOf(issue: SchemaIssue, input: Record<string, unknown>): FalFailure['detail'][number] {
  const loc = ['body', ...issue.path];
  let value: unknown = input;
  for (const p of issue.path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  switch (issue.keyword) {
    case 'required':
      return { loc, msg: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { loc, msg: 'Extra inputs are not permitted', type: 'extra_forbidden', input: value };
    case 'enum':
      return { loc, msg: `Input should be ${(issue.allowed ?? []).map((v) => `'${String(v)}'`).join(', ')}`, type: 'literal_error', input: value };
    case 'type':
      return { loc, msg: `Input should be a valid ${issue.message.replace(/^must be /, '')}`, type: `${issue.message.replace(/^must be /, '')}_type`, input: value };
    default:
      return { loc, msg: `Input ${issue.message}`, type: 'value_error', input: value };
  }
}

export async function startFalEmulator(opts: FalOptions = {}): Promise<FalEmulator> {
  const apiKey = opts.apiKey ?? 'fal-emulator-key';
  const validation = opts.validation ?? 'deferred';
  const moderationAt = opts.moderationAt ?? 'result';
  // The result JSON is kept about an hour; the CDN file longer. One TTL for both here.
  // eslint-disable-next-line prefer-const
  let server: Awaited<ReturnType<typeof startKitServer>>;
  const core = makeCore<FalJob>({ ...opts, faults: opts.faults ?? {} }, 3_600_000, () => server.requests);
  const { jobs, plan, log, media, stats, now } = core;
  const uploads = new Map<string, { bytes: Buffer; contentType: string }>();
  const pendingUploads = new Map<string, { fileUrl: string; contentType: string }>();
  let base = '';

  const detailError = (ctx: Ctx, status: number, detail: unknown, headers: Record<string, string> = {}): void => sendJson(ctx, status, { detail }, headers);
  const serverErrorBody = (): unknown => ({ detail: 'Internal Server Error' });

  /** Image URLs: a data: URI holding a real image, an uploaded file_url, or any other http(s) URL (not fetched). */
  const checkImages = (ep: FalEndpoint, input: Record<string, unknown>): FalFailure['detail'] => {
    const out: FalFailure['detail'] = [];
    const check = (field: string, index: number | null, v: string): void => {
      const loc: Array<string | number> = index === null ? ['body', field] : ['body', field, index];
      const data = decodeDataUri(v);
      if (data) {
        const info = imageInfo(data.bytes);
        if (!info) out.push({ loc, msg: 'The data URI does not hold a PNG, JPEG or WebP image.', type: 'image_load_error' });
        else if (info.type !== data.mime) out.push({ loc, msg: `The data URI says ${data.mime} but holds ${info.type}.`, type: 'image_load_error' });
        return;
      }
      if (v.startsWith(`${base}/cdn/`)) {
        if (!uploads.has(v)) out.push({ loc, msg: `Failed to download the file from ${v}: 404 Not Found.`, type: 'file_download_error' });
        else if (!imageInfo(uploads.get(v)!.bytes)) out.push({ loc, msg: 'The file is not a PNG, JPEG or WebP image.', type: 'image_load_error' });
        return;
      }
      if (!/^https?:\/\//.test(v)) out.push({ loc, msg: 'Input should be a valid URL or data URI.', type: 'url_parsing' });
    };
    for (const field of ep.imageFields) {
      const v = input[field];
      if (typeof v === 'string') check(field, null, v);
      else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'string' && check(field, i, x));
    }
    return out;
  };

  /**
   * extend-video's video_url: a file of a finished request here (its length known: at most 8 s, as Veo 3.1's
   * extend takes), an uploaded video, or another http(s) URL (not fetched; taken as 8 s). Returns the problems
   * and the source's length.
   */
  const checkVideo = (ep: FalEndpoint, input: Record<string, unknown>): { problems: FalFailure['detail']; seconds: number; source: string | null } => {
    const v = String(input[ep.videoField!] ?? '');
    const loc = ['body', ep.videoField!];
    const fail = (msg: string, type: string) => ({ problems: [{ loc, msg, type, input: v }], seconds: 0, source: null });
    if (!/^https?:\/\//.test(v)) return fail('Input should be a valid URL.', 'url_parsing');
    if (!v.startsWith(`${base}/cdn/`)) return { problems: [], seconds: 8, source: null };
    const up = uploads.get(v);
    if (up) return imageInfo(up.bytes) || !up.contentType.startsWith('video/') ? fail('The file is not a video.', 'video_load_error') : { problems: [], seconds: 8, source: null };
    const m = /\/cdn\/files\/([^/]+)\/([^/]+)$/.exec(v);
    const from = m ? jobs.get(m[1] ?? '') : undefined;
    if (!from || from.data.fileName !== m?.[2] || jobs.phase(from) !== 'done' || from.forcedStatus || jobs.contentExpired(from)) return fail(`Failed to download the file from ${v}: 404 Not Found.`, 'file_download_error');
    if (from.seconds > 8) return fail(`The input video must be at most 8 seconds long (it is ${from.seconds} s).`, 'value_error');
    return { problems: [], seconds: from.seconds, source: from.id };
  };

  const urlsOf = (job: KitJob<FalJob>): Record<string, string> => {
    const root = `${base}/${job.data.endpoint.app}/requests/${job.id}`;
    return { status_url: `${root}/status`, response_url: root, cancel_url: `${root}/cancel` };
  };
  const fileUrl = (job: KitJob<FalJob>): string => `${base}/cdn/files/${job.id}/${job.data.fileName}`;

  const statusView = (job: KitJob<FalJob>, withLogs: boolean): { code: number; body: Record<string, unknown> } => {
    const t = now();
    const ph = jobs.phase(job, t);
    const u = urlsOf(job);
    const common = { request_id: job.id, response_url: u.response_url, status_url: u.status_url, cancel_url: u.cancel_url };
    if (job.forcedStatus) return { code: 200, body: { status: job.forcedStatus, ...common } };
    if (ph === 'queued') return { code: 202, body: { status: 'IN_QUEUE', queue_position: jobs.queuePosition(job, t), ...common } };
    if (ph === 'running') {
      const logs = withLogs ? [{ message: `Generating (${jobs.progress(job, t)}%)`, level: 'INFO', source: 'user', timestamp: new Date(t).toISOString() }] : null;
      return { code: 202, body: { status: 'IN_PROGRESS', logs, ...common } };
    }
    if (ph === 'offspec') return { code: 200, body: { status: job.offSpec, ...common } };
    const metrics = { inference_time: (Math.min(t, job.doneMs) - job.startMs) / 1000 };
    const logs = withLogs ? [] : null;
    if (ph === 'cancelled') return { code: 200, body: { status: 'COMPLETED', logs, metrics, error: 'Request was cancelled by the user.', error_type: 'request_cancelled', ...common } };
    if (ph === 'moderated') {
      const f = job.data.failure!;
      return { code: 200, body: { status: 'COMPLETED', logs, metrics, error: f.error, error_type: f.errorType, ...common } };
    }
    return { code: 200, body: { status: 'COMPLETED', logs, metrics, ...common } };
  };

  /** Finds the job for {owner}/{alias}/requests/{id}; null (and a 404 sent) when the app or id do not match. */
  const findJob = (ctx: Ctx, app: string, id: string): KitJob<FalJob> | null => {
    const job = jobs.get(id);
    if (!job || job.data.endpoint.app !== app) {
      detailError(ctx, 404, `Request ${id} not found`);
      return null;
    }
    return job;
  };

  const authed = (ctx: Ctx): boolean => {
    const auth = ctx.req.headers.authorization ?? '';
    if (!auth) {
      detailError(ctx, 401, 'Missing authorization header: send "Authorization: Key <FAL_KEY>".');
      return false;
    }
    if (auth === `Key ${apiKey}`) return true;
    if (/^bearer /i.test(auth)) detailError(ctx, 401, 'Invalid authorization header: fal expects "Key <FAL_KEY>", not Bearer.');
    else detailError(ctx, 401, 'No user found for Key ID and Secret');
    return false;
  };

  async function submit(ctx: Ctx, ep: FalEndpoint): Promise<void> {
    const route = ROUTES.submit;
    ctx.rec.route = route.name;
    const parsed = parseJsonObject(ctx);
    if (!authed(ctx)) return;
    if (await preFaults(ctx, route, plan, log, { rateLimited: (s) => ({ body: { detail: 'Rate limit exceeded' }, headers: { 'retry-after': String(s) } }), serverError: serverErrorBody })) return;
    if ('error' in parsed) {
      ctx.rec.validation = 'invalid';
      ctx.rec.validationError = parsed.error;
      stats.invalidRequests++;
      return detailError(ctx, 422, [{ loc: ['body'], msg: parsed.error, type: 'json_invalid' }]);
    }
    const input = parsed.value;
    const issue = checkSchema(ep.schema, input);
    const video = !issue && ep.videoField ? checkVideo(ep, input) : null;
    const problems = issue ? [detailOf(issue, input)] : [...checkImages(ep, input), ...(video?.problems ?? [])];
    const prompt = typeof input.prompt === 'string' ? input.prompt : '';
    let failure: FalFailure | null = null;
    if (problems.length) {
      ctx.rec.validation = 'invalid';
      ctx.rec.validationError = problems.map((p) => `${p.loc.join('.')}: ${p.msg}`).join('; ');
      stats.invalidRequests++;
      if (validation === 'submit') return detailError(ctx, 422, problems);
      failure = { status: 422, detail: problems, error: 'Unprocessable Entity', errorType: 'validation_error' };
    } else {
      ctx.rec.validation = 'valid';
    }
    const moderated = plan.faults.moderationWord === null ? false : prompt.toUpperCase().includes(String(plan.faults.moderationWord ?? 'FORBIDDEN').toUpperCase());
    if (!failure && moderated) {
      const detail = [{ loc: ['body', 'prompt'], msg: 'The content could not be processed because it contained material flagged by a content checker.', type: 'content_policy_violation', input: prompt }];
      if (moderationAt === 'submit') return detailError(ctx, 422, detail);
      failure = { status: 422, detail, error: 'The content could not be processed because it contained material flagged by a content checker.', errorType: 'content_policy_violation' };
    }
    // extend: the output is the source plus the extension (a source from this emulator keeps its length).
    const seconds = failure ? 1 : ep.seconds(input) + (video?.seconds ?? 0);
    const size = failure ? { width: 320, height: 180 } : ep.size(input);
    const audio = failure ? false : ep.audio(input);
    const job = jobs.create({
      idPrefix: '',
      id: randomUUID(),
      prompt,
      seconds,
      width: size.width,
      height: size.height,
      audio,
      priceUsd: failure ? 0 : roundUsd(ep.perSecond(input) * (ep.videoField ? ep.seconds(input) : seconds)),
      data: { endpoint: ep, input, source: video?.source ?? null, seed: typeof input.seed === 'number' ? input.seed : Math.floor(Math.random() * 2 ** 31), failure, fileName: `${randomBytes(6).toString('hex')}_output.mp4` },
    });
    if (failure) job.moderation = true; // fails like a moderated job (early, unbilled), with this failure's body
    else job.moderation = false;
    core.counted(job);
    log(`#${ctx.rec.seq} submitted ${job.id} to ${ep.id}${job.data.source ? ` extending ${job.data.source}` : ''} (${seconds}s ${size.width}x${size.height} "${prompt.slice(0, 40)}")`);
    if (afterCreateFaults(ctx, route, plan, log, serverErrorBody)) return;
    const u = urlsOf(job);
    sendJson(ctx, 200, { request_id: job.id, gateway_request_id: job.id, ...u, queue_position: jobs.queuePosition(job) });
  }

  async function handle(ctx: Ctx): Promise<void> {
    const p = ctx.url.pathname;
    const m = ctx.method;
    // CDN (no key, like fal's CDN).
    let r = /^\/cdn\/files\/([^/]+)\/([^/]+)$/.exec(p);
    if (r && (m === 'GET' || m === 'HEAD')) {
      ctx.rec.route = ROUTES.cdn.name;
      if (await preFaults(ctx, ROUTES.cdn, plan, log, { rateLimited: () => ({ body: { detail: 'Rate limit exceeded' } }), serverError: serverErrorBody })) return;
      const full = `${base}${p}`;
      const up = uploads.get(full);
      if (up) return sendBytes(ctx, up.bytes, up.contentType, { plan, route: ROUTES.cdn, log });
      const job = jobs.get(r[1] ?? '');
      if (!job || job.data.fileName !== r[2] || jobs.phase(job) !== 'done' || job.forcedStatus) return detailError(ctx, 404, 'Not Found');
      if (jobs.contentExpired(job)) return detailError(ctx, 404, 'Not Found: the file has expired.');
      const bytes = await media.video(job.seconds, job.width, job.height, job.audio);
      return sendBytes(ctx, bytes, 'video/mp4', { plan, route: ROUTES.cdn, log });
    }
    // Storage upload, step 2: the pre-signed PUT.
    r = /^\/storage\/upload\/put\/([^/]+)$/.exec(p);
    if (r && m === 'PUT') {
      ctx.rec.route = ROUTES.upload.name;
      const pending = pendingUploads.get(r[1] ?? '');
      if (!pending) return detailError(ctx, 404, 'Upload not found or already used');
      pendingUploads.delete(r[1] ?? '');
      uploads.set(pending.fileUrl, { bytes: ctx.raw, contentType: String(ctx.req.headers['content-type'] ?? pending.contentType) });
      ctx.rec.status = 200;
      ctx.res.writeHead(200).end();
      return;
    }
    // Storage upload, step 1.
    if (p === '/storage/upload/initiate' && m === 'POST') {
      ctx.rec.route = ROUTES.initiate.name;
      const parsed = parseJsonObject(ctx);
      if (!authed(ctx)) return;
      if (await preFaults(ctx, ROUTES.initiate, plan, log, { rateLimited: (s) => ({ body: { detail: 'Rate limit exceeded' }, headers: { 'retry-after': String(s) } }), serverError: serverErrorBody })) return;
      const st = ctx.url.searchParams.get('storage_type');
      const problems: FalFailure['detail'] = [];
      if (st !== null && st !== 'fal-cdn-v3' && st !== 'fal-cdn' && st !== 'gcs') problems.push({ loc: ['query', 'storage_type'], msg: "Input should be 'fal-cdn-v3', 'fal-cdn' or 'gcs'", type: 'literal_error' });
      if ('error' in parsed) problems.push({ loc: ['body'], msg: parsed.error, type: 'json_invalid' });
      else {
        const issue = checkSchema({ type: 'object', properties: { content_type: { type: 'string', minLength: 1 }, file_name: { type: 'string', minLength: 1 } }, required: ['content_type', 'file_name'], additionalProperties: false }, parsed.value);
        if (issue) problems.push(detailOf(issue, parsed.value));
      }
      if (problems.length) {
        ctx.rec.validation = 'invalid';
        ctx.rec.validationError = problems.map((x) => x.msg).join('; ');
        stats.invalidRequests++;
        return detailError(ctx, 422, problems);
      }
      ctx.rec.validation = 'valid';
      const v = (parsed as { value: Record<string, unknown> }).value;
      const token = randomBytes(12).toString('hex');
      const name = String(v.file_name).replace(/[^\w.-]/g, '_');
      const fileUrlStr = `${base}/cdn/files/${token}/${name}`;
      pendingUploads.set(token, { fileUrl: fileUrlStr, contentType: String(v.content_type) });
      return sendJson(ctx, 200, { upload_url: `${base}/storage/upload/put/${token}?X-Goog-Signature=${randomBytes(8).toString('hex')}`, file_url: fileUrlStr });
    }
    // Queue: status, result, cancel under {owner}/{alias}/requests/{id}.
    r = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(p);
    if (r) {
      const app = r[1] ?? '';
      const id = r[2] ?? '';
      const tail = r[3] ?? '';
      const route = tail === '/status' ? ROUTES.status : tail === '/cancel' ? ROUTES.cancel : ROUTES.result;
      ctx.rec.route = route.name;
      const wantMethod = tail === '/cancel' ? 'PUT' : 'GET';
      if (m !== wantMethod) return detailError(ctx, 405, 'Method Not Allowed');
      if (!authed(ctx)) return;
      if (await preFaults(ctx, route, plan, log, { rateLimited: (s) => ({ body: { detail: 'Rate limit exceeded' }, headers: { 'retry-after': String(s) } }), serverError: serverErrorBody })) return;
      const job = findJob(ctx, app, id);
      if (!job) return;
      if (tail === '/status') {
        const v = statusView(job, ctx.url.searchParams.get('logs') === '1');
        return sendJson(ctx, v.code, v.body);
      }
      if (tail === '/cancel') {
        if (jobs.cancel(job)) return sendJson(ctx, 202, { status: 'CANCELLATION_REQUESTED' });
        return sendJson(ctx, 400, { status: 'ALREADY_COMPLETED' });
      }
      // result
      const ph = jobs.phase(job);
      if (ph === 'queued' || ph === 'running') return detailError(ctx, 400, 'Request is still in progress');
      if (ph === 'cancelled') return detailError(ctx, 400, 'Request was cancelled');
      if (ph === 'moderated') return detailError(ctx, job.data.failure!.status, job.data.failure!.detail);
      if (ph === 'offspec' || job.forcedStatus) return detailError(ctx, 500, `Request ended with status ${job.forcedStatus ?? job.offSpec}`);
      if (jobs.contentExpired(job)) return detailError(ctx, 404, `Request ${id} not found: results are kept for a limited time.`);
      const bytes = await media.video(job.seconds, job.width, job.height, job.audio);
      return sendJson(ctx, 200, { video: { url: fileUrl(job), content_type: 'video/mp4', file_name: job.data.fileName, file_size: bytes.length }, seed: job.data.seed });
    }
    // Submit: POST /{endpoint_id}.
    const epId = p.replace(/^\/+/, '');
    const ep = falEndpoint(epId);
    if (ep && m === 'POST') return submit(ctx, ep);
    if (!authed(ctx)) return;
    if (ep) return detailError(ctx, 405, 'Method Not Allowed');
    return detailError(ctx, 404, `Application '${epId}' not found`);
  }

  server = await startKitServer({ port: opts.port, now, log, handle, onError: (ctx) => detailError(ctx, 500, 'Internal Server Error') });
  base = server.url;
  log(`listening on ${base}`);
  const common = core.common(server, apiKey, base);
  return {
    ...common,
    uploads,
    status(id) {
      const j = jobs.get(id);
      return j ? statusView(j, false).body : undefined;
    },
    contentOf: common.contentOf,
    sourceOf: (id) => jobs.get(id)?.data.source ?? null,
  };
}
