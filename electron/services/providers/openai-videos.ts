// Adapter for the `/v1/videos` API (OpenAI Videos shape). OpenAI itself shut the API down on 2026-09-24;
// gateways (LiteLLM, commercial gateways, Azure's v1 surface) still serve it for other models, so the base
// URL, key and model are all configuration and nothing assumes sora-2.
//
// Billing safety (PROVIDERS.md §1: the official SDKs retry POSTs on 5xx with no idempotency key):
// - A create is sent once. It is re-sent by requestWithRetry only when the connection provably never
//   carried it (connection refused, DNS, connect timeout).
// - A clean 4xx is a definite "no": nothing was created. 429 → RateLimited (retryable, with the server's
//   wait hint as `retryAfterMs`); 401/403 → AuthFailed; others → ProviderRejected.
// - Outcome unknown (error marked with markOutcomeUnknown; the engine reconciles, never resends blindly):
//   timeouts/resets after the request may have been sent, an abort while in flight, a 2xx we cannot read,
//   and 408/5xx. 5xx counts as unknown because gateways and proxies answer 500/502/503/504 after the
//   upstream may already have accepted (and billed) the job; an extra list call to reconcile is cheap,
//   a duplicate job is not.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { FormData } from 'undici';
import type { Dispatcher } from 'undici';
import { AppError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../shared/capabilities.ts';
import { markOutcomeUnknown } from './types.ts';
import type { CreateRequest, DownloadOptions, Provider, RemoteStatus } from './types.ts';
import { HttpAbortError, HttpNetworkError, backoffDelay, readJson, readText, redact, requestWithRetry, retryAfterMs } from '../net/http.ts';
import type { HttpClientOptions, HttpMethod, HttpResponse, RetryPolicy } from '../net/http.ts';

export interface OpenAiVideosOptions {
  /** e.g. "https://gateway.example.com/v1" (the path up to and excluding "/videos"). */
  baseUrl: string;
  apiKey: string;
  /** How the key is sent: `Authorization: Bearer` (default) or Azure's `api-key` header. */
  authHeader?: 'bearer' | 'api-key';
  /** Query parameters added to every request (e.g. Azure's `api-version`). */
  defaultQuery?: Record<string, string>;
  /** Extra headers on every request (e.g. a gateway's routing header). Never logged. */
  extraHeaders?: Record<string, string>;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** How many times a download resumes (or restarts) after the connection breaks. Default 5. */
  maxDownloadResumes?: number;
  /** Default 30 s for API calls (headers), 60 s idle during a download. */
  timeouts?: { headersMs?: number; bodyMs?: number };
  /** How far before `sentAt` reconcile looks (clock skew between us and the provider). Default 120 s. */
  reconcileSkewMs?: number;
  /** Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** The video object as the API returns it (fields beyond the spec are kept). */
export interface VideoObject {
  id: string;
  object?: string;
  model?: string;
  status: string;
  progress?: number;
  created_at?: number;
  completed_at?: number | null;
  expires_at?: number | null;
  prompt?: string | null;
  size?: string;
  seconds?: string;
  remixed_from_video_id?: string | null;
  error?: { code?: string; message?: string } | null;
  [key: string]: unknown;
}
export interface VideoList {
  object: 'list';
  data: VideoObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}
export interface ListQuery {
  limit?: number;
  order?: 'asc' | 'desc';
  after?: string;
}

/** An AppError that carries what the HTTP exchange said (never the key). */
export class ProviderHttpError extends AppError {
  /** HTTP status, when there was one. */
  readonly status: number | undefined;
  /** The server's wait hint in ms (429/503), read by the job engine's backoff. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, o: { detail?: string; retryable?: boolean; status?: number; retryAfterMs?: number } = {}) {
    super(code, message, { detail: o.detail, retryable: o.retryable });
    this.status = o.status;
    this.retryAfterMs = o.retryAfterMs;
  }
}

const MIME_BY_EXT: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

interface ApiError {
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

type Op = 'create' | 'status' | 'download' | 'list' | 'delete';

export class OpenAiVideosProvider implements Provider {
  readonly profile: ProviderProfile;
  private readonly base: string;
  private readonly http: HttpClientOptions;
  private readonly secrets: string[];
  private readonly logLine: (line: string) => void;
  /** Server clock minus ours, learned from each response's Date header; null until the first answer. */
  private serverOffsetMs: number | null = null;

  constructor(private readonly opts: OpenAiVideosOptions) {
    const profile = providerProfile('openai-videos');
    if (!profile) throw new Error('openai-videos profile missing from shared/capabilities.ts');
    this.profile = profile;
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.secrets = [opts.apiKey].filter((s) => s.length >= 4);
    this.logLine = (line) => opts.log?.(redact(`[openai-videos] ${line}`, this.secrets));
    this.http = {
      dispatcher: opts.dispatcher,
      retry: opts.retry,
      sleep: opts.sleep,
      random: opts.random,
      now: opts.now,
      secrets: this.secrets,
      log: this.logLine,
      headersTimeoutMs: opts.timeouts?.headersMs ?? 30_000,
      bodyTimeoutMs: opts.timeouts?.bodyMs ?? 60_000,
    };
  }

  model(name: string): ModelProfile | undefined {
    return modelProfile('openai-videos', name);
  }

  // ---- Provider ----------------------------------------------------------------------------------------

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string }> {
    const fields = { model: req.model, prompt: req.prompt, seconds: String(req.seconds), size: req.size };
    let body: string | FormData;
    let contentType: string | undefined;
    if (req.referenceImage) {
      const mime = MIME_BY_EXT[path.extname(req.referenceImage).toLowerCase()];
      if (!mime) throw new AppError('InvalidInput', 'The reference image must be a PNG, JPEG or WebP file.', { detail: `extension ${path.extname(req.referenceImage) || '(none)'}` });
      let bytes: Buffer;
      try {
        bytes = await fs.promises.readFile(req.referenceImage);
      } catch (err) {
        throw new AppError('InvalidInput', 'The reference image could not be read.', { detail: (err as Error).message });
      }
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('input_reference', new Blob([new Uint8Array(bytes)], { type: mime }), path.basename(req.referenceImage));
      body = form;
    } else {
      body = JSON.stringify(fields);
      contentType = 'application/json';
    }
    const video = await this.postJob('/videos', body, contentType, signal);
    return { providerJobId: video.id };
  }

  async status(providerJobId: string, signal: AbortSignal): Promise<RemoteStatus> {
    const { video, pollAfterMs } = await this.retrieveWithHints(providerJobId, signal);
    return toRemoteStatus(video, pollAfterMs, this.secrets);
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions): Promise<void> {
    await this.fetchContent(providerJobId, 'video', destFile, opts.signal, opts.onProgress);
  }

  async downloadThumbnail(providerJobId: string, destFile: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.fetchContent(providerJobId, 'thumbnail', destFile, signal);
      return true;
    } catch (err) {
      if (signal.aborted || (err instanceof AppError && err.code === 'Aborted')) throw err;
      this.logLine(`thumbnail of ${providerJobId} not available: ${(err as Error).message}`);
      await fs.promises.rm(destFile, { force: true }).catch(() => {});
      return false;
    }
  }

  async reconcile(req: CreateRequest, exclude: ReadonlySet<string>, signal: AbortSignal): Promise<string | null> {
    const candidates: VideoObject[] = [];
    let fromS = 0;
    let sentS = req.sentAt / 1000;
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      let list: VideoList;
      try {
        list = await this.list({ limit: 100, order: 'desc', ...(after ? { after } : {}) }, signal);
      } catch (err) {
        if (err instanceof ProviderHttpError && (err.status === 404 || err.status === 405 || err.status === 501)) {
          // Some gateways do not implement GET /videos: say so instead of "rejected".
          throw new ProviderHttpError('ProviderUnavailable', 'This provider cannot list its videos, so Storyreel cannot tell whether it received this scene. Check the provider dashboard before generating it again.', { retryable: false, status: err.status, detail: err.detail });
        }
        throw err;
      }
      if (page === 0) {
        // Our job cannot have been created before we sent it. With the server's clock offset known (from
        // the Date header of the answer just read), "before we sent it" is exact to about a second, so an
        // identical request made earlier (another project, another take) is never adopted. Without it,
        // fall back to a wide window for clock skew.
        const offset = this.serverOffsetMs;
        const slackMs = offset === null ? (this.opts.reconcileSkewMs ?? 120_000) : 2000;
        sentS = (req.sentAt + (offset ?? 0)) / 1000;
        fromS = Math.floor(sentS - slackMs / 1000);
      }
      let older = false;
      for (const v of list.data) {
        if (typeof v.created_at === 'number' && v.created_at < fromS) {
          older = true;
          continue;
        }
        if (!exclude.has(v.id) && matchesRequest(v, req)) candidates.push(v);
      }
      if (older || !list.has_more || !list.last_id || list.data.length === 0) break;
      after = list.last_id;
    }
    if (candidates.length === 0) {
      this.logLine(`reconcile: no job matches the request sent at ${new Date(req.sentAt).toISOString()}`);
      return null;
    }
    // Nearest to the moment we sent it; on a tie the older one (a later twin is more likely someone else's retry).
    candidates.sort((a, b) => Math.abs((a.created_at ?? 0) - sentS) - Math.abs((b.created_at ?? 0) - sentS) || (a.created_at ?? 0) - (b.created_at ?? 0));
    const found = candidates[0]!;
    this.logLine(`reconcile: found ${found.id} (${candidates.length} candidate(s))`);
    return found.id;
  }

  async cancel(providerJobId: string, signal: AbortSignal): Promise<void> {
    try {
      await this.delete(providerJobId, signal);
    } catch (err) {
      // The API deletes only completed or failed jobs; a refusal is not worth surfacing.
      if (err instanceof ProviderHttpError && err.status !== undefined && err.status >= 400 && err.status < 500) {
        this.logLine(`cancel ${providerJobId}: ${err.status} ignored`);
        return;
      }
      throw err;
    }
  }

  // ---- Other operations --------------------------------------------------------------------------------

  async retrieve(videoId: string, signal?: AbortSignal): Promise<VideoObject> {
    return (await this.retrieveWithHints(videoId, signal)).video;
  }

  /** POST /videos/{id}/remix. The same billing rules as create apply (see the file header). */
  async remix(videoId: string, prompt: string, signal?: AbortSignal): Promise<VideoObject> {
    return this.postJob(`/videos/${encodeURIComponent(videoId)}/remix`, JSON.stringify({ prompt }), 'application/json', signal);
  }

  /** POST /videos/extensions: `seconds` is the length of the new segment. */
  async extend(videoId: string, prompt: string, seconds: number, signal?: AbortSignal): Promise<VideoObject> {
    return this.postJob('/videos/extensions', JSON.stringify({ video: { id: videoId }, prompt, seconds: String(seconds) }), 'application/json', signal);
  }

  /** POST /videos/edits. */
  async edit(videoId: string, prompt: string, signal?: AbortSignal): Promise<VideoObject> {
    return this.postJob('/videos/edits', JSON.stringify({ video: { id: videoId }, prompt }), 'application/json', signal);
  }

  async list(query: ListQuery = {}, signal?: AbortSignal): Promise<VideoList> {
    const q: Record<string, string> = {};
    if (query.limit !== undefined) q.limit = String(query.limit);
    if (query.order) q.order = query.order;
    if (query.after) q.after = query.after;
    const res = await this.send('GET', '/videos', { signal, query: q, op: 'list' });
    const json = (await readJson(res.body)) as Partial<VideoList> | undefined;
    if (!json || !Array.isArray(json.data)) throw this.unreadable('list', res.status);
    const data = json.data.filter((v): v is VideoObject => typeof v?.id === 'string');
    return { object: 'list', data, first_id: json.first_id ?? data[0]?.id ?? null, last_id: json.last_id ?? data.at(-1)?.id ?? null, has_more: json.has_more === true };
  }

  async delete(videoId: string, signal?: AbortSignal): Promise<{ id: string; deleted: boolean }> {
    const res = await this.send('DELETE', `/videos/${encodeURIComponent(videoId)}`, { signal, op: 'delete' });
    const json = (await readJson(res.body)) as { id?: string; deleted?: boolean } | undefined;
    return { id: json?.id ?? videoId, deleted: json?.deleted === true };
  }

  // ---- Internals ---------------------------------------------------------------------------------------

  private url(p: string, query: Record<string, string> = {}): string {
    const u = new URL(this.base + p);
    for (const [k, v] of Object.entries({ ...this.opts.defaultQuery, ...query })) u.searchParams.set(k, v);
    return u.toString();
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const auth: Record<string, string> = this.opts.authHeader === 'api-key' ? { 'api-key': this.opts.apiKey } : { authorization: `Bearer ${this.opts.apiKey}` };
    return { accept: 'application/json', 'user-agent': 'Storyreel', ...this.opts.extraHeaders, ...extra, ...auth };
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }

  /**
   * One API call through requestWithRetry. Network failures become AppErrors here; statuses are
   * mapped by the caller (2xx) or by httpError (everything else, which throws).
   */
  private async send(method: HttpMethod, p: string, o: { signal?: AbortSignal | undefined; query?: Record<string, string>; body?: string | FormData; contentType?: string | undefined; headers?: Record<string, string>; op: Op; bodyTimeoutMs?: number }): Promise<HttpResponse> {
    const headers = this.headers({ ...(o.contentType ? { 'content-type': o.contentType } : {}), ...o.headers });
    let res: HttpResponse;
    try {
      res = await requestWithRetry({ method, url: this.url(p, o.query), headers, body: o.body ?? null, signal: o.signal, bodyTimeoutMs: o.bodyTimeoutMs }, this.http);
    } catch (err) {
      throw this.networkError(err, o.op);
    }
    this.learnClock(res.headers);
    if (res.status >= 200 && res.status < 300) return res;
    throw await this.httpError(res, method, p, o.op);
  }

  /** The Date header has whole seconds: the server's clock is somewhere in [date, date + 1 s). */
  private learnClock(headers: Record<string, string | string[] | undefined>): void {
    const raw = headers.date;
    const parsed = Date.parse(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
    if (Number.isFinite(parsed)) this.serverOffsetMs = parsed + 500 - (this.opts.now ?? Date.now)();
  }

  private networkError(err: unknown, op: Op): AppError {
    if (err instanceof HttpAbortError) {
      const e = new AppError('Aborted', 'Canceled.', { detail: this.clean(err.message) });
      // A create canceled in flight may have reached the provider.
      return op === 'create' && err.maybeSent ? markOutcomeUnknown(e) : e;
    }
    if (err instanceof HttpNetworkError) {
      const e = new ProviderHttpError('ProviderUnavailable', 'The video provider could not be reached. Storyreel will try again.', {
        retryable: true,
        detail: this.clean(`${err.message} (${err.attempts} attempt(s))`),
      });
      return op === 'create' && err.maybeSent ? markOutcomeUnknown(e) : e;
    }
    return new AppError('Internal', 'Something went wrong talking to the video provider.', { detail: this.clean(err instanceof Error ? err.message : String(err)) });
  }

  private async httpError(res: HttpResponse, method: string, p: string, op: Op): Promise<AppError> {
    const text = await readText(res.body, 64_000).catch(() => '');
    let apiError: ApiError | undefined;
    try {
      apiError = (JSON.parse(text) as { error?: ApiError }).error;
    } catch {
      /* not JSON */
    }
    const serverMsg = this.clean(apiError?.message ?? text.slice(0, 300)).trim();
    const status = res.status;
    const wait = retryAfterMs(res.headers, (this.opts.now ?? Date.now)()) ?? undefined;
    const detail = this.clean(`${method} ${p} → ${status}${apiError?.type ? ` ${apiError.type}` : ''}${apiError?.code ? ` (${apiError.code})` : ''}${apiError?.param ? ` param=${apiError.param}` : ''}: ${serverMsg || '(no body)'}`);
    const base = { detail, status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    const say = (s: string): string => (serverMsg ? `${s} The provider said: ${serverMsg}` : s);

    if (status === 401 || status === 403) return new ProviderHttpError('AuthFailed', say('The video provider refused the API key.'), { ...base, retryable: false });
    if (status === 429) {
      if (apiError?.code === 'insufficient_quota') return new ProviderHttpError('ProviderRejected', say('The provider account has no quota left.'), { ...base, retryable: false });
      return new ProviderHttpError('RateLimited', 'The video provider is rate limiting requests. Storyreel will retry by itself.', { ...base, retryable: true });
    }
    if (op === 'create' && (status === 408 || status >= 500)) {
      // See the file header: a gateway may fail after its upstream accepted the job.
      return markOutcomeUnknown(new ProviderHttpError('ProviderUnavailable', 'The video provider failed while taking the request; Storyreel will check whether it was received before sending it again.', { ...base, retryable: true }));
    }
    if (status === 408 || status === 409 || status >= 500) {
      return new ProviderHttpError('ProviderUnavailable', 'The video provider is having trouble. Storyreel will try again.', { ...base, retryable: true });
    }
    if ((status === 404 || status === 410) && (op === 'status' || op === 'download')) {
      return new ProviderHttpError('ContentExpired', 'The provider no longer has this video (it expired or was deleted).', { ...base, retryable: false });
    }
    return new ProviderHttpError('ProviderRejected', say('The video provider rejected the request.'), { ...base, retryable: false });
  }

  private unreadable(what: string, status: number): AppError {
    return new ProviderHttpError('ProviderUnavailable', 'The video provider sent a reply Storyreel cannot read.', { retryable: true, status, detail: `${what}: ${status} with an unreadable body` });
  }

  /** create / remix / extensions / edits: one send, never a blind resend. */
  private async postJob(p: string, body: string | FormData, contentType: string | undefined, signal: AbortSignal | undefined): Promise<VideoObject> {
    const res = await this.send('POST', p, { signal, body, contentType, op: 'create' });
    const json = (await readJson(res.body).catch(() => undefined)) as VideoObject | undefined;
    if (!json || typeof json.id !== 'string' || !json.id) {
      // 2xx means the provider probably made the job, but we cannot tell which: reconcile.
      throw markOutcomeUnknown(this.unreadable(`POST ${p}`, res.status));
    }
    this.logLine(`created ${json.id} (${json.status ?? '?'})`);
    return json;
  }

  private async retrieveWithHints(videoId: string, signal: AbortSignal | undefined): Promise<{ video: VideoObject; pollAfterMs: number | undefined }> {
    const res = await this.send('GET', `/videos/${encodeURIComponent(videoId)}`, { signal, op: 'status' });
    const json = (await readJson(res.body)) as VideoObject | undefined;
    if (!json || typeof json.status !== 'string') throw this.unreadable('GET video', res.status);
    const hint = Number(res.headers['openai-poll-after-ms']);
    return { video: json, pollAfterMs: Number.isFinite(hint) && hint > 0 ? hint : undefined };
  }

  /**
   * Streams /videos/{id}/content into destFile. After a broken connection it resumes with
   * `Range: bytes=N-` (+ If-Range) when the server advertised `Accept-Ranges: bytes`, checks that a 206
   * starts exactly at N, and starts over from byte 0 otherwise. Bounded by maxDownloadResumes.
   */
  private async fetchContent(videoId: string, variant: 'video' | 'thumbnail', destFile: string, signal: AbortSignal, onProgress?: (received: number, total: number | null) => void): Promise<void> {
    const maxResumes = this.opts.maxDownloadResumes ?? 5;
    const sleep = this.opts.sleep ?? ((ms: number, s?: AbortSignal) => delay(ms, undefined, s ? { signal: s } : undefined));
    const p = `/videos/${encodeURIComponent(videoId)}/content`;
    let received = 0;
    let total: number | null = null;
    let canResume = false;
    let etag: string | undefined;
    let breaks = 0;
    const fh = await fs.promises.open(destFile, 'w');
    try {
      for (;;) {
        const resuming = received > 0 && canResume;
        const headers: Record<string, string> = { accept: '*/*' };
        if (resuming) {
          headers.range = `bytes=${received}-`;
          if (etag) headers['if-range'] = etag;
        }
        const res = await this.send('GET', p, { signal, query: { variant }, headers, op: 'download' });
        if (res.status === 206) {
          const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
          if (!resuming || !m || Number(m[1]) !== received) {
            this.logLine(`download ${videoId}: unexpected partial answer (${res.headers['content-range'] ?? 'no Content-Range'}); starting over`);
            await res.body.dump().catch(() => {});
            received = 0;
            canResume = false;
            await fh.truncate(0);
            if (++breaks > maxResumes) throw new ProviderHttpError('ProviderUnavailable', 'The download kept failing. Storyreel will try again.', { retryable: true, detail: `GET ${p}: bad Content-Range` });
            continue;
          }
          if (m[3] !== '*') total = Number(m[3]);
          this.logLine(`download ${videoId}: resumed at byte ${received}`);
        } else {
          // A full body: (re)start at byte 0.
          if (received > 0) this.logLine(`download ${videoId}: server sent the whole file again; starting over`);
          received = 0;
          await fh.truncate(0);
          const len = Number(res.headers['content-length']);
          total = Number.isFinite(len) && res.headers['content-length'] !== undefined ? len : null;
          canResume = (res.headers['accept-ranges'] ?? '').toLowerCase().includes('bytes');
          etag = res.headers.etag && !res.headers.etag.startsWith('W/') ? res.headers.etag : undefined;
        }
        onProgress?.(received, total);
        try {
          for await (const chunk of res.body) {
            const b = chunk as Buffer;
            await fh.write(b, 0, b.length, received);
            received += b.length;
            onProgress?.(received, total);
          }
          if (total !== null && received !== total) throw new Error(`body ended at ${received} of ${total} bytes`);
          return;
        } catch (err) {
          if (signal.aborted) throw new AppError('Aborted', 'Canceled.');
          if (++breaks > maxResumes) {
            throw new ProviderHttpError('ProviderUnavailable', 'The download kept breaking off. Storyreel will try again.', { retryable: true, detail: this.clean(`GET ${p}: ${(err as Error).message} after ${breaks} tries`) });
          }
          this.logLine(`download ${videoId}: broke off at ${received}${total !== null ? `/${total}` : ''} bytes (${this.clean((err as Error).message)}); ${canResume ? 'resuming' : 'starting over'}`);
          if (!canResume) {
            received = 0;
            await fh.truncate(0);
          }
          try {
            await sleep(backoffDelay(breaks, { baseDelayMs: this.opts.retry?.baseDelayMs ?? 250, maxDelayMs: this.opts.retry?.maxDelayMs ?? 4_000 }, this.opts.random), signal);
          } catch {
            throw new AppError('Aborted', 'Canceled.');
          }
        }
      }
    } finally {
      await fh.close();
    }
  }
}

/** Maps the API's video object to the engine's RemoteStatus. */
export function toRemoteStatus(video: VideoObject, pollAfterMs: number | undefined, secrets: readonly string[] = []): RemoteStatus {
  const progress = Math.min(1, Math.max(0, (Number(video.progress) || 0) / 100));
  const hint = pollAfterMs !== undefined ? { pollAfterMs } : {};
  switch (video.status) {
    case 'queued':
      return { state: 'queued', progress, ...hint };
    case 'in_progress':
      return { state: 'running', progress, ...hint };
    case 'completed':
      return { state: 'completed', expiresAt: typeof video.expires_at === 'number' ? video.expires_at * 1000 : null };
    case 'failed': {
      const code = video.error?.code ?? '';
      const message = redact(video.error?.message ?? 'The provider could not generate this video.', secrets);
      return { state: 'failed', code: /moderation|content_policy|safety/i.test(code) ? 'ModerationBlocked' : 'ProviderRejected', message };
    }
    default:
      return { state: 'unknown', raw: String(video.status) };
  }
}

/** Does this listed video look like the one our request created? */
export function matchesRequest(v: VideoObject, req: CreateRequest): boolean {
  if ((v.prompt ?? '').trim() !== req.prompt.trim()) return false;
  if (v.seconds !== undefined && String(v.seconds) !== String(req.seconds)) return false;
  if (v.size !== undefined && v.size !== req.size) return false;
  // Gateways may echo a dated snapshot ("sora-2-2025-10-06" for "sora-2").
  if (typeof v.model === 'string' && v.model && v.model !== req.model && !v.model.startsWith(`${req.model}-`)) return false;
  if (v.remixed_from_video_id) return false;
  return true;
}
