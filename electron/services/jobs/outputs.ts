// A finished job's outputs: the video downloaded at once, verified, and only then renamed into media/ (a
// completed job never fails because its download did: it stays `downloading`, parked, until its link
// expires), its thumbnail and last frame, and the take handed to the project.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError, isAbort, toAppErrorShape } from '../../../shared/errors.ts';
import type { Take } from '../../../shared/project.ts';
import { exists, relativePosix } from '../fsutil.ts';
import { sniffImage } from '../media/sniff.ts';
import type { Provider } from '../providers/types.ts';
import { snapshotOf, type JobRecord } from './ledger.ts';
import { provenanceOf } from './provenance.ts';
import { refOf } from './requests.ts';
import type { EngineContext } from './types.ts';

export function takeFile(ctx: EngineContext, job: JobRecord): string {
  return path.join(ctx.deps.projectDir, 'media', `${job.sceneId}-${job.id}.mp4`);
}

export async function download(ctx: EngineContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  const provider = ctx.deps.provider(job.provider);
  const final = takeFile(ctx, job);
  const tmpDir = path.join(ctx.deps.projectDir, '.storyreel', 'downloads');
  await fs.mkdir(path.dirname(final), { recursive: true });
  await fs.mkdir(tmpDir, { recursive: true });
  let info: { durationSeconds: number } | null = null;
  if (await exists(final)) {
    // Renamed into place before a crash: it was verified already; check it is still whole.
    info = await ctx.deps.media.verify(final).catch(() => null);
    if (!info) await fs.rm(final, { force: true });
  }
  // The provider made (and billed) this video. Nothing here turns that into a failed scene except proof
  // that the video is gone: every other failure restarts the download, and past the bound the job is
  // parked in `downloading`, fetched again later or on the next start while its link lasts.
  let failures = 0;
  while (!info) {
    const part = path.join(tmpDir, `${job.id}.mp4.part`);
    try {
      await provider.download(job.providerJobId!, part, {
        signal,
        ref: refOf(job),
        onProgress: (received, total) => {
          if (total) {
            job.progress = Math.min(0.99, received / total);
            ctx.events.emit('job', snapshotOf(job));
          }
        },
      });
      info = await ctx.deps.media.verify(part);
      await fs.rename(part, final);
    } catch (err) {
      if (isAbort(err)) throw err;
      const e = err instanceof AppError ? err : null;
      if (e?.code === 'ContentExpired' || (job.expiresAt !== null && Date.now() > job.expiresAt)) {
        throw e?.code === 'ContentExpired' ? err : new AppError('ContentExpired', 'The provider\'s link to this video expired before it could be downloaded.', { detail: e?.message });
      }
      await fs.rm(part, { force: true }); // a file that failed verification, or half of one: start from zero
      failures++;
      ctx.log(`job ${job.id}: download failed (${toAppErrorShape(err).message}); attempt ${failures}`);
      if (failures >= ctx.timing.parkAfterFailures || ctx.troubleFor(job, err) || (!e?.retryable && failures >= 3)) {
        return ctx.park(job, err);
      }
      await ctx.sleep(ctx.backoff(failures, e), signal);
    }
  }
  ctx.trouble.delete(job.id);
  const thumbnail = await fetchThumbnail(ctx, job, provider, final, signal);
  job.lastFrame = await fetchLastFrame(ctx, job, provider, final, signal);
  const take: Take = {
    id: `take_${job.id.slice(4)}`,
    jobId: job.id,
    provider: job.provider,
    model: job.model,
    file: relativePosix(ctx.deps.projectDir, final),
    thumbnail: thumbnail ? relativePosix(ctx.deps.projectDir, thumbnail) : null,
    seconds: Math.round(info.durationSeconds * 1000) / 1000,
    size: job.size,
    prompt: job.prompt,
    providerJobId: job.providerJobId,
    costUsd: job.costUsd,
    createdAt: new Date().toISOString(),
    rating: 0,
    ...(job.continuityFrom ? { continuityFrom: { sceneId: job.continuityFrom.sceneId, takeId: job.continuityFrom.takeId, atSeconds: job.continuityFrom.atSeconds, exact: job.continuityFrom.exact } } : {}),
  };
  const made = provenanceOf(job, ctx.deps.projectDir);
  if (made) take.provenance = made;
  const kept = await ctx.deps.onTake(job, take);
  if (!kept) ctx.log(`job ${job.id}: scene ${job.sceneId} was deleted; the take stays in ${take.file}`);
  job.takeId = kept ? take.id : null;
  job.progress = 1;
  await ctx.transition(job, 'ready');
}

/**
 * The provider's thumbnail, stored under the extension of what actually arrived (the spec sends WebP;
 * some gateways JPEG); anything that is not an image is dropped and a poster frame is cut instead.
 */
export async function fetchThumbnail(ctx: EngineContext, job: JobRecord, provider: Provider, video: string, signal: AbortSignal): Promise<string | null> {
  const base = video.replace(/\.mp4$/, '');
  const part = `${base}.thumb.part`;
  try {
    if (await provider.downloadThumbnail?.(job.providerJobId!, part, signal, refOf(job))) {
      const kind = sniffImage(await fs.readFile(part));
      if (kind) {
        const file = `${base}.${kind}`;
        await fs.rename(part, file);
        return file;
      }
      ctx.log(`job ${job.id}: the provider's thumbnail is not an image; making one from the video`);
    }
  } catch (err) {
    if (isAbort(err)) throw err;
  } finally {
    await fs.rm(part, { force: true }).catch(() => undefined);
  }
  const jpg = `${base}.jpg`;
  return ctx.deps.media.thumbnail(video, jpg).then(
    () => jpg,
    () => null,
  );
}

/** The provider's own exact last frame (Ark's return_last_frame), kept beside the take for continuity. */
export async function fetchLastFrame(ctx: EngineContext, job: JobRecord, provider: Provider, video: string, signal: AbortSignal): Promise<string | null> {
  const out = job.outputs.find((o) => o.kind === 'last-frame');
  if (!out || !provider.downloadOutput) return null;
  const part = video.replace(/\.mp4$/, '.last.part');
  try {
    await provider.downloadOutput(out, part, signal);
    const kind = sniffImage(await fs.readFile(part));
    if (!kind) return null;
    const file = video.replace(/\.mp4$/, `.last.${kind}`);
    await fs.rename(part, file);
    return relativePosix(ctx.deps.projectDir, file);
  } catch (err) {
    if (isAbort(err)) throw err;
    ctx.log(`job ${job.id}: the provider's last frame could not be fetched: ${toAppErrorShape(err).message}`);
    return null;
  } finally {
    await fs.rm(part, { force: true }).catch(() => undefined);
  }
}