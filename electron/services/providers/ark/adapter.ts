// Seedance on Volcengine Ark / BytePlus ModelArk: content generation tasks (PROVIDERS.md §4).
//
// - Create: POST {base}/contents/generations/tasks (`Authorization: Bearer`), content parts: the prompt, then
//   images as data: URIs with role first_frame / last_frame / reference_image; ratio, resolution and duration
//   from the size and length; return_last_frame so the exact last frame comes back as its own output; and a
//   seed chosen here (the request's, or one derived from the job id, the same on every send) because the
//   task object does not echo the prompt and the seed is what tells our task from another.
// - Poll: GET …/tasks/{id}: queued | running | succeeded | failed | cancelled | expired. On success
//   content.video_url (signed, no key, about 24 h) and content.last_frame_url. The video URL may answer 400
//   video_not_ready for a moment: that is retried, never a failed scene.
// - Reconcile an unknown create: GET …/tasks?filter.model=… newest first, read back past the moment we sent
//   it on the server's clock; a task matches by model, created_at, duration, ratio, resolution and our seed.
//   Only a list read back that far with no match says "no such task"; anything else throws (no proof).
// - Cancel: DELETE …/tasks/{id} (a queued task is cancelled; a running one cannot be, which is ignored).
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { AppError } from '../../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../../shared/capabilities.ts';
import { ARK_USD_PER_M_TOKENS } from '../../../../shared/catalog/ark.ts';
import type { RetryPolicy } from '../../net/http.ts';
import { ProviderHttp, ProviderHttpError } from '../../net/provider-http.ts';
import type { ProviderErrorBody } from '../../net/provider-http.ts';
import { parseSize, readImages } from '../images.ts';
import { markOutcomeUnknown } from '../types.ts';
import type { CreateRequest, DownloadOptions, JobRef, Provider, RemoteHandle, RemoteOutput, RemoteStatus } from '../types.ts';

export const ARK_BASE_URLS = {
  byteplus: 'https://ark.ap-southeast.bytepluses.com/api/v3',
  cn: 'https://ark.cn-beijing.volces.com/api/v3',
} as const;

/** The API's own host for a region setting: `cn` is Volcengine (Beijing), anything else BytePlus. */
export function arkDefaultBaseUrl(settings: Readonly<Record<string, string | null | undefined>>): string {
  return settings.region === 'cn' ? ARK_BASE_URLS.cn : ARK_BASE_URLS.byteplus;
}

/** Signed result URLs last about 24 h (PROVIDERS.md §4). */
const URL_TTL_MS = 24 * 3_600_000;
const PAGE_SIZE = 100;
const RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];

export interface ArkOptions {
  /** e.g. "https://ark.ap-southeast.bytepluses.com/api/v3" (the path up to and excluding "/contents"). */
  baseUrl: string;
  apiKey: string;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  timeouts?: { headersMs?: number; bodyMs?: number };
  /** How far before the send reconcile looks when the server's clock is not known yet. Default 120 s. */
  reconcileSkewMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface ArkTask {
  id: string;
  model?: string;
  status?: string;
  created_at?: number;
  updated_at?: number;
  seed?: number;
  ratio?: string;
  resolution?: string;
  duration?: number;
  content?: { video_url?: string; last_frame_url?: string } | null;
  usage?: { completion_tokens?: number; total_tokens?: number } | null;
  error?: { code?: string; message?: string } | null;
  [key: string]: unknown;
}

/** A seed for a job that has none: the same for every send of that job, so reconcile can recognise it. */
export function stableSeed(jobId: string): number {
  return createHash('sha256').update(`storyreel-seed:${jobId}`).digest().readUInt32BE(0) % 2_147_483_647;
}

/** "1280x720" → Ark's ratio and resolution ("16:9", "720p"). */
export function formatOf(size: string): { ratio: string; resolution: string } {
  const s = parseSize(size);
  if (!s) throw new AppError('UnsupportedByModel', `Seedance cannot render the size "${size}".`);
  const r = s.width / s.height;
  const ratio = RATIOS.reduce((best, x) => {
    const v = (q: string) => {
      const [a, b] = q.split(':').map(Number) as [number, number];
      return Math.abs(a / b - r);
    };
    return v(x) < v(best) ? x : best;
  }, '16:9');
  return { ratio, resolution: `${Math.min(s.width, s.height)}p` };
}

/** Ark's `{error:{code,message,param,type}}`, or object storage's `{Code, Message}` on a signed URL. */
export function parseArkError(json: unknown): ProviderErrorBody | undefined {
  const j = json as { error?: unknown; Code?: unknown; Message?: unknown } | undefined;
  if (j?.error && typeof j.error === 'object') return j.error as ProviderErrorBody;
  if (typeof j?.Code === 'string') return { code: j.Code, message: typeof j.Message === 'string' ? j.Message : undefined };
  return undefined;
}

const isSensitive = (code: string | null | undefined): boolean => /Sensitive|RiskDetection|Moderation/i.test(code ?? '');

export class ArkProvider implements Provider {
  readonly profile: ProviderProfile;
  private readonly http: ProviderHttp;

