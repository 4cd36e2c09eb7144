// Adapter for the `/v1/videos` API (OpenAI Videos shape). OpenAI itself shut the API down on 2026-09-24;
// gateways (LiteLLM, commercial gateways, Azure's v1 surface) still serve it for other models, so the base
// URL, key and model are all configuration and nothing assumes sora-2.
//
// The HTTP mechanics (retries, error mapping, outcome-unknown marking, resumable checked downloads,
// redaction) live in net/provider-http.ts and are shared with every other adapter.
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
import { FormData } from 'undici';
import type { Dispatcher } from 'undici';
import { AppError } from '../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../shared/capabilities.ts';
import { markOutcomeUnknown } from './types.ts';
import type { CreateRequest, DownloadOptions, Provider, RemoteStatus } from './types.ts';
import { readJson, redact } from '../net/http.ts';
import type { RetryPolicy } from '../net/http.ts';
import { ProviderHttp, ProviderHttpError } from '../net/provider-http.ts';

export { ProviderHttpError } from '../net/provider-http.ts';

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

const MIME_BY_EXT: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

export class OpenAiVideosProvider implements Provider {
  /** create() sends a request with a source to POST /videos/{id}/remix or /videos/extensions. */
  readonly derives = ['remix', 'extend'] as const;
  readonly profile: ProviderProfile;
  private readonly http: ProviderHttp;
  private readonly secrets: string[];

  constructor(private readonly opts: OpenAiVideosOptions) {
    const profile = providerProfile('openai-videos');
    if (!profile) throw new Error('openai-videos profile missing from shared/capabilities.ts');
    this.profile = profile;
    this.secrets = [opts.apiKey].filter((s) => s.length >= 4);
    this.http = new ProviderHttp({
      name: 'openai-videos',
      baseUrl: opts.baseUrl,
      auth: opts.authHeader === 'api-key' ? { 'api-key': opts.apiKey } : { authorization: `Bearer ${opts.apiKey}` },
      secrets: this.secrets,
      extraHeaders: opts.extraHeaders,
      defaultQuery: opts.defaultQuery,
      log: opts.log,
      classify: ({ status, body }, say, base) =>
        status === 429 && body?.code === 'insufficient_quota' ? new ProviderHttpError('ProviderRejected', say('The provider account has no quota left.'), { ...base, retryable: false }) : null,
      dispatcher: opts.dispatcher,
      retry: opts.retry,
      timeouts: opts.timeouts,
      maxDownloadRestarts: opts.maxDownloadResumes,
      sleep: opts.sleep,
      random: opts.random,
      now: opts.now,
    });
  }

  model(name: string): ModelProfile | undefined {
    return modelProfile('openai-videos', name);
  }

  /** host:port of the base URL, for messages. */
  get host(): string {
    return this.http.host;
  }

