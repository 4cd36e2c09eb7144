// Gemini Omni on the Gemini API's Interactions API (PROVIDERS.md §3).
//
// - Create: POST {base}/v1beta/interactions (key in `x-goog-api-key`), a background interaction asking for a
//   video response delivered as a file uri; the prompt and the images (first frame, last frame, up to 3
//   references, inline base64) are the `input` parts. The interaction id is the whole resume route.
// - Poll: GET {base}/v1beta/interactions/{id}. The video is a `files/…` uri in the steps' content; it is
//   fetched from {base}/v1beta/{uri}:download?alt=media WITH the key (a plain fetch is 403), so the output is
//   marked needsAuth and only this adapter downloads it. Files are kept 2 days.
// - Errors are google.rpc.Status; a 429 carries its wait as a google.rpc.RetryInfo detail, not Retry-After.
//   A safety block ends the interaction `failed` with an ErrorInfo reason SAFETY: a moderation outcome.
// - There is no list of interactions, so a create whose reply was lost cannot be matched: no reconcile()
//   (the engine stops such a job as `unknown` and never resends it on its own).
// - Extend (CreateRequest.source): a new interaction with `previous_interaction_id` and the seconds added (derive()).
//
// Not in the public notes (PROVIDERS.md says verify): how an image is marked as first frame, last frame or
// reference. This sends `role: "first_frame" | "last_frame" | "reference"` on image parts, as the emulator reads it.
import type { Dispatcher } from 'undici';
import { cannotDeriveMessage } from '../../../../shared/derive.ts';
import { AppError } from '../../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../../shared/capabilities.ts';
import type { RetryPolicy } from '../../net/http.ts';
import { ProviderHttp, ProviderHttpError } from '../../net/provider-http.ts';
import type { ProviderErrorBody } from '../../net/provider-http.ts';
import { parseSize, readImages } from '../images.ts';
import { markOutcomeUnknown } from '../types.ts';
import type { CreateRequest, DownloadOptions, JobRef, Provider, RemoteHandle, RemoteOutput, RemoteStatus } from '../types.ts';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
/** How long a chain of extensions may run (PROVIDERS.md §3: "up to about 40 s"). */
const MAX_CHAIN_SECONDS = 40;
/** Files made by an interaction are kept this long (PROVIDERS.md §3). */
const FILE_TTL_MS = 2 * 24 * 3_600_000;

export interface GeminiOptions {
  /** e.g. "https://generativelanguage.googleapis.com" (the path up to and excluding "/v1beta"). */
  baseUrl: string;
  apiKey: string;
  log?: (line: string) => void;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  timeouts?: { headersMs?: number; bodyMs?: number };
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

interface ContentItem {
  type?: string;
  uri?: string;
  data?: string;
  mime_type?: string;
}
export interface Interaction {
  id?: string;
  status?: string;
  model?: string;
  created?: string;
  updated?: string;
  outputs?: ContentItem[];
  steps?: Array<{ type?: string; content?: ContentItem[] }>;
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> } | null;
  [key: string]: unknown;
}

/** google.rpc.Status read into the kit's shape, with the RetryInfo wait and the ErrorInfo reason. */
interface GoogleErrorBody extends ProviderErrorBody {
  retryAfterMs?: number;
  reason?: string;
}