  constructor(private readonly opts: ArkOptions) {
    const profile = providerProfile('ark');
    if (!profile) throw new Error('ark profile missing from shared/catalog');
    this.profile = profile;
    this.http = new ProviderHttp({
      name: 'ark',
      baseUrl: opts.baseUrl,
      auth: { authorization: `Bearer ${opts.apiKey}` },
      secrets: [opts.apiKey].filter((s) => s.length >= 4),
      log: opts.log,
      parseError: (json) => parseArkError(json),
      classify: ({ status, body, op }, say, base) => {
        const code = body?.code ?? '';
        if (op === 'download' && code === 'video_not_ready') {
          // The signed URL answers before the file is in place: a moment's wait, not a failure.
          return new ProviderHttpError('ProviderUnavailable', 'The video is not ready to download yet. Storyreel will try again.', { ...base, retryAfterMs: base.retryAfterMs ?? 1000, retryable: true });
        }
        if (op === 'download' && status === 403) return new ProviderHttpError('ContentExpired', 'The signed link to this video expired before it could be downloaded.', { ...base, retryable: false });
        if (op === 'create' && status === 400 && isSensitive(code)) return new ProviderHttpError('ModerationBlocked', say('Seedance refused this prompt or image (sensitive content).'), { ...base, retryable: false });
        if (/QuotaExceeded|AccountOverdue|ServiceNotOpen/i.test(code)) return new ProviderHttpError('ProviderRejected', say('The Ark account cannot run this model now (quota, balance or the model is not activated).'), { ...base, retryable: false });
        return null;
      },
      dispatcher: opts.dispatcher,
      retry: opts.retry,
      timeouts: opts.timeouts,
      sleep: opts.sleep,
      random: opts.random,
      now: opts.now,
    });
  }

  model(name: string): ModelProfile | undefined {
    return modelProfile('ark', name);
  }

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    const roles = { 'first-frame': 'first_frame', 'last-frame': 'last_frame', reference: 'reference_image' } as const;
    const images = (await readImages(req)).map((i) => ({ type: 'image_url', image_url: { url: `data:${i.mime};base64,${i.base64}` }, role: roles[i.role] }));
    const prompt = req.negativePrompt?.trim() ? `${req.prompt}\n\nAvoid: ${req.negativePrompt.trim()}` : req.prompt;
    const seed = seedOf(req);
    const body = {
      model: req.model,
      content: [{ type: 'text', text: prompt }, ...images],
      ...formatOf(req.size),
      duration: req.seconds,
      ...(typeof req.audio === 'boolean' ? { generate_audio: req.audio } : {}),
      seed,
      watermark: false,
      return_last_frame: true,
    };
    const { value, status } = await this.http.json<{ id?: string }>('POST', '/contents/generations/tasks', { signal, body: JSON.stringify(body), contentType: 'application/json', op: 'create' });
    if (typeof value.id !== 'string' || !value.id) throw markOutcomeUnknown(this.http.unreadable('POST /contents/generations/tasks', status));
    this.http.log(`created ${value.id} (seed ${seed})`);
    return { providerJobId: value.id, handle: { id: value.id, extra: { seed } } };
  }

