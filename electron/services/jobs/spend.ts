// The job engine's spend lines: what an accepted job is counted at, the provider's own bill replacing the
// estimate, and the lines a crash could have left out.
import type { JobRecord, SpendEntry } from './ledger.ts';
import type { EngineContext } from './types.ts';

/** One line of the spend ledger for this job: what it is counted at, or a correction of that. */
export function spendLine(job: JobRecord, usd: number, extra: Partial<SpendEntry> = {}): SpendEntry {
  return {
    at: new Date().toISOString(),
    jobId: job.id,
    sceneId: job.sceneId,
    provider: job.provider,
    model: job.model,
    providerJobId: job.providerJobId ?? '',
    seconds: job.seconds,
    size: job.size,
    usd,
    ...extra,
  };
}

/**
 * A job is stored as accepted (with its provider id) just before its spend line is written; a crash between
 * the two would leave a paid job out of the spend ledger and the budget. Every accepted job gets its line.
 */
export async function countAcceptedJobs(ctx: EngineContext): Promise<void> {
  const spend = await ctx.deps.ledger.readSpend();
  for (const job of ctx.jobs.values()) {
    if (!job.providerJobId || job.costUsd <= 0) continue;
    if (spend.some((e) => e.jobId === job.id && e.providerJobId === job.providerJobId)) continue;
    ctx.log(`job ${job.id}: accepted before a crash without its spend line; counting it now`);
    await ctx.deps.ledger.appendSpend(spendLine(job, job.costUsd));
  }
}

/** The provider's own bill for a job replaces the estimate in the spend ledger (a correction line). */
export async function recordReportedCost(ctx: EngineContext, job: JobRecord, usd: number): Promise<void> {
  if (!Number.isFinite(usd) || usd < 0 || job.reportedCostUsd !== null) return;
  job.reportedCostUsd = usd;
  const delta = Math.round((usd - job.costUsd) * 1e6) / 1e6;
  // A crash after the line was written but before the job was stored would write it twice on the next run.
  const written = async (): Promise<boolean> =>
    (await ctx.deps.ledger.readSpend()).some((e) => e.jobId === job.id && e.providerJobId === job.providerJobId && e.reason?.startsWith('the provider reported'));
  if (delta !== 0 && job.providerJobId && !(await written())) {
    await ctx.deps.ledger.appendSpend(spendLine(job, delta, { billed: true, reason: `the provider reported $${usd.toFixed(4)} billed (estimated $${job.costUsd.toFixed(2)})` }));
  }
  await ctx.persist(job);
}