// Reading a running job's status until the provider says it is done, failed or something unexpected.
import { AppError, isAbort } from '../../../shared/errors.ts';
import { snapshotOf, type JobRecord } from './ledger.ts';
import { refOf } from './requests.ts';
import { recordReportedCost } from './spend.ts';
import { POLL_HINT_FLOOR_MS, type EngineContext } from './types.ts';

export async function poll(ctx: EngineContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  const provider = ctx.deps.provider(job.provider);
  let failures = 0;
  let interval = ctx.timing.pollMinMs;
  for (;;) {
    let status;
    try {
      status = await provider.status(job.providerJobId!, signal, refOf(job));
      failures = 0;
    } catch (err) {
      if (isAbort(err)) throw err;
      if (!(err instanceof AppError && err.retryable)) throw err;
      failures++;
      if (failures >= ctx.timing.parkAfterFailures || ctx.troubleFor(job, err)) return ctx.park(job, err);
      await ctx.sleep(ctx.backoff(failures, err), signal);
      continue;
    }
    ctx.trouble.delete(job.id);
    switch (status.state) {
      case 'queued':
      case 'running': {
        const progress = Math.min(0.99, Math.max(job.progress, status.progress));
        const queuePosition = status.state === 'queued' ? (status.queuePosition ?? null) : null;
        if (progress !== job.progress || queuePosition !== job.queuePosition) {
          job.progress = progress;
          job.queuePosition = queuePosition;
          ctx.events.emit('job', snapshotOf(job));
        }
        // The server's own hint wins (down to a floor that keeps a buggy hint from hammering it).
        const hinted = status.pollAfterMs !== undefined ? Math.max(POLL_HINT_FLOOR_MS, status.pollAfterMs) : interval;
        await ctx.sleep(Math.min(ctx.timing.pollMaxMs, hinted), signal);
        // Jobs take minutes: read often at first, then less often as the job ages.
        interval = Math.min(ctx.timing.pollMaxMs, Math.round(interval * 1.4));
        break;
      }
      case 'completed':
        job.expiresAt = status.expiresAt;
        job.outputs = status.outputs ?? [];
        job.progress = 0;
        if (status.costUsd !== undefined) await recordReportedCost(ctx, job, status.costUsd);
        await ctx.transition(job, 'downloading');
        return;
      case 'failed': {
        const moderation = /moderation|safety|content_policy|blocked/i.test(status.code);
        if (status.billed !== undefined) ctx.billedOnFailure.set(job.id, status.billed);
        throw new AppError(moderation ? 'ModerationBlocked' : 'ProviderRejected', status.message || `The provider failed this scene (${status.code}).`, { detail: status.code });
      }
      case 'unknown':
        if (/expire/i.test(status.raw)) throw new AppError('ContentExpired', 'The provider says this video has expired.', { detail: status.raw });
        throw new AppError('ProviderRejected', `The provider reported this scene as "${status.raw}", which Storyreel does not expect. It stopped waiting for it.`, { detail: status.raw });
    }
  }
}