  async status(providerJobId: string, signal: AbortSignal): Promise<RemoteStatus> {
    const task = await this.task(providerJobId, signal);
    return toRemoteStatus(task, this.http.serverClockOffsetMs() ?? 0);
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions & { ref?: JobRef }): Promise<void> {
    let url = opts.ref?.outputs.find((o) => o.kind === 'video')?.locator;
    if (!url) {
      const task = await this.task(providerJobId, opts.signal);
      url = task.content?.video_url;
      if (!url) throw new ProviderHttpError('ContentExpired', 'Ark no longer has a video for this task.', { retryable: false, detail: `task ${providerJobId}: status ${String(task.status)}, no video_url` });
    }
    // A signed object-storage URL on another host: never send the key there.
    await this.http.download(url, destFile, { signal: opts.signal, withAuth: false, onProgress: opts.onProgress });
  }

  /** The task's own last frame (return_last_frame), fetched beside the take. */
  async downloadOutput(output: RemoteOutput, destFile: string, signal: AbortSignal): Promise<void> {
    await this.http.download(output.locator, destFile, { signal, withAuth: output.needsAuth });
  }

  /**
   * After a create whose outcome is unknown: our task, or null when Ark's own list, read back past the moment
   * the request was sent, has none like it. Throws when there is no proof either way.
   */
  async reconcile(req: CreateRequest, exclude: ReadonlySet<string>, signal: AbortSignal): Promise<string | null> {
    const want = { ...formatOf(req.size), duration: req.seconds, seed: seedOf(req) };
    const candidates: ArkTask[] = [];
    let fromS = 0;
    let sentS = 0;
    let covered = false;
    let seen = 0;
    for (let page = 1; page <= 50 && !covered; page++) {
      let items: ArkTask[];
      let total: number | undefined;
      try {
        const { value, status } = await this.http.json<{ items?: unknown; total?: unknown }>('GET', '/contents/generations/tasks', { signal, op: 'list', query: { page_num: String(page), page_size: String(PAGE_SIZE), 'filter.model': req.model } });
        if (!Array.isArray(value.items)) throw this.http.unreadable('list tasks', status);
        items = (value.items as ArkTask[]).filter((t) => typeof t?.id === 'string');
        total = typeof value.total === 'number' ? value.total : undefined;
      } catch (err) {
        if (err instanceof ProviderHttpError && (err.status === 404 || err.status === 405 || err.status === 501)) {
          throw new ProviderHttpError('OutcomeUnknown', `${this.http.host} cannot list its tasks, so Storyreel cannot tell whether it received this scene.`, { retryable: false, status: err.status, detail: err.detail });
        }
        throw err;
      }
      if (page === 1) {
        // A task made for this request was created after we sent it, on the server's clock. With the clock
        // known from this answer's Date header, that is exact to about a second (created_at has whole seconds).
        const offset = this.http.serverClockOffsetMs();
        const slackMs = offset === null ? (this.opts.reconcileSkewMs ?? 120_000) : 2000;
        sentS = (req.sentAt + (offset ?? 0)) / 1000;
        fromS = Math.floor(sentS - slackMs / 1000);
      }
      for (const t of items) {
        if (typeof t.created_at === 'number' && t.created_at < fromS) {
          covered = true; // newest first: everything after this is older still
          continue;
        }
        if (!exclude.has(t.id) && matchesTask(t, req.model, want)) candidates.push(t);
      }
      seen += items.length;
      if (items.length < PAGE_SIZE || (total !== undefined && seen >= total)) covered = true;
    }
    if (!candidates.length) {
      if (!covered) throw new ProviderHttpError('ProviderUnavailable', "Ark's task list did not reach back to when this scene was sent.", { retryable: true, detail: 'reconcile: list not read back far enough' });
      this.http.log(`reconcile: no task matches seed ${want.seed} sent at ${new Date(req.sentAt).toISOString()}`);
      return null;
    }
    candidates.sort((a, b) => Math.abs((a.created_at ?? 0) - sentS) - Math.abs((b.created_at ?? 0) - sentS) || (a.created_at ?? 0) - (b.created_at ?? 0));
    this.http.log(`reconcile: found ${candidates[0]!.id} (${candidates.length} candidate(s))`);
    return candidates[0]!.id;
  }

  async cancel(providerJobId: string, signal: AbortSignal): Promise<void> {
    try {
      await this.http.send('DELETE', `/contents/generations/tasks/${encodeURIComponent(providerJobId)}`, { signal, op: 'cancel' });
    } catch (err) {
      // A running task cannot be cancelled; a gone one needs nothing.
      if (err instanceof ProviderHttpError && err.status !== undefined && err.status >= 400 && err.status < 500) {
        this.http.log(`cancel ${providerJobId}: ${err.status} ignored`);
        return;
      }
      throw err;
    }
  }

  private async task(id: string, signal: AbortSignal): Promise<ArkTask> {
    const { value, status } = await this.http.json<ArkTask>('GET', `/contents/generations/tasks/${encodeURIComponent(id)}`, { signal, op: 'status' });
    if (typeof value.status !== 'string') throw this.http.unreadable('GET task', status);
    return value;
  }
}

function seedOf(req: Pick<CreateRequest, 'seed' | 'jobId'>): number {
  return typeof req.seed === 'number' && req.seed >= 0 ? req.seed : stableSeed(req.jobId);
}

/** Does this listed task look like the one our request made? Every field Ark echoes must agree. */
export function matchesTask(t: ArkTask, model: string, want: { ratio: string; resolution: string; duration: number; seed: number }): boolean {
  return t.model === model && t.seed === want.seed && t.duration === want.duration && t.resolution === want.resolution && t.ratio === want.ratio;
}

/** Maps a task to the engine's RemoteStatus. `offsetMs` is the server's clock minus ours. */
export function toRemoteStatus(task: ArkTask, offsetMs: number): RemoteStatus {
  switch (task.status) {
    case 'queued':
      return { state: 'queued', progress: 0 };
    case 'running':
      return { state: 'running', progress: 0 };
    case 'succeeded': {
      const video = task.content?.video_url;
      if (!video) return { state: 'failed', code: 'no_video', message: 'Ark finished this task without a video.' };
      const doneS = task.updated_at ?? task.created_at;
      const expiresAt = typeof doneS === 'number' ? doneS * 1000 - offsetMs + URL_TTL_MS : null;
      const outputs: RemoteOutput[] = [{ kind: 'video', locator: video, needsAuth: false, expiresAt, mime: 'video/mp4' }];
      if (task.content?.last_frame_url) outputs.push({ kind: 'last-frame', locator: task.content.last_frame_url, needsAuth: false, expiresAt, mime: 'image/png' });
      const tokens = task.usage?.completion_tokens;
      const rate = task.model ? ARK_USD_PER_M_TOKENS[task.model] : undefined;
      return { state: 'completed', expiresAt, outputs, ...(typeof tokens === 'number' && rate !== undefined ? { costUsd: Math.round((tokens / 1e6) * rate * 1e4) / 1e4 } : {}) };
    }
    case 'failed': {
      const code = task.error?.code ?? 'failed';
      // Billed only when Ark reports output tokens for the failed task.
      const billed = (task.usage?.completion_tokens ?? 0) > 0;
      if (isSensitive(code)) return { state: 'failed', code: `moderation (${code})`, message: task.error?.message ?? 'Seedance refused this video (sensitive content).', billed };
      return { state: 'failed', code, message: task.error?.message ?? 'Ark could not generate this video.', billed };
    }
    default:
      // cancelled, expired (the engine reads it as expired content), anything new: stop waiting.
      return { state: 'unknown', raw: String(task.status) };
  }
}