  // ---- Provider ----------------------------------------------------------------------------------------

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string }> {
    // A remix keeps the source's length and size; an extension adds the difference to it.
    if (req.source?.kind === 'remix') return { providerJobId: (await this.remix(req.source.providerJobId, req.prompt, signal)).id };
    if (req.source?.kind === 'extend') return { providerJobId: (await this.extend(req.source.providerJobId, req.prompt, req.seconds - req.source.seconds, signal)).id };
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
    await this.http.download(`/videos/${encodeURIComponent(providerJobId)}/content`, destFile, { signal: opts.signal, query: { variant: 'video' }, onProgress: opts.onProgress });
  }

  /** The spec serves thumbnails as WebP (some gateways send JPEG); the engine checks what arrived. */
  async downloadThumbnail(providerJobId: string, destFile: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.http.download(`/videos/${encodeURIComponent(providerJobId)}/content`, destFile, { signal, query: { variant: 'thumbnail' } });
      return true;
    } catch (err) {
      if (signal.aborted || (err instanceof AppError && err.code === 'Aborted')) throw err;
      this.http.log(`thumbnail of ${providerJobId} not available: ${(err as Error).message}`);
      await fs.promises.rm(destFile, { force: true }).catch(() => {});
      return false;
    }
  }

  /**
   * After a create whose outcome is unknown: the provider's job for this request, or null when the
   * provider's own list proves it has none. Throws when there is no proof either way: the list failed,
   * or it could not be read back as far as the moment the request was sent. A gateway that has no list
   * at all throws OutcomeUnknown (no proof will ever come).
   */
  async reconcile(req: CreateRequest, exclude: ReadonlySet<string>, signal: AbortSignal): Promise<string | null> {
    const candidates: VideoObject[] = [];
    let fromS = 0;
    let sentS = req.sentAt / 1000;
    let after: string | undefined;
    let covered = false;
    for (let page = 0; page < 50 && !covered; page++) {
      let list: VideoList;
      try {
        list = await this.list({ limit: 100, order: 'desc', ...(after ? { after } : {}) }, signal);
      } catch (err) {
        if (err instanceof ProviderHttpError && (err.status === 404 || err.status === 405 || err.status === 501)) {
          throw new ProviderHttpError('OutcomeUnknown', `${this.http.host} cannot list its videos, so Storyreel cannot tell whether it received this scene.`, { retryable: false, status: err.status, detail: err.detail });
        }
        throw err;
      }
      if (page === 0) {
        // Our job cannot have been created before we sent it. With the server's clock offset known (from
        // the Date header of the answer just read), "before we sent it" is exact to about a second, so an
        // identical request made earlier (another project, another take) is never adopted. Without it,
        // fall back to a wide window for clock skew.
        const offset = this.http.serverClockOffsetMs();
        const slackMs = offset === null ? (this.opts.reconcileSkewMs ?? 120_000) : 2000;
        sentS = (req.sentAt + (offset ?? 0)) / 1000;
        fromS = Math.floor(sentS - slackMs / 1000);
      }
      for (const v of list.data) {
        if (typeof v.created_at === 'number' && v.created_at < fromS) {
          covered = true;
          continue;
        }
        if (!exclude.has(v.id) && matchesRequest(v, req)) candidates.push(v);
      }
      if (!list.has_more || list.data.length === 0) covered = true;
      else if (!list.last_id) break;
      after = list.last_id ?? undefined;
    }
    if (candidates.length === 0) {
      if (!covered) throw new ProviderHttpError('ProviderUnavailable', 'The provider\'s list did not reach back to when this scene was sent.', { retryable: true, detail: 'reconcile: list not read back far enough' });
      this.http.log(`reconcile: no job matches the request sent at ${new Date(req.sentAt).toISOString()}`);
      return null;
    }
    // An echoed prompt beats a gateway that lists none; then nearest to the moment we sent it; on a tie the
    // older one (a later twin is more likely someone else's retry).
    const rank = (v: VideoObject): number => (typeof v.prompt === 'string' ? 0 : 1);
    candidates.sort((a, b) => rank(a) - rank(b) || Math.abs((a.created_at ?? 0) - sentS) - Math.abs((b.created_at ?? 0) - sentS) || (a.created_at ?? 0) - (b.created_at ?? 0));
    const found = candidates[0]!;
    this.http.log(`reconcile: found ${found.id} (${candidates.length} candidate(s))`);
    return found.id;
  }

  async cancel(providerJobId: string, signal: AbortSignal): Promise<void> {
    try {
      await this.delete(providerJobId, signal);
    } catch (err) {
      // The API deletes only completed or failed jobs; a refusal is not worth surfacing.
      if (err instanceof ProviderHttpError && err.status !== undefined && err.status >= 400 && err.status < 500) {
        this.http.log(`cancel ${providerJobId}: ${err.status} ignored`);
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
    const res = await this.http.send('GET', '/videos', { signal, query: q, op: 'list' });
    const json = (await readJson(res.body)) as Partial<VideoList> | undefined;
    if (!json || !Array.isArray(json.data)) throw this.http.unreadable('list', res.status);
    const data = json.data.filter((v): v is VideoObject => typeof v?.id === 'string');
    return { object: 'list', data, first_id: json.first_id ?? data[0]?.id ?? null, last_id: json.last_id ?? data.at(-1)?.id ?? null, has_more: json.has_more === true };
  }

  async delete(videoId: string, signal?: AbortSignal): Promise<{ id: string; deleted: boolean }> {
    const res = await this.http.send('DELETE', `/videos/${encodeURIComponent(videoId)}`, { signal, op: 'delete' });
    const json = (await readJson(res.body)) as { id?: string; deleted?: boolean } | undefined;
    return { id: json?.id ?? videoId, deleted: json?.deleted === true };
  }

  // ---- Internals ---------------------------------------------------------------------------------------

  /** create / remix / extensions / edits: one send, never a blind resend. */
  private async postJob(p: string, body: string | FormData, contentType: string | undefined, signal: AbortSignal | undefined): Promise<VideoObject> {
    const { value: json, status } = await this.http.json<VideoObject>('POST', p, { signal, body, contentType, op: 'create' });
    if (typeof json.id !== 'string' || !json.id) {
      // 2xx means the provider probably made the job, but we cannot tell which: reconcile.
      throw markOutcomeUnknown(this.http.unreadable(`POST ${p}`, status));
    }
    this.http.log(`created ${json.id} (${json.status ?? '?'})`);
    return json;
  }

  private async retrieveWithHints(videoId: string, signal: AbortSignal | undefined): Promise<{ video: VideoObject; pollAfterMs: number | undefined }> {
    const { value: json, headers, status } = await this.http.json<VideoObject>('GET', `/videos/${encodeURIComponent(videoId)}`, { signal, op: 'status' });
    if (typeof json.status !== 'string') throw this.http.unreadable('GET video', status);
    const hint = Number(headers['openai-poll-after-ms']);
    return { video: json, pollAfterMs: Number.isFinite(hint) && hint > 0 ? hint : undefined };
  }
}

/** Maps the API's video object to the engine's RemoteStatus. */
export function toRemoteStatus(video: VideoObject, pollAfterMs: number | undefined, secrets: readonly string[] = []): RemoteStatus {
  const progress = Math.min(1, Math.max(0, (Number(video.progress) || 0) / 100));
  const hint = pollAfterMs !== undefined ? { pollAfterMs } : {};
  switch (video.status) {
    case 'queued':
    case 'pending': // gateways (OpenRouter, LiteLLM) say "pending" before "queued"
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

/**
 * Gateways echo a model under their own name: a dated snapshot ("sora-2-2025-10-06" for "sora-2") or a
 * routed name ("openai/sora-2"), and the reverse when the creator typed the routed name.
 */
export function sameModel(listed: string, asked: string): boolean {
  const bare = (m: string): string => m.slice(m.lastIndexOf('/') + 1).toLowerCase();
  const a = bare(listed);
  const b = bare(asked);
  return a === b || a.startsWith(`${b}-`);
}

/** Does this listed video look like the one our request created? */
export function matchesRequest(v: VideoObject, req: CreateRequest): boolean {
  // The spec lets `prompt` be null (some gateways never echo it): then the other fields must carry the match.
  if (typeof v.prompt === 'string' && v.prompt.trim() !== req.prompt.trim()) return false;
  if (v.seconds !== undefined && String(v.seconds) !== String(req.seconds)) return false;
  if (v.size !== undefined && v.size !== req.size) return false;
  if (typeof v.model === 'string' && v.model && !sameModel(v.model, req.model)) return false;
  // A remix is found only as a remix of the same source video; a new generation never as a remix.
  if (v.remixed_from_video_id || req.source?.kind === 'remix') return req.source?.kind === 'remix' && v.remixed_from_video_id === req.source.providerJobId;
  return true;
}
