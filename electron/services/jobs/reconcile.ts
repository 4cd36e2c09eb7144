// A create whose outcome is unknown is never resent without proof: the engine asks the provider for the job
// it may have made and adopts it. Only a list the provider actually answered, read back past the send time,
// proves there is no such job; while no proof comes the engine keeps asking, and after `reconcileGiveUpMs`
// it stops the job as `unknown` (kept, counted as possibly spent, sent again only when the creator asks).
import { AppError, isAbort, toAppErrorShape } from '../../../shared/errors.ts';
import type { JobRecord } from './ledger.ts';
import { requestOf } from './requests.ts';
import type { EngineContext } from './types.ts';

export async function reconcile(ctx: EngineContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  if (job.providerJobId) {
    await ctx.transition(job, 'running');
    return;
  }
  const provider = ctx.deps.provider(job.provider);
  const free = provider.profile.models.every((m) => Object.values(m.pricePerSecond).every((p) => p === 0));
  if (!provider.reconcile) {
    if (free) {
      await ctx.transition(job, 'queued');
      return;
    }
    return stopUnknown(ctx, job, new AppError('OutcomeUnknown', 'This provider cannot be asked which jobs it has.'));
  }
  const exclude = new Set([...ctx.jobs.values()].flatMap((j) => (j.providerJobId ? [j.providerJobId] : [])));
  const req = requestOf(job);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const planned = ctx.timing.reconcileDelaysMs[attempt - 1];
    await ctx.sleep(planned ?? ctx.backoff(attempt - ctx.timing.reconcileDelaysMs.length), signal);
    let found: string | null;
    try {
      found = await provider.reconcile(req, exclude, signal);
    } catch (err) {
      if (isAbort(err)) throw err;
      if (err instanceof AppError && err.code === 'OutcomeUnknown') return stopUnknown(ctx, job, err);
      // No proof either way (the list failed, or did not reach back far enough): never "no such job".
      if (job.error?.code !== 'OutcomeUnknown') {
        job.error = { code: 'OutcomeUnknown', message: 'Checking with the provider whether it took this scene.', detail: toAppErrorShape(err).detail ?? toAppErrorShape(err).message };
        await ctx.persist(job);
      }
      ctx.log(`job ${job.id}: reconcile attempt ${attempt} gave no answer (${toAppErrorShape(err).message}); not resending`);
      if (Date.now() - started >= ctx.timing.reconcileGiveUpMs) return stopUnknown(ctx, job, err);
      continue;
    }
    if (found) {
      ctx.log(`job ${job.id}: reconciled with provider job ${found}; not resent`);
      await ctx.accept(job, found);
      return;
    }
    // An empty list soon after the send proves nothing yet: the server may still be taking the request.
    if (Date.now() - (job.sentAt ?? 0) < ctx.timing.reconcileSettleMs) continue;
    // The provider's own list, read back past the send time, well after it, has no such job: it never got the request.
    ctx.log(`job ${job.id}: the provider's list proves it has no job for this request; sending it again`);
    job.error = null;
    await ctx.transition(job, 'queued');
    return;
  }
}

/** No proof came: keep the job, say what happened and what it may have cost, and send nothing. */
export async function stopUnknown(ctx: EngineContext, job: JobRecord, err: unknown): Promise<void> {
  const cause = toAppErrorShape(err);
  const sent = job.sentAt ? new Date(job.sentAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : 'earlier';
  const cost = job.costUsd > 0 ? ` If it did, it may cost up to $${job.costUsd.toFixed(2)}.` : '';
  // "…is having trouble (HTTP 502). Storyreel will try again." is true of a list read, not of this job.
  const why = cause.code === 'OutcomeUnknown' ? cause.message : `its list of videos could not be read (${cause.message.replace(/\s*Storyreel will try again\.?$/, '').replace(/\.$/, '')}).`;
  job.error = {
    code: 'OutcomeUnknown',
    message: `Storyreel could not confirm whether the provider received this scene (sent ${sent}): ${why}${cost} It was not sent again; send it again only if the provider does not have it.`,
    ...(cause.detail ? { detail: cause.detail } : {}),
  };
  ctx.log(`job ${job.id}: outcome unknown after reconciling; stopped, not resent (${cause.message})`);
  await ctx.transition(job, 'unknown');
  await ctx.deps.onFailed(job);
}