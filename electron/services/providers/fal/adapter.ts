// Adapter for the fal.ai queue (../shared/reference/PROVIDERS.md §2).
//
// - Submit: POST {base}/{endpoint-id} (default https://queue.fal.run) with `Authorization: Key …` and the
//   endpoint's own JSON input (endpoints.ts). The reply's status_url / response_url / cancel_url are stored
//   whole in the RemoteHandle and used as given: for nested endpoint ids they live under {owner}/{alias}, so
//   rebuilding them from the endpoint id goes wrong.
// - Status: IN_QUEUE / IN_PROGRESS (202) → COMPLETED (200), which may still carry an error (checked); then
//   GET response_url, where a 422 content_policy_violation is a moderation outcome. fal bills neither
//   errors nor queue time: every failure here says billed: false.
// - The video URL is fal's CDN: fetched without the key.
// - Images go up through fal's storage ({base}/storage/upload/initiate when a base URL is given, default
//   https://rest.fal.ai; then PUT to the pre-signed upload_url), cached by content hash in the project's
//   state folder so a resumed job does not upload twice; or as data: URIs (setting imageTransport=data-uri).
// - Extend (CreateRequest.source): Veo 3.1's …/extend-video with the source take's video_url and the seconds
//   added; the result is the whole, longer clip.
// - fal cannot list requests: a create whose outcome is unknown is never matched or resent. The one proof
//   available is local (send-journal.ts): a create that never left this machine is safe to send.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { cannotDeriveMessage } from '../../../../shared/derive.ts';
import { AppError } from '../../../../shared/errors.ts';
import { modelProfile, providerProfile } from '../../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../../shared/capabilities.ts';
import { writeJsonAtomic } from '../../fsutil.ts';
import { readJson, readText } from '../../net/http.ts';
import type { RetryPolicy } from '../../net/http.ts';
import { ProviderHttp, ProviderHttpError } from '../../net/provider-http.ts';
import type { ProviderErrorBody } from '../../net/provider-http.ts';
import { SendJournal } from '../send-journal.ts';
import { isOutcomeUnknown, markOutcomeUnknown } from '../types.ts';
import type { CreateRequest, DownloadOptions, JobRef, Provider, RemoteHandle, RemoteOutput, RemoteStatus } from '../types.ts';
import { falFamily, falInput, routeFor } from './endpoints.ts';
import type { FalEndpointSpec } from './endpoints.ts';

export const FAL_QUEUE_URL = 'https://queue.fal.run';
export const FAL_STORAGE_URL = 'https://rest.fal.ai';

export interface FalOptions {
  apiKey: string;
  /** Queue base URL (default https://queue.fal.run). */
  baseUrl: string;
  /** Storage base URL (default: the base URL when one was given, else https://rest.fal.ai). */
  storageUrl?: string;
  /** The project's .storyreel folder: the upload cache and the send journal live under fal/. */
  stateDir: string;
  imageTransport?: 'upload' | 'data-uri';
  log?: (line: string) => void;
  retry?: Partial<RetryPolicy>;
  timeouts?: { headersMs?: number; bodyMs?: number };
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface SubmitReply {
  request_id?: unknown;
  status_url?: unknown;
  response_url?: unknown;
  cancel_url?: unknown;
  queue_position?: unknown;
}
interface StatusReply {
  status?: unknown;
  queue_position?: unknown;
  error?: unknown;
  error_type?: unknown;
}
type Detail = Array<{ loc?: unknown[]; msg?: string; type?: string }>;

const MIME_BY_EXT: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };
/** Veo 3.1's extend-video takes input videos up to 8 s (fal's endpoint page; verify). */
const EXTEND_MAX_SOURCE_SECONDS = 8;
/** How long an uploaded file is reused (fal's CDN keeps uploads longer; verify). */
const UPLOAD_REUSE_MS = 24 * 3600_000;

/** fal's error envelope: `{detail: "…"}` or pydantic `{detail: [{loc, msg, type}]}`. */
export function parseFalError(json: unknown): ProviderErrorBody | undefined {
  const d = (json as { detail?: unknown } | undefined)?.detail;
  if (typeof d === 'string') return { message: d };
  if (Array.isArray(d) && d.length) {
    const items = d as Detail;
    const first = items[0]!;
    return {
      message: items.map((x) => x.msg ?? '').filter(Boolean).join('; '),
      type: typeof first.type === 'string' ? first.type : null,
      param: Array.isArray(first.loc) ? first.loc.filter((x) => x !== 'body').join('.') : null,
    };
  }
  return undefined;
}

export class FalProvider implements Provider {
  readonly profile: ProviderProfile;
  /** Veo 3.1 extends a fal-made clip (its extend-video endpoint); no fal model remixes. */
  readonly derives = ['extend'] as const;
  private readonly http: ProviderHttp;
  private readonly secrets: string[];
  private readonly journal: SendJournal;
  private readonly storageUrl: string;
  private readonly origin: string;

  constructor(private readonly opts: FalOptions) {
    const profile = providerProfile('fal');
    if (!profile) throw new Error('fal profile missing from shared/catalog');
    this.profile = profile;
    this.secrets = [opts.apiKey].filter((s) => s.length >= 4);
    this.origin = new URL(opts.baseUrl).origin;
    const given = opts.baseUrl.replace(/\/+$/, '') !== FAL_QUEUE_URL;
    this.storageUrl = opts.storageUrl ?? (given ? opts.baseUrl : FAL_STORAGE_URL);
    this.journal = new SendJournal(path.join(opts.stateDir, 'fal', 'sends'));
    this.http = new ProviderHttp({
      name: 'fal',
      baseUrl: opts.baseUrl,
      auth: { authorization: `Key ${opts.apiKey}` },
      secrets: this.secrets,
      log: opts.log,
      parseError: parseFalError,
      classify: ({ status, body }, say, base) =>
        status === 422 && body?.type === 'content_policy_violation'
          ? new ProviderHttpError('ModerationBlocked', say('fal\'s content checker blocked this scene (not billed).'), { ...base, retryable: false })
          : null,
      retry: opts.retry,
      timeouts: opts.timeouts,
      sleep: opts.sleep,
    });
  }

  model(name: string): ModelProfile | undefined {
    return modelProfile('fal', name);
  }

  // ---- create ------------------------------------------------------------------------------------------

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    if (req.source) return this.derive(req, req.source, signal);
    const images = req.images ?? (req.referenceImage ? [{ role: 'first-frame' as const, file: req.referenceImage }] : []);
    const byRole = (r: string): string[] => images.filter((i) => i.role === r).map((i) => i.file);
    const first = byRole('first-frame');
    const last = byRole('last-frame');
    const refs = byRole('reference');
    let ep: FalEndpointSpec;
    try {
      ep = routeFor(req.model, { first: first.length, last: last.length, references: refs.length });
    } catch (err) {
      throw this.withAlternatives(err, { last: last.length > 0, references: refs.length > 0 });
    }
    // Images first (uploads are idempotent and cached): nothing is at fal's queue yet if they fail.
    const input = falInput(ep, {
      prompt: req.prompt,
      seconds: req.seconds,
      size: req.size,
      negativePrompt: req.negativePrompt,
      seed: req.seed,
      audio: req.audio,
      ...(first[0] ? { first: await this.imageUrl(first[0], signal) } : {}),
      ...(last[0] ? { last: await this.imageUrl(last[0], signal) } : {}),
      ...(refs.length ? { references: await Promise.all(refs.map((f) => this.imageUrl(f, signal))) } : {}),
    });
    return this.submit(ep.id, input, req, signal);
  }

  /**
   * An extension (CreateRequest.source): the family's extend-video endpoint (Veo 3.1) with the source take's
   * video URL as fal gave it (the ledger's stored output, else its result fetched again) and the seconds added.
   * Anything else is refused before a byte is sent, naming the models that can.
   */
  private async derive(req: CreateRequest, source: NonNullable<CreateRequest['source']>, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    const ep = source.kind === 'extend' ? falFamily(req.model)?.endpoints['extend-video'] : undefined;
    const refuse = (m: string): AppError => new AppError('UnsupportedByModel', m, { retryable: false });
    if (!ep) throw refuse(cannotDeriveMessage('fal', req.model, source.kind));
    const profile = this.model(req.model);
    if (source.seconds > EXTEND_MAX_SOURCE_SECONDS) throw refuse(`${profile?.label ?? req.model} extends clips of up to ${EXTEND_MAX_SOURCE_SECONDS} s, and this take is ${source.seconds} s. Extend a shorter take, or generate the scene again.`);
    const added = req.seconds - source.seconds;
    if (profile && !profile.durations.includes(added)) throw refuse(`${profile.label} adds ${profile.durations.join(', ')} s to a clip, not ${added} s.`);
    const video = await this.sourceVideo(source, signal);
    return this.submit(ep.id, falInput(ep, { prompt: req.prompt, seconds: added, size: req.size, negativePrompt: req.negativePrompt, seed: req.seed, audio: req.audio, video }), req, signal);
  }

  /** The source take's video URL on fal's CDN: as stored when it finished, else read again from its result. */
  private async sourceVideo(source: NonNullable<CreateRequest['source']>, signal: AbortSignal): Promise<string> {
    const stored = source.ref?.outputs.find((o) => o.kind === 'video')?.locator;
    if (stored) return stored;
    const result = source.ref?.handle?.urls?.result;
    const st = result ? await this.result(result, signal).catch(() => null) : null;
    const url = st?.state === 'completed' ? st.outputs?.[0]?.locator : undefined;
    if (url) return url;
    throw new AppError('ContentExpired', 'fal no longer has the video of this take, so it cannot be extended there. Generate the scene again.', { retryable: false, detail: `request ${source.providerJobId}` });
  }

  private async submit(endpointId: string, input: Record<string, unknown>, req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string; handle: RemoteHandle }> {
    await this.journal.sending(req);
    let reply: SubmitReply;
    let status: number;
    try {
      ({ value: reply, status } = await this.http.json<SubmitReply>('POST', `/${endpointId}`, { op: 'create', signal, body: JSON.stringify(input), contentType: 'application/json' }));
    } catch (err) {
      if (!isOutcomeUnknown(err)) await this.journal.settled(req); // a definite "no": nothing was made
      throw err;
    }
    const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
    const id = str(reply.request_id);
    const statusUrl = str(reply.status_url);
    const responseUrl = str(reply.response_url);
    const cancelUrl = str(reply.cancel_url);
    if (!id || !statusUrl || !responseUrl) {
      // 200 means fal queued something, but without its URLs it cannot be found again.
      throw markOutcomeUnknown(this.http.unreadable(`POST /${endpointId}`, status));
    }
    this.http.log(`submitted ${id} to ${endpointId}${typeof reply.queue_position === 'number' ? ` (queue position ${reply.queue_position})` : ''}`);
    return {
      providerJobId: id,
      handle: { id, urls: { status: statusUrl, result: responseUrl, ...(cancelUrl ? { cancel: cancelUrl } : {}) }, extra: { endpoint: endpointId } },
    };
  }

  /** A refusal that names the fal models that can do what the scene asks. */
  private withAlternatives(err: unknown, wants: { last: boolean; references: boolean }): unknown {
    if (!(err instanceof AppError) || err.code !== 'UnsupportedByModel') return err;
    const can = this.profile.models.filter((m) => (!wants.last || m.imageInput.lastFrame) && (!wants.references || m.imageInput.references)).map((m) => m.id);
    return can.length && (wants.last || wants.references) ? new AppError('UnsupportedByModel', `${err.message} Models that can: ${can.join(', ')}.`, { retryable: false }) : err;
  }

  // ---- images ------------------------------------------------------------------------------------------

  private async imageUrl(file: string, signal: AbortSignal): Promise<string> {
    const mime = MIME_BY_EXT[path.extname(file).toLowerCase()];
    if (!mime) throw new AppError('InvalidInput', 'An image for this scene must be a PNG, JPEG or WebP file.', { detail: path.basename(file) });
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (err) {
      throw new AppError('InvalidInput', 'An image for this scene could not be read.', { detail: (err as Error).message });
    }
    if (this.opts.imageTransport === 'data-uri') return `data:${mime};base64,${bytes.toString('base64')}`;
    const hash = createHash('sha256').update(bytes).digest('hex');
    const cacheFile = path.join(this.opts.stateDir, 'fal', 'uploads.json');
    const cache = await readCache(cacheFile);
    const key = `${this.storageUrl}|${hash}`;
    const hit = cache[key];
    if (hit && Date.now() - hit.at < UPLOAD_REUSE_MS) return hit.url;
    const init = await this.http.json<{ upload_url?: unknown; file_url?: unknown }>('POST', joinBase(this.storageUrl, '/storage/upload/initiate'), {
      op: 'upload',
      signal,
      // fal's own storage host (rest.fal.ai by default, else the base URL given): it takes the fal key.
      withAuth: true,
      query: { storage_type: 'fal-cdn-v3' },
      body: JSON.stringify({ content_type: mime, file_name: `${hash.slice(0, 16)}${path.extname(file).toLowerCase()}` }),
      contentType: 'application/json',
    });
    const uploadUrl = init.value.upload_url;
    const fileUrl = init.value.file_url;
    if (typeof uploadUrl !== 'string' || typeof fileUrl !== 'string') throw this.http.unreadable('storage initiate', init.status);
    // The pre-signed URL carries its own authorization: the key does not go there.
    await this.http.send('PUT', uploadUrl, { op: 'upload', signal, body: new Uint8Array(bytes), contentType: mime, withAuth: false });
    cache[key] = { url: fileUrl, at: Date.now() };
    await writeJsonAtomic(cacheFile, cache);
    this.http.log(`uploaded ${path.basename(file)} (${bytes.length} bytes)`);
    return fileUrl;
  }

  // ---- status / download / cancel ----------------------------------------------------------------------

  async status(providerJobId: string, signal: AbortSignal, ref?: JobRef): Promise<RemoteStatus> {
    const h = this.handleOf(providerJobId, ref);
    const { value } = await this.http.json<StatusReply>('GET', this.own(h.status), { op: 'status', signal });
    switch (value.status) {
      case 'IN_QUEUE':
        return typeof value.queue_position === 'number' && value.queue_position >= 0 ? { state: 'queued', progress: 0, queuePosition: Math.floor(value.queue_position) } : { state: 'queued', progress: 0 };
      case 'IN_PROGRESS':
        return { state: 'running', progress: 0 };
      case 'COMPLETED':
        break;
      default:
        return { state: 'unknown', raw: String(value.status) };
    }
    if (value.error || value.error_type) {
      const type = typeof value.error_type === 'string' ? value.error_type : 'error';
      const message = this.http.clean(typeof value.error === 'string' ? value.error : 'fal could not generate this scene.');
      return { state: 'failed', code: type, message: type === 'content_policy_violation' ? `fal's content checker blocked this scene (not billed): ${message}` : message, billed: false };
    }
    return this.result(h.result, signal);
  }

  /** GET response_url: the video's CDN URL, or the failure the result carries (422). */
  private async result(responseUrl: string, signal: AbortSignal): Promise<RemoteStatus> {
    const res = await this.http.send('GET', this.own(responseUrl), { op: 'status', signal, pass: (s) => s === 422 });
    if (res.status === 422) {
      const text = await readText(res.body, 64_000).catch(() => '');
      let body: ProviderErrorBody | undefined;
      try {
        body = parseFalError(JSON.parse(text));
      } catch {
        body = undefined;
      }
      const type = body?.type ?? 'validation_error';
      const message = this.http.clean(body?.message || 'fal refused this scene.');
      return { state: 'failed', code: type, message: type === 'content_policy_violation' ? `fal's content checker blocked this scene (not billed): ${message}` : `fal refused this scene's input: ${message}`, billed: false };
    }
    const json = (await readJson(res.body).catch(() => undefined)) as { video?: { url?: unknown; content_type?: unknown } } | undefined;
    const url = json?.video?.url;
    if (typeof url !== 'string' || !url) throw this.http.unreadable('GET result', res.status);
    const output: RemoteOutput = { kind: 'video', locator: url, needsAuth: false, expiresAt: null, mime: typeof json?.video?.content_type === 'string' ? json.video.content_type : 'video/mp4' };
    return { state: 'completed', expiresAt: null, outputs: [output] };
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions & { ref?: JobRef }): Promise<void> {
    let url = opts.ref?.outputs.find((o) => o.kind === 'video')?.locator;
    if (!url) {
      const st = await this.result(this.handleOf(providerJobId, opts.ref).result, opts.signal);
      if (st.state !== 'completed') throw new AppError('ProviderRejected', 'fal has no video for this scene.');
      url = st.outputs?.[0]?.locator;
    }
    if (!url) throw new AppError('ProviderRejected', 'fal has no video for this scene.');
    // fal's CDN: the key never goes there.
    await this.http.download(url, destFile, { signal: opts.signal, withAuth: false, onProgress: opts.onProgress });
  }

  async cancel(providerJobId: string, signal: AbortSignal, ref?: JobRef): Promise<void> {
    const cancelUrl = ref?.handle?.urls?.cancel;
    if (!cancelUrl) return;
    const res = await this.http.send('PUT', this.own(cancelUrl), { op: 'cancel', signal, pass: (s) => s === 400 || s === 404 });
    this.http.log(`cancel ${providerJobId}: ${res.status}`);
    await readText(res.body, 4096).catch(() => undefined);
  }

  /**
   * fal lists no requests, so an unknown create cannot be matched. The one proof there is: this attempt's
   * create never left this machine (no send marker), so fal cannot have it and sending it is safe.
   */
  async reconcile(req: CreateRequest): Promise<string | null> {
    if (!(await this.journal.maybeSent(req))) {
      this.http.log(`reconcile: the create sent at ${new Date(req.sentAt).toISOString()} never left this machine`);
      return null;
    }
    throw new AppError('OutcomeUnknown', 'fal cannot list its requests, so Storyreel cannot tell whether it received this scene.');
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private handleOf(providerJobId: string, ref?: JobRef): { status: string; result: string } {
    const u = ref?.handle?.urls;
    if (!u?.status || !u.result) {
      throw new AppError('Internal', 'This fal job has no stored status URL, so it cannot be followed.', { detail: `request ${providerJobId}` });
    }
    return { status: u.status, result: u.result };
  }

  /** The key goes only to the host the creator configured: a status/result/cancel URL elsewhere is refused. */
  private own(url: string): string {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new AppError('ProviderRejected', 'fal answered with a URL Storyreel cannot read.', { detail: this.http.clean(url.slice(0, 200)) });
    }
    if (origin !== this.origin) {
      throw new AppError('ProviderRejected', `fal answered with a URL on another host (${origin}); Storyreel does not send the key there.`);
    }
    return url;
  }
}

function joinBase(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}${p}`;
}

async function readCache(file: string): Promise<Record<string, { url: string; at: number }>> {
  try {
    const v = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, { url: string; at: number }>) : {};
  } catch {
    return {};
  }
}