/** "1.5s" (google.protobuf.Duration as JSON) → ms. */
function durationMs(v: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(String(v ?? ''));
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

export function parseGoogleError(json: unknown): GoogleErrorBody | undefined {
  const e = (json as { error?: unknown } | undefined)?.error;
  if (!e || typeof e !== 'object') return undefined;
  const err = e as { message?: string; status?: string; details?: unknown };
  const details = Array.isArray(err.details) ? (err.details as Array<Record<string, unknown>>) : [];
  const retry = details.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
  const info = details.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.ErrorInfo'));
  const reason = typeof info?.reason === 'string' ? info.reason : undefined;
  const wait = durationMs(retry?.retryDelay);
  return { message: err.message, code: err.status ?? null, type: reason ?? null, ...(wait !== undefined ? { retryAfterMs: wait } : {}), ...(reason ? { reason } : {}) };
}

const isSafety = (reason: string | undefined, message: string | undefined): boolean => /SAFETY|BLOCKLIST|PROHIBITED_CONTENT/i.test(reason ?? '') || /safety|usage polic/i.test(message ?? '');

/** "1280x720" → the API's aspect ratio and resolution. */
export function formatOf(size: string): { aspect_ratio: '16:9' | '9:16'; resolution: string } {
  const s = parseSize(size);
  if (!s) throw new AppError('UnsupportedByModel', `Gemini Omni cannot render the size "${size}".`);
  return { aspect_ratio: s.width >= s.height ? '16:9' : '9:16', resolution: `${Math.min(s.width, s.height)}p` };
}

/** The first video item of a finished interaction: the steps' content (PROVIDERS.md), else `outputs` (the SDK's field). */
export function videoOf(it: Interaction): ContentItem | undefined {
  const fromSteps = (it.steps ?? []).flatMap((s) => s.content ?? []);
  return [...fromSteps, ...(it.outputs ?? [])].find((c) => c.type === 'video' || String(c.mime_type ?? '').startsWith('video/'));
}

export class GeminiProvider implements Provider {
  readonly profile: ProviderProfile;
  /** Extend by previous_interaction_id (derive()). */
  readonly derives = ['extend'] as const;
  private readonly http: ProviderHttp;

  constructor(private readonly opts: GeminiOptions) {
    const profile = providerProfile('gemini');
    if (!profile) throw new Error('gemini profile missing from shared/catalog');
    this.profile = profile;
    this.http = new ProviderHttp({
      name: 'gemini',
      baseUrl: opts.baseUrl,
      auth: { 'x-goog-api-key': opts.apiKey },
      secrets: [opts.apiKey].filter((s) => s.length >= 4),
      log: opts.log,
      parseError: (json) => parseGoogleError(json),
      classify: ({ status, body, op }, say, base) => {
        const b = body as GoogleErrorBody | undefined;
        const wait = base.retryAfterMs ?? b?.retryAfterMs;
        if (status === 429) return new ProviderHttpError('RateLimited', 'The Gemini API is rate limiting requests. Storyreel will retry by itself.', { ...base, ...(wait !== undefined ? { retryAfterMs: wait } : {}), retryable: true });
        if (status === 400 && /API_KEY_INVALID/.test(b?.reason ?? '')) return new ProviderHttpError('AuthFailed', say('The Gemini API refused the API key.'), { ...base, retryable: false });
        if (op === 'create' && status === 400 && isSafety(b?.reason, b?.message)) return new ProviderHttpError('ModerationBlocked', say('The Gemini API blocked this prompt or image (safety).'), { ...base, retryable: false });
        if (op === 'create' && status === 404) return new ProviderHttpError('ProviderRejected', say('The Gemini API does not serve this model (retired or unknown).'), { ...base, retryable: false });
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
    return modelProfile('gemini', name);
  }

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    if (req.source) return this.derive(req, req.source, signal);
    const prompt = req.negativePrompt?.trim() ? `${req.prompt}\n\nAvoid: ${req.negativePrompt.trim()}` : req.prompt;
    const roles = { 'first-frame': 'first_frame', 'last-frame': 'last_frame', reference: 'reference' } as const;
    const images = (await readImages(req)).map((i) => ({ type: 'image', data: i.base64, mime_type: i.mime, role: roles[i.role] }));
    const body = {
      model: req.model,
      input: [{ type: 'text', text: prompt }, ...images],
      response_format: { type: 'video', ...formatOf(req.size), duration: `${req.seconds}s`, delivery: 'uri' },
      background: true,
      ...(typeof req.seed === 'number' ? { generation_config: { seed: req.seed } } : {}),
    };
    return this.post(body, signal);
  }

  /**
   * An extension (CreateRequest.source): a new, separately billed interaction chained to the source's by
   * `previous_interaction_id`, asking for the seconds added (the result is the whole chain, up to about 40 s).
   * It keeps the source's aspect and resolution. A remix is refused before sending, naming models that can.
   */
  private async derive(req: CreateRequest, source: NonNullable<CreateRequest['source']>, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    const refuse = (m: string): AppError => new AppError('UnsupportedByModel', m, { retryable: false });
    const profile = this.model(req.model);
    if (source.kind !== 'extend' || !profile?.extend) throw refuse(cannotDeriveMessage('gemini', req.model, source.kind));
    const added = req.seconds - source.seconds;
    if (!profile.durations.includes(added)) throw refuse(`${profile.label} adds ${profile.durations[0]}–${profile.durations.at(-1)} s to a video, not ${added} s.`);
    if (req.seconds > MAX_CHAIN_SECONDS) throw refuse(`${profile.label} extends a video to at most ${MAX_CHAIN_SECONDS} s; this would make ${req.seconds} s. Extend a shorter take.`);
    const prompt = req.negativePrompt?.trim() ? `${req.prompt}\n\nAvoid: ${req.negativePrompt.trim()}` : req.prompt;
    return this.post(
      {
        model: req.model,
        input: [{ type: 'text', text: prompt }],
        response_format: { type: 'video', duration: `${added}s`, delivery: 'uri' },
        background: true,
        previous_interaction_id: source.providerJobId,
        ...(typeof req.seed === 'number' ? { generation_config: { seed: req.seed } } : {}),
      },
      signal,
    );
  }

  async status(providerJobId: string, signal: AbortSignal): Promise<RemoteStatus> {
    return toRemoteStatus(await this.get(providerJobId, signal), this.http.now());
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions & { ref?: JobRef }): Promise<void> {
    let uri = opts.ref?.outputs.find((o) => o.kind === 'video')?.locator;
    if (!uri) {
      // A job adopted from an older ledger: ask again where its file is.
      const it = await this.get(providerJobId, opts.signal);
      uri = videoOf(it)?.uri;
      if (!uri) throw new ProviderHttpError('ContentExpired', 'The Gemini API no longer lists a video for this interaction.', { retryable: false, detail: `interaction ${providerJobId}: status ${String(it.status)}, no video uri` });
    }
    await this.http.download(fileDownloadPath(uri), destFile, { signal: opts.signal, query: { alt: 'media' }, onProgress: opts.onProgress });
  }

  async downloadOutput(output: RemoteOutput, destFile: string, signal: AbortSignal): Promise<void> {
    await this.http.download(fileDownloadPath(output.locator), destFile, { signal, query: { alt: 'media' } });
  }

  async cancel(providerJobId: string, signal: AbortSignal): Promise<void> {
    try {
      await this.http.send('POST', `/v1beta/interactions/${encodeURIComponent(providerJobId)}/cancel`, { signal, op: 'cancel', body: '{}', contentType: 'application/json' });
    } catch (err) {
      // Already finished (FAILED_PRECONDITION) or gone: nothing left to stop.
      if (err instanceof ProviderHttpError && err.status !== undefined && err.status >= 400 && err.status < 500) {
        this.http.log(`cancel ${providerJobId}: ${err.status} ignored`);
        return;
      }
      throw err;
    }
  }

  // ---- Internals ---------------------------------------------------------------------------------------

  private async post(body: unknown, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    const { value, status } = await this.http.json<Interaction>('POST', '/v1beta/interactions', { signal, body: JSON.stringify(body), contentType: 'application/json', op: 'create' });
    if (typeof value.id !== 'string' || !value.id) throw markOutcomeUnknown(this.http.unreadable('POST /v1beta/interactions', status));
    this.http.log(`created ${value.id} (${value.status ?? '?'})`);
    return { providerJobId: value.id, handle: { id: value.id } };
  }

  private async get(id: string, signal: AbortSignal): Promise<Interaction> {
    const { value, status } = await this.http.json<Interaction>('GET', `/v1beta/interactions/${encodeURIComponent(id)}`, { signal, op: 'status' });
    if (typeof value.status !== 'string') throw this.http.unreadable('GET interaction', status);
    return value;
  }
}

/** "files/abc" → "/v1beta/files/abc:download" (an absolute https uri is kept as given). */
function fileDownloadPath(uri: string): string {
  if (/^https?:\/\//i.test(uri)) return uri;
  return `/v1beta/${uri.replace(/^\/+/, '').replace(/:download$/, '')}:download`;
}

/** Maps an interaction to the engine's RemoteStatus. */
export function toRemoteStatus(it: Interaction, now: number): RemoteStatus {
  switch (it.status) {
    case 'queued':
      return { state: 'queued', progress: 0 };
    case 'in_progress':
      return { state: 'running', progress: 0 };
    case 'completed': {
      const video = videoOf(it);
      if (!video?.uri) {
        return { state: 'failed', code: 'no_video', message: 'The Gemini API finished this interaction without a video file.' };
      }
      const made = Date.parse(it.updated ?? '');
      const expiresAt = (Number.isFinite(made) ? Math.min(made, now) : now) + FILE_TTL_MS;
      return { state: 'completed', expiresAt, outputs: [{ kind: 'video', locator: video.uri, needsAuth: true, expiresAt, mime: video.mime_type ?? 'video/mp4' }] };
    }
    case 'failed': {
      const e = it.error ?? {};
      const info = (e.details ?? []).find((d) => String(d['@type'] ?? '').endsWith('google.rpc.ErrorInfo'));
      const reason = typeof info?.reason === 'string' ? info.reason : undefined;
      if (isSafety(reason, e.message)) {
        return { state: 'failed', code: `safety (${reason ?? e.status ?? 'blocked'})`, message: e.message ?? 'The Gemini API blocked this video (safety).', billed: false };
      }
      return { state: 'failed', code: e.status ?? 'failed', message: e.message ?? 'The Gemini API could not generate this video.' };
    }
    case 'incomplete':
      return { state: 'failed', code: 'incomplete', message: 'The Gemini API stopped this interaction before the video was finished.' };
    case 'budget_exceeded':
      return { state: 'failed', code: 'budget_exceeded', message: 'The Gemini API stopped this interaction: its token budget was exceeded.' };
    default:
      // cancelled, requires_action (a tool call a video request never makes), anything new: stop waiting.
      return { state: 'unknown', raw: String(it.status) };
  }
}
