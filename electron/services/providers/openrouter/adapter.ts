// Adapter for OpenRouter's video generation API (../shared/reference/PROVIDERS.md §5): not byte-compatible
// with OpenAI's /v1/videos (field names, 202, statuses differ), so its own adapter.
//
// - Create: POST {base}/videos (default https://openrouter.ai/api/v1), `Authorization: Bearer …`,
//   { model, prompt, duration, resolution, aspect_ratio, generate_audio?, seed?, frame_images?, input_references? }
//   → 202 { id, polling_url (relative: resolved against the base), status: "pending" }.
// - Poll: GET polling_url → pending | in_progress | completed | failed | cancelled | expired; when completed
//   `usage.cost` is what OpenRouter billed: returned as costUsd, which the engine writes into the spend ledger
//   in place of the estimate.
// - Download: GET {base}/videos/{id}/content?index=0 WITH the key (only ever to the configured host).
// - Images: data: URIs in frame_images (first_frame / last_frame) and input_references.
// - No documented list: an unknown create is never matched or resent; the one proof is local (send-journal.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../../shared/capabilities.ts';
import type { RetryPolicy } from '../../net/http.ts';
import { ProviderHttp, ProviderHttpError } from '../../net/provider-http.ts';
import { SendJournal } from '../send-journal.ts';
import { isOutcomeUnknown, markOutcomeUnknown } from '../types.ts';
import type { CreateRequest, DownloadOptions, JobRef, Provider, RemoteHandle, RemoteStatus } from '../types.ts';
import { profilesFromCatalogue } from './catalogue.ts';

export const OPENROUTER_URL = 'https://openrouter.ai/api/v1';

export interface OpenRouterOptions {
  apiKey: string;
  baseUrl: string;
  /** The project's .storyreel folder (send journal under openrouter/). */
  stateDir: string;
  log?: (line: string) => void;
  retry?: Partial<RetryPolicy>;
  timeouts?: { headersMs?: number; bodyMs?: number };
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface VideoReply {
  id?: unknown;
  polling_url?: unknown;
  status?: unknown;
  usage?: { cost?: unknown } | null;
  error?: unknown;
  generation_id?: unknown;
}

const MIME_BY_EXT: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

/** "1280x720" → the nearest aspect ratio among `aspects`, and the resolution ("720p"; 2160 → "4k"). */
export function aspectAndResolution(size: string, aspects: readonly string[]): { aspect: string; resolution: string } {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new AppError('InvalidInput', `"${size}" is not a size like 1280x720.`);
  const w = Number(m[1]);
  const h = Number(m[2]);
  const value = (a: string): number => {
    const [x, y] = a.split(':').map(Number) as [number, number];
    return x / y;
  };
  const list = aspects.length ? aspects : ['16:9', '9:16', '1:1'];
  const aspect = [...list].sort((a, b) => Math.abs(Math.log(value(a) / (w / h))) - Math.abs(Math.log(value(b) / (w / h))))[0]!;
  const short = Math.min(w, h);
  return { aspect, resolution: short >= 2160 ? '4k' : `${short}p` };
}

/** Aspect ratios a profile's sizes stand for (the catalogue builds sizes from ratio × resolution). */
function aspectsOf(profile: ModelProfile | undefined): string[] {
  const known = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
  const out = new Set<string>();
  for (const s of profile?.sizes ?? []) out.add(aspectAndResolution(s, known).aspect);
  return [...out];
}

export class OpenRouterProvider implements Provider {
  readonly profile: ProviderProfile;
  private readonly http: ProviderHttp;
  private readonly base: URL;
  private readonly journal: SendJournal;

  constructor(private readonly opts: OpenRouterOptions) {
    const profile = providerProfile('openrouter');
    if (!profile) throw new Error('openrouter profile missing from shared/catalog');
    this.profile = profile;
    this.base = new URL(opts.baseUrl);
    this.journal = new SendJournal(path.join(opts.stateDir, 'openrouter', 'sends'));
    this.http = new ProviderHttp({
      name: 'openrouter',
      baseUrl: opts.baseUrl,
      auth: { authorization: `Bearer ${opts.apiKey}` },
      secrets: [opts.apiKey].filter((s) => s.length >= 4),
      log: opts.log,
      // { error: { code: <HTTP status>, message, metadata? } }
      parseError: (json) => {
        const e = (json as { error?: { code?: unknown; message?: unknown; metadata?: { param?: unknown } } } | undefined)?.error;
        if (!e || typeof e !== 'object') return undefined;
        return { message: typeof e.message === 'string' ? e.message : undefined, code: e.code === undefined ? null : String(e.code), param: typeof e.metadata?.param === 'string' ? e.metadata.param : null };
      },
      classify: ({ status, body }, say, base) => {
        if (status === 402) return new ProviderHttpError('ProviderRejected', say('The OpenRouter account has no credits left.'), { ...base, retryable: false });
        if (status === 403 && /moderat|flagged/i.test(body?.message ?? '')) return new ProviderHttpError('ModerationBlocked', say('OpenRouter\'s moderation blocked this scene.'), { ...base, retryable: false });
        return null;
      },
      retry: opts.retry,
      timeouts: opts.timeouts,
      sleep: opts.sleep,
    });
  }

  model(name: string): ModelProfile | undefined {
    return modelProfile('openrouter', name);
  }

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    const profile = this.model(req.model);
    const { aspect, resolution } = aspectAndResolution(req.size, aspectsOf(profile));
    const images = req.images ?? (req.referenceImage ? [{ role: 'first-frame' as const, file: req.referenceImage }] : []);
    const first = images.filter((i) => i.role === 'first-frame');
    const last = images.filter((i) => i.role === 'last-frame');
    const refs = images.filter((i) => i.role === 'reference');
    const refuse = (m: string): AppError => new AppError('UnsupportedByModel', m, { retryable: false });
    if (first.length > 1 || last.length > 1) throw refuse('A scene takes at most one first frame and one last frame.');
    if (last.length && !first.length) throw refuse(`${req.model} needs a first frame with a last frame.`);
    if (profile && last.length && !profile.imageInput.lastFrame) {
      const can = this.profile.models.filter((m) => m.imageInput.lastFrame).map((m) => m.id);
      throw refuse(`${req.model} takes a first frame but no last frame.${can.length ? ` Models that can: ${can.join(', ')}.` : ''}`);
    }
    if (profile && refs.length > (profile.imageInput.references ? (profile.imageInput.maxReferences ?? 1) : 0)) {
      throw refuse(`${req.model} takes at most ${profile.imageInput.references ? (profile.imageInput.maxReferences ?? 1) : 0} reference images.`);
    }
    let prompt = req.prompt;
    if (req.negativePrompt?.trim()) prompt = `${prompt}\n\nAvoid: ${req.negativePrompt.trim()}`;
    const body: Record<string, unknown> = { model: req.model, prompt, duration: req.seconds, resolution, aspect_ratio: aspect };
    if (req.audio !== null && req.audio !== undefined && profile?.audio) body.generate_audio = req.audio;
    if (req.seed !== null && req.seed !== undefined && profile?.seed) body.seed = req.seed;
    const frames = [...first.map((i) => ({ i, t: 'first_frame' })), ...last.map((i) => ({ i, t: 'last_frame' }))];
    if (frames.length) body.frame_images = await Promise.all(frames.map(async ({ i, t }) => ({ type: 'image_url', image_url: { url: await dataUri(i.file) }, frame_type: t })));
    if (refs.length) body.input_references = await Promise.all(refs.map(async (i) => ({ type: 'image_url', image_url: { url: await dataUri(i.file) } })));

    await this.journal.sending(req);
    let reply: VideoReply;
    let status: number;
    try {
      ({ value: reply, status } = await this.http.json<VideoReply>('POST', '/videos', { op: 'create', signal, body: JSON.stringify(body), contentType: 'application/json' }));
    } catch (err) {
      if (!isOutcomeUnknown(err)) await this.journal.settled(req);
      throw err;
    }
    const id = typeof reply.id === 'string' && reply.id ? reply.id : null;
    if (!id) throw markOutcomeUnknown(this.http.unreadable('POST /videos', status));
    const poll = this.pollUrl(id, reply.polling_url);
    this.http.log(`created ${id} (${String(reply.status ?? '?')})`);
    return { providerJobId: id, handle: { id, urls: { poll } } };
  }

  /**
   * polling_url is relative ("/api/v1/videos/{id}"): resolved against the base. Used only when it stays on the
   * configured host under the base's path (the key goes nowhere else); otherwise {base}/videos/{id}.
   */
  private pollUrl(id: string, given: unknown): string {
    const fallback = this.http.url(`/videos/${encodeURIComponent(id)}`);
    if (typeof given !== 'string' || !given) return fallback;
    try {
      const u = new URL(given, this.base);
      const basePath = this.base.pathname.replace(/\/+$/, '');
      if (u.origin === this.base.origin && u.pathname.startsWith(`${basePath}/`)) return u.toString();
    } catch {
      /* unreadable: fall back */
    }
    return fallback;
  }

  async status(providerJobId: string, signal: AbortSignal, ref?: JobRef): Promise<RemoteStatus> {
    const url = ref?.handle?.urls?.poll ?? this.http.url(`/videos/${encodeURIComponent(providerJobId)}`);
    const { value } = await this.http.json<VideoReply>('GET', this.own(url), { op: 'status', signal });
    const cost = typeof value.usage?.cost === 'number' && Number.isFinite(value.usage.cost) && value.usage.cost >= 0 ? value.usage.cost : undefined;
    switch (value.status) {
      case 'pending':
        return { state: 'queued', progress: 0 };
      case 'in_progress':
        return { state: 'running', progress: 0 };
      case 'completed':
        return {
          state: 'completed',
          expiresAt: null,
          outputs: [{ kind: 'video', locator: this.contentUrl(providerJobId), needsAuth: true, expiresAt: null, mime: 'video/mp4' }],
          ...(cost !== undefined ? { costUsd: cost } : {}),
        };
      case 'failed': {
        const message = this.http.clean(typeof value.error === 'string' ? value.error : typeof (value.error as { message?: unknown } | null)?.message === 'string' ? String((value.error as { message: string }).message) : 'OpenRouter could not generate this scene.');
        const moderation = /moderation|flagged|safety|content policy/i.test(message);
        // Billed as OpenRouter says: a reported cost means it was charged; a moderation block is not.
        const billed = cost !== undefined ? cost > 0 : moderation ? false : undefined;
        return { state: 'failed', code: moderation ? 'moderation' : 'failed', message, ...(billed !== undefined ? { billed } : {}) };
      }
      default:
        // cancelled, expired, or anything outside the contract: the engine stops polling.
        return { state: 'unknown', raw: String(value.status) };
    }
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions & { ref?: JobRef }): Promise<void> {
    await this.http.download(`/videos/${encodeURIComponent(providerJobId)}/content`, destFile, { signal: opts.signal, query: { index: '0' }, onProgress: opts.onProgress });
  }

  async reconcile(req: CreateRequest): Promise<string | null> {
    if (!(await this.journal.maybeSent(req))) {
      this.http.log(`reconcile: the create sent at ${new Date(req.sentAt).toISOString()} never left this machine`);
      return null;
    }
    throw new AppError('OutcomeUnknown', 'OpenRouter cannot list its video jobs, so Storyreel cannot tell whether it received this scene.');
  }

  private contentUrl(id: string): string {
    return this.http.url(`/videos/${encodeURIComponent(id)}/content`, { index: '0' });
  }

  private own(url: string): string {
    const u = new URL(url);
    if (u.origin !== this.base.origin) throw new AppError('ProviderRejected', `OpenRouter answered with a URL on another host (${u.origin}); Storyreel does not send the key there.`);
    return url;
  }

  /** The models endpoint read into capability profiles (catalogue.ts), when the creator asks (providers/catalogs.ts). */
  async liveModels(signal?: AbortSignal): Promise<{ models: ModelProfile[]; skipped: string[] }> {
    return profilesFromCatalogue((await this.http.json<unknown>('GET', '/videos/models', { op: 'models', signal })).value);
  }
}

async function dataUri(file: string): Promise<string> {
  const mime = MIME_BY_EXT[path.extname(file).toLowerCase()];
  if (!mime) throw new AppError('InvalidInput', 'An image for this scene must be a PNG, JPEG or WebP file.', { detail: path.basename(file) });
  try {
    return `data:${mime};base64,${(await fs.readFile(file)).toString('base64')}`;
  } catch (err) {
    throw new AppError('InvalidInput', 'An image for this scene could not be read.', { detail: (err as Error).message });
  }
}
