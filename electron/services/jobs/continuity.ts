// `previous-last-frame` continuity: a continuing job waits for the previous scene's job, then starts from
// that scene's chosen take's last usable frame, resolved when it runs and stored before anything is sent.
import { AppError } from '../../../shared/errors.ts';
import { isSettled, type JobSnapshot } from '../../../shared/jobs.ts';
import type { JobRecord } from './ledger.ts';
import type { EngineContext } from './types.ts';

export function needsContinuity(job: JobRecord): boolean {
  return job.continuity === 'previous-last-frame' && job.continuityFrom === null;
}

/** Waits while the previous scene has a job being driven: its take is the one to continue from. */
export async function waitForPrevious(ctx: EngineContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  for (;;) {
    const prev = ctx.deps.continuity?.previousScene(job.sceneId);
    const pending = prev ? [...ctx.jobs.values()].find((j) => j.sceneId === prev && j.id !== job.id && ctx.driving.has(j.id) && !j.parked && !isSettled(j.state)) : undefined;
    if (!pending) return;
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        ctx.events.off('job', onJob);
        signal.removeEventListener('abort', onAbort);
        clearTimeout(recheck);
      };
      const onJob = (snap: JobSnapshot): void => {
        if (snap.id !== pending.id || !(isSettled(snap.state) || pending.parked)) return;
        done();
        resolve();
      };
      // Scenes may move while waiting (two continuing scenes swapped would wait for each other): look again now and then.
      const recheck = setTimeout(() => {
        done();
        resolve();
      }, 2000);
      recheck.unref();
      const onAbort = (): void => {
        done();
        reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
      };
      ctx.events.on('job', onJob);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export async function resolveContinuity(ctx: EngineContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  const source = ctx.deps.continuity;
  if (!source) throw new AppError('InvalidInput', 'This scene continues from the previous one, which this run of Storyreel cannot look up.');
  const frame = await source.lastFrame(job, signal);
  if ('problem' in frame) throw new AppError('InvalidInput', frame.problem);
  job.images = [{ role: 'first-frame', file: frame.file }, ...job.images.filter((i) => i.role !== 'first-frame')];
  job.referenceImage = frame.file;
  job.continuityFrom = { ...frame.from, file: frame.file };
  ctx.log(`job ${job.id}: continues from take ${frame.from.takeId} at ${frame.from.atSeconds} s${frame.from.exact ? " (the provider's own last frame)" : ''}`);
  await ctx.persist(job);
}