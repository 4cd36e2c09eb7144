// The offline "Preview" provider: instead of calling a video model it renders a storyboard animatic
// with ffmpeg, for free. It behaves like a remote provider (create returns at once, status is polled,
// the result is downloaded) so the whole job engine is exercised without a key or a network.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { PROVIDERS } from '../../../shared/capabilities.ts';
import type { ModelProfile, ProviderProfile } from '../../../shared/capabilities.ts';
import { AppError, isAbort } from '../../../shared/errors.ts';
import { writeJsonAtomic } from '../fsutil.ts';
import { renderAnimatic, thumbnail } from '../media/animatic.ts';
import { lookOf, remixLook, seedOf, takeLabel, type AnimaticLook } from '../media/animatic-look.ts';
import type { Ffmpeg } from '../media/ffmpeg.ts';
import type { CreateRequest, DownloadOptions, Provider, RemoteStatus } from './types.ts';

export interface PreviewProviderOptions {
  ff: Ffmpeg;
  /** Where finished animatics (and the requests that made them) are kept. */
  cacheDir: string;
  fontFile?: string | null;
}

/** What a render needs, saved beside it so a render lost to a restart can be made again. */
interface SavedRequest {
  model: string;
  prompt: string;
  /** The whole clip (an extension's is its source's plus the added seconds). */
  seconds: number;
  size: string;
  seed: number;
  look: AnimaticLook;
  takeNumber: number | null;
  label: string;
  firstFrame: string | null;
  lastFrame: string | null;
  references: string[];
  /** Requests saved before takes were seeded had only this (a first frame). */
  referenceImage?: string | null;
}

type Render =
  | { state: 'running'; progress: number; controller: AbortController; done: Promise<void> }
  | { state: 'failed'; code: string; message: string }
  | { state: 'canceled' };

const ID_PREFIX = 'preview_';

const present = (file: string | null): string | null => (file && existsSync(file) ? file : null);

function previewProfile(): ProviderProfile {
  const profile = PROVIDERS.find((p) => p.id === 'preview');
  if (!profile) throw new Error('shared/capabilities.ts has no preview provider');
  return profile;
}

export class PreviewProvider implements Provider {
  readonly profile: ProviderProfile = previewProfile();
  /** A remix or extension is drawn as an animatic of the request (an extension at its whole new length). */
  readonly derives = ['remix', 'extend'] as const;
  private readonly renders = new Map<string, Render>();

  constructor(private readonly opts: PreviewProviderOptions) {}

  model(name: string): ModelProfile | undefined {
    return this.profile.models.find((m) => m.id === name);
  }

  private file(providerJobId: string, ext: 'mp4' | 'json'): string {
    // Ids come back from the ledger; never let one name a file outside the cache.
    if (!/^preview_[\w-]+$/.test(providerJobId)) throw new AppError('NotFound', 'This is not a Preview job.', { detail: providerJobId });
    return path.join(this.opts.cacheDir, `${providerJobId}.${ext}`);
  }

  async create(req: CreateRequest, signal: AbortSignal): Promise<{ providerJobId: string }> {
    if (signal.aborted) throw new AppError('Aborted', 'Canceled.');
    if (!this.model(req.model)) throw new AppError('UnsupportedByModel', `Preview has no model "${req.model}".`);
    const m = /^(\d+)x(\d+)$/.exec(req.size);
    // H.264 in 4:2:0 needs even sides.
    if (!m || Number(m[1]) % 2 !== 0 || Number(m[2]) % 2 !== 0) throw new AppError('InvalidInput', `Preview cannot render the size "${req.size}".`);
    if (!(req.seconds > 0)) throw new AppError('InvalidInput', 'A scene needs a length above zero seconds.');

    const providerJobId = `${ID_PREFIX}${req.jobId}`;
    // The engine may send the same create twice after a crash; the second one joins the first.
    if (this.renders.get(providerJobId)?.state === 'running' || existsSync(this.file(providerJobId, 'mp4'))) return { providerJobId };
    const saved = await this.plan(req);
    await writeJsonAtomic(this.file(providerJobId, 'json'), saved);
    this.start(providerJobId, saved);
    return { providerJobId };
  }

  /**
   * What this request draws. Like a model's seed: an unseeded take gets a seed of its own (from its job id),
   * so takes of one scene differ, and a given seed draws the same take again. An extension keeps its
   * source's look and runs on for the added seconds; a remix keeps the look but turns its palette.
   */
  private async plan(req: CreateRequest): Promise<SavedRequest> {
    const from = req.source ? await this.saved(req.source.providerJobId) : null;
    if (req.source && !from) throw new AppError('ContentExpired', 'The Preview take to build on is gone. Generate that scene again first.', { detail: req.source.providerJobId });
    const seed = req.seed ?? from?.seed ?? seedOf(req.jobId);
    const look = from ? (req.source?.kind === 'remix' ? remixLook(from.look, 'palette') : from.look) : lookOf(seed);
    const images = req.images ?? (req.referenceImage ? [{ role: 'first-frame' as const, file: req.referenceImage }] : []);
    const of = (role: 'first-frame' | 'last-frame'): string | null => images.find((i) => i.role === role)?.file ?? null;
    const takeNumber = req.takeNumber ?? null;
    const derived = req.source && from ? { kind: req.source.kind, takeNumber: from.takeNumber } : null;
    return {
      model: req.model,
      prompt: req.prompt,
      // An extension's seconds are the whole new take (CreateRequest.source), its source's length included.
      seconds: req.seconds,
      size: req.size,
      seed,
      look,
      takeNumber,
      label: takeLabel({ takeNumber, seed, derived }),
      // An extension opens where its source opened.
      firstFrame: of('first-frame') ?? (req.source?.kind === 'extend' ? (from?.firstFrame ?? null) : null),
      lastFrame: of('last-frame'),
      references: images.filter((i) => i.role === 'reference').map((i) => i.file),
    };
  }

  private async saved(providerJobId: string): Promise<SavedRequest | null> {
    return readFile(this.file(providerJobId, 'json'), 'utf8')
      .then((t) => JSON.parse(t) as SavedRequest)
      .catch(() => null);
  }

  /** Renders in the background into a temporary name, renamed once complete. */
  private start(providerJobId: string, req: SavedRequest): void {
    const controller = new AbortController();
    const final = this.file(providerJobId, 'mp4');
    const temp = path.join(this.opts.cacheDir, `${providerJobId}.${randomBytes(4).toString('hex')}.rendering`);
    const entry: Render & { state: 'running' } = { state: 'running', progress: 0, controller, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        await renderAnimatic(
          this.opts.ff,
          {
            out: temp,
            prompt: req.prompt,
            seconds: req.seconds,
            size: req.size,
            fontFile: this.opts.fontFile ?? null,
            seed: req.seed ?? 1,
            look: req.look ?? lookOf(req.seed ?? 1),
            label: req.label ?? '',
            // An image deleted since the job was made should not fail a free preview.
            firstFrame: present(req.firstFrame ?? req.referenceImage ?? null),
            lastFrame: present(req.lastFrame ?? null),
            references: (req.references ?? []).filter((f) => existsSync(f)),
          },
          { signal: controller.signal, onProgress: (p) => (entry.progress = p.fraction) },
        );
        await rename(temp, final);
        if (this.renders.get(providerJobId) === entry) this.renders.delete(providerJobId);
      } catch (err) {
        await rm(temp, { force: true });
        // cancel() replaces the entry before it aborts, so what is still ours here failed by itself,
        // or was stopped from outside (drainAll on quit): then the next status() just renders again.
        if (this.renders.get(providerJobId) !== entry) return;
        if (isAbort(err)) this.renders.delete(providerJobId);
        else {
          const e = err instanceof AppError ? err : new AppError('Internal', 'The preview could not be rendered.', { cause: err });
          this.renders.set(providerJobId, { state: 'failed', code: e.code, message: e.message });
        }
      }
    })();
    this.renders.set(providerJobId, entry);
  }

  async status(providerJobId: string, _signal: AbortSignal): Promise<RemoteStatus> {
    const render = this.renders.get(providerJobId);
    if (render?.state === 'running') return { state: 'running', progress: render.progress, pollAfterMs: 500 };
    if (render?.state === 'failed') return { state: 'failed', code: render.code, message: render.message };
    if (render?.state === 'canceled') return { state: 'unknown', raw: 'canceled' };
    if (existsSync(this.file(providerJobId, 'mp4'))) return { state: 'completed', expiresAt: null };
    // Not known to this process (the app restarted mid-render): rendering is free, so do it again.
    const saved = await this.saved(providerJobId);
    if (!saved) return { state: 'failed', code: 'ContentExpired', message: 'This preview is gone. Generate the scene again.' };
    this.start(providerJobId, saved);
    return { state: 'running', progress: 0, pollAfterMs: 500 };
  }

  async download(providerJobId: string, destFile: string, opts: DownloadOptions): Promise<void> {
    const source = this.file(providerJobId, 'mp4');
    const size = await stat(source).then((s) => s.size, () => null);
    if (size === null) throw new AppError('ContentExpired', 'This preview is gone. Generate the scene again.', { detail: source });
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        opts.onProgress?.(received, size);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(source), counter, createWriteStream(destFile), { signal: opts.signal });
    } catch (err) {
      if (isAbort(err) || opts.signal.aborted) throw new AppError('Aborted', 'Canceled.', { cause: err });
      throw err;
    }
  }

  async downloadThumbnail(providerJobId: string, destFile: string, signal: AbortSignal): Promise<boolean> {
    try {
      await thumbnail(this.opts.ff, this.file(providerJobId, 'mp4'), destFile, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  async reconcile(req: CreateRequest, exclude: ReadonlySet<string>, _signal: AbortSignal): Promise<string | null> {
    const providerJobId = `${ID_PREFIX}${req.jobId}`;
    if (exclude.has(providerJobId)) return null;
    const known = this.renders.has(providerJobId) || existsSync(this.file(providerJobId, 'json')) || existsSync(this.file(providerJobId, 'mp4'));
    return known ? providerJobId : null;
  }

  /** Stops the render and forgets the request, so a later status() does not start it again. */
  async cancel(providerJobId: string, _signal: AbortSignal): Promise<void> {
    const render = this.renders.get(providerJobId);
    this.renders.set(providerJobId, { state: 'canceled' });
    if (render?.state === 'running') {
      render.controller.abort();
      await render.done;
    }
    await rm(this.file(providerJobId, 'json'), { force: true });
  }
}
