// The job engine: a queue with a concurrency limit that drives each job through an explicit state machine
// (queued → submitted → running → downloading → ready | failed | canceled), writing the job to the ledger
// before every step that talks to the provider. Rules it keeps:
//  - A job is on disk before its create request is sent, with `sentAt` set.
//  - A create whose outcome is unknown is never resent without proof (reconcile.ts); without proof the job
//    stops as `unknown` and is sent again only when the creator asks: resend().
//  - An address where nothing answers is retried, but only for `unreachableGiveUpMs`; then the job is
//    parked (kept; tried again later and on the next start) with the host named.
//  - A finished job is downloaded at once and verified before it becomes a take (outputs.ts).
//  - close() stops work without touching the ledger; the next open() resumes every job.
import { EventEmitter } from 'node:events';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { countImageRoles, imageProblems, modelProfile } from '../../../shared/capabilities.ts';
import { cannotDeriveMessage } from '../../../shared/derive.ts';
import { AppError, isAbort, toAppErrorShape } from '../../../shared/errors.ts';
import { isSettled, isTerminal, TRANSITIONS, type JobSnapshot, type JobState } from '../../../shared/jobs.ts';
import type { JobRef, Provider } from '../providers/types.ts';
import { isOutcomeUnknown } from '../providers/types.ts';
import { needsContinuity, resolveContinuity, waitForPrevious } from './continuity.ts';
import { snapshotOf, type JobRecord } from './ledger.ts';
import { download } from './outputs.ts';
import { poll } from './poll.ts';
import { reconcile } from './reconcile.ts';
import { newRecord, requestOf, refOf } from './requests.ts';
import { Slots } from './slots.ts';
import { countAcceptedJobs, spendLine } from './spend.ts';
import { DEFAULT_TIMING, type EngineContext, type EngineDeps, type EngineTiming, type JobSpec } from './types.ts';

export { DEFAULT_TIMING, POLL_HINT_FLOOR_MS } from './types.ts';
export type { ContinuityFrame, ContinuitySource, EngineDeps, EngineTiming, JobSpec, MediaOps } from './types.ts';

type Driven = { done: Promise<void>; stop: AbortController; cancel: AbortController };

export class JobEngine extends EventEmitter<{ job: [JobSnapshot] }> {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly driving = new Map<string, Driven>();
  private readonly timing: EngineTiming;
  private readonly slots = new Slots(() => this.deps.concurrency);
  private readonly unparkTimers = new Set<NodeJS.Timeout>();
  /** Consecutive "not now" answers (e.g. 429) to a job's create, so the waits between them grow. */
  private readonly refusals = new Map<string, number>();
  /** What the provider said about billing a job that failed, until fail() records it. */
  private readonly billedOnFailure = new Map<string, boolean>();
  /** Since when (epoch ms) a job has met nothing but unreachable/unavailable answers. */
  private readonly trouble = new Map<string, number>();
  private closed = false;
  private readonly log: (line: string) => void;
  private readonly random: () => number;
  /** What the parts (reconcile, poll, outputs, spend, continuity) are lent. */
  private readonly ctx: EngineContext;

  private constructor(private readonly deps: EngineDeps) {
    super();
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.log = deps.log ?? (() => undefined);
    this.random = deps.random ?? Math.random;
    this.ctx = {
      deps,
      timing: this.timing,
      jobs: this.jobs,
      driving: this.driving,
      trouble: this.trouble,
      billedOnFailure: this.billedOnFailure,
      events: this,
      log: this.log,
      persist: (job) => this.persist(job),
      transition: (job, to) => this.transition(job, to),
      accept: (job, providerJobId) => this.accept(job, providerJobId),
      park: (job, err) => this.park(job, err),
      troubleFor: (job, err) => this.troubleFor(job, err),
      backoff: (attempt, err) => this.backoff(attempt, err),
      sleep: (ms, signal) => this.sleep(ms, signal),
    };
  }

  /** Loads the ledger. Call resume() to pick up unfinished jobs. */
  static async open(deps: EngineDeps): Promise<JobEngine> {
    const engine = new JobEngine(deps);
    const jobs = await deps.ledger.readAll((file, err) => engine.log(`ledger: skipped damaged ${file}: ${(err as Error).message}`));
    for (const job of jobs) engine.jobs.set(job.id, job);
    await countAcceptedJobs(engine.ctx);
    return engine;
  }

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map(snapshotOf);
  }

  records(): JobRecord[] {
    return [...this.jobs.values()];
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /** Starts (or restarts) every unfinished job in the ledger. */
  resume(): number {
    let n = 0;
    // Jobs already at the provider first: they are paid for and their links expire.
    // `unknown` ones are asked about again (reconcile only: a list that now answers may find them).
    const order: JobState[] = ['downloading', 'running', 'submitted', 'unknown', 'queued'];
    for (const state of order) {
      for (const job of this.jobs.values()) {
        if (job.state === state && !this.driving.has(job.id)) {
          job.parked = false;
          this.drive(job, state === 'unknown');
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The creator's explicit "send it again" for a job stopped as `unknown`: it may be billed twice, which
   * the window and the command line say before calling this.
   */
  async resend(id: string): Promise<JobSnapshot> {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('NotFound', 'That job no longer exists.');
    // `unknown`, or still being reconciled (a re-check at start, or a check interrupted by a crash).
    const unsettled = job.state === 'submitted' && !job.providerJobId && job.error?.code === 'OutcomeUnknown';
    if (job.state !== 'unknown' && !unsettled) throw new AppError('InvalidInput', 'Only a job whose outcome is unknown can be sent again this way.');
    const d = this.driving.get(id);
    if (d) {
      // Stop the checking first, then send as asked.
      d.stop.abort();
      await d.done;
      if (job.state !== 'unknown' && job.state !== 'submitted') return snapshotOf(job); // the check settled it meanwhile
    }
    job.resends += 1;
    job.error = null;
    this.log(`job ${job.id}: the creator asked to send it again (outcome of the earlier create unknown)`);
    await this.transition(job, 'queued');
    this.drive(job);
    return snapshotOf(job);
  }

  /** Persists every job (state queued) before starting any of them. */
  async enqueue(specs: JobSpec[]): Promise<JobRecord[]> {
    if (this.closed) throw new AppError('Internal', 'The job engine is closed.');
    const now = new Date().toISOString();
    const created: JobRecord[] = specs.map((s) => newRecord(s, now));
    for (const job of created) {
      await this.deps.ledger.write(job);
      this.jobs.set(job.id, job);
      this.emit('job', snapshotOf(job));
    }
    for (const job of created) this.drive(job);
    return created;
  }

  async cancel(id: string): Promise<JobSnapshot> {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('NotFound', 'That job no longer exists.');
    if (isTerminal(job.state)) return snapshotOf(job);
    const driven = this.driving.get(id);
    if (driven) {
      driven.cancel.abort();
      await driven.done;
    }
    if (!isTerminal(job.state)) await this.finishCanceled(job);
    return snapshotOf(job);
  }

  /** Resolves when no job is being driven (all finished, failed, canceled or parked). */
  async idle(): Promise<void> {
    while (this.driving.size) await Promise.allSettled([...this.driving.values()].map((d) => d.done));
  }

  /** Stops all work; the ledger keeps every unfinished job for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.unparkTimers) clearTimeout(t);
    this.unparkTimers.clear();
    for (const d of this.driving.values()) d.stop.abort();
    await this.idle();
  }

  // ---- driving ----------------------------------------------------------------------------------

  /** `recheck`: a job stopped as `unknown` gets one more round of reconciling (never a resend). */
  private drive(job: JobRecord, recheck = false): void {
    const stop = new AbortController();
    const cancel = new AbortController();
    const done = this.run(job, stop.signal, cancel.signal, recheck).finally(() => this.driving.delete(job.id));
    this.driving.set(job.id, { done, stop, cancel });
  }

  private async run(job: JobRecord, stop: AbortSignal, cancel: AbortSignal, recheck = false): Promise<void> {
    const any = AbortSignal.any([stop, cancel]);
    let slot = false;
    try {
      // Before taking a slot: with one slot, the scene waited for could never run.
      if (job.state === 'queued' && needsContinuity(job)) await waitForPrevious(this.ctx, job, any);
      await this.slots.acquire(any);
      slot = true;
      if (recheck && job.state === 'unknown') await this.transition(job, 'submitted');
      while (!isSettled(job.state) && !job.parked) {
        if (cancel.aborted) {
          await this.finishCanceled(job);
          break;
        }
        if (stop.aborted) break;
        // A provider that cannot be used right now (no key, an address not confirmed, no base URL) must not
        // fail a job that may be at the provider and paid for: keep it, and try again later.
        const blocked = this.providerBlocked(job);
        if (blocked) {
          if (job.state === 'queued') throw blocked; // nothing was sent: say why
          await this.park(job, blocked);
          break;
        }
        switch (job.state) {
          case 'queued':
            await this.submit(job, stop, cancel);
            break;
          case 'submitted':
            await reconcile(this.ctx, job, any);
            break;
          case 'running':
            await poll(this.ctx, job, any);
            break;
          case 'downloading':
            await download(this.ctx, job, any);
            break;
        }
      }
    } catch (err) {
      if (isAbort(err) || stop.aborted || cancel.aborted) {
        if (cancel.aborted && !stop.aborted && !isTerminal(job.state)) await this.finishCanceled(job);
      } else {
        const shape = toAppErrorShape(err);
        this.log(`job ${job.id}: ${shape.message} ${shape.detail ?? ''}`);
        await this.fail(job, err).catch(() => undefined);
      }
    } finally {
      if (slot) this.slots.release();
    }
  }

  private async submit(job: JobRecord, stop: AbortSignal, cancel: AbortSignal): Promise<void> {
    const provider = this.deps.provider(job.provider);
    const maxCreates = (this.deps.maxCreateAttempts ?? 3) + job.resends;
    if (job.createAttempts >= maxCreates) {
      throw new AppError('ProviderUnavailable', `The provider did not take this scene after ${job.createAttempts} tries.`);
    }
    // Resolved now, when the job runs (the previous scene's take may have arrived or changed since it was
    // queued), and stored before anything is sent: a resend after a crash sends the same frame.
    if (needsContinuity(job)) await resolveContinuity(this.ctx, job, stop);
    // Images the model has no slot for are refused before anything is sent, naming models that can.
    const refused = imageProblems(job.provider, job.model, countImageRoles(requestOf(job).images ?? []));
    if (refused.length) throw new AppError('UnsupportedByModel', refused.join(' '));
    if (job.source && (!modelProfile(job.provider, job.model)?.[job.source.kind] || !provider.derives?.includes(job.source.kind))) {
      throw new AppError('UnsupportedByModel', cannotDeriveMessage(job.provider, job.model, job.source.kind));
    }
    job.sentAt = Date.now();
    job.createAttempts += 1;
    job.error = null;
    await this.transition(job, 'submitted'); // on disk before a byte is sent
    let providerJobId: string;
    try {
      // Only `stop` (app quitting) interrupts a create. A user's cancel waits for the answer so the
      // job the provider made can be canceled there too, instead of being left running unseen.
      const created = await provider.create(requestOf(job, this.sourceRef(job)), stop);
      providerJobId = created.providerJobId;
      job.remote = created.handle ?? null;
    } catch (err) {
      if (isAbort(err) || stop.aborted) throw err; // stays `submitted`: reconciled on next start
      if (isOutcomeUnknown(err)) {
        job.error = toAppErrorShape(err);
        this.log(`job ${job.id}: create outcome unknown (${job.error.message}); reconciling, not resending`);
        await this.persist(job);
        return; // loop → reconcile()
      }
      if (err instanceof AppError && err.retryable) {
        // A definite "not now" (429, or nothing answering at the address): nothing was created, so sending
        // again later is safe. It does not count as a create attempt, but each refusal in a row waits
        // longer, and an address where nothing answers is given up on after unreachableGiveUpMs.
        job.createAttempts -= 1;
        const refusals = (this.refusals.get(job.id) ?? 0) + 1;
        this.refusals.set(job.id, refusals);
        job.error = err.toJSON();
        await this.transition(job, 'queued');
        if (this.troubleFor(job, err)) return this.park(job, err);
        await this.sleep(this.backoff(refusals, err), stop);
        return;
      }
      throw err;
    }
    await this.accept(job, providerJobId);
    if (cancel.aborted) await this.finishCanceled(job);
  }

  /** The provider has the job: remember its id, count the spend, start polling. */
  private async accept(job: JobRecord, providerJobId: string): Promise<void> {
    this.refusals.delete(job.id);
    this.trouble.delete(job.id);
    job.providerJobId = providerJobId;
    if (job.remote && job.remote.id !== providerJobId) job.remote = null; // adopted by reconcile: a bare id
    job.error = null;
    await this.transition(job, 'running');
    if (job.costUsd > 0) {
      await this.deps.ledger.appendSpend(spendLine(job, job.costUsd, { providerJobId }));
    }
  }

  /**
   * Counts how long a job has been getting "not now / not reachable" answers in a row; true once that
   * has lasted unreachableGiveUpMs. Rate limits do not count: the provider is answering.
   */
  private troubleFor(job: JobRecord, err: unknown): boolean {
    if (err instanceof AppError && err.code === 'RateLimited') return false;
    const now = Date.now();
    const since = this.trouble.get(job.id) ?? now;
    this.trouble.set(job.id, since);
    return now - since >= this.timing.unreachableGiveUpMs;
  }


  // ---- helpers ----------------------------------------------------------------------------------

  /** The job a remix/extension builds on, as the ledger keeps it (an adapter may need its stored URLs). */
  private sourceRef(job: JobRecord): JobRef | null {
    const src = job.source && [...this.jobs.values()].find((j) => j.provider === job.provider && j.providerJobId === job.source!.providerJobId);
    return src ? refOf(src) : null;
  }

  private async transition(job: JobRecord, to: JobState): Promise<void> {
    if (job.state !== to && !TRANSITIONS[job.state].includes(to)) {
      throw new AppError('Internal', `Job ${job.id} cannot go from ${job.state} to ${to}.`);
    }
    job.state = to;
    await this.persist(job);
  }

  private async persist(job: JobRecord): Promise<void> {
    job.updatedAt = new Date().toISOString();
    await this.deps.ledger.write(job);
    this.emit('job', snapshotOf(job));
  }

  private async fail(job: JobRecord, err: unknown): Promise<void> {
    if (isTerminal(job.state)) return;
    job.error = toAppErrorShape(err);
    await this.transition(job, 'failed');
    const billed = this.billedOnFailure.get(job.id) ?? job.error.code !== 'ModerationBlocked';
    this.billedOnFailure.delete(job.id);
    if (!billed && job.providerJobId && job.costUsd > 0) {
      // Providers do not bill a generation their moderation blocked (fal, Ark, OpenRouter say so; the
      // /v1/videos family does not bill failed jobs). The ledger says the same as the confirmation did.
      await this.deps.ledger.appendSpend(spendLine(job, -job.costUsd, { billed: false, reason: job.error.code === 'ModerationBlocked' ? 'moderation blocked: not billed' : 'the provider says this failed job is not billed' }));
    }
    await this.deps.onFailed(job);
  }

  private async finishCanceled(job: JobRecord): Promise<void> {
    if (isTerminal(job.state)) return;
    if (job.providerJobId && job.state !== 'downloading') {
      const provider = this.safeProvider(job.provider);
      await provider?.cancel?.(job.providerJobId, AbortSignal.timeout(10000), refOf(job)).catch(() => undefined);
    }
    job.error = null;
    await this.transition(job, 'canceled');
  }

  private async park(job: JobRecord, err: unknown): Promise<void> {
    this.trouble.delete(job.id);
    job.parked = true;
    job.error = toAppErrorShape(err);
    this.log(`job ${job.id}: provider unreachable; parked in state ${job.state}; tried again in ${Math.round(this.timing.unparkAfterMs / 1000)} s or on next start`);
    await this.persist(job);
    const timer = setTimeout(() => {
      this.unparkTimers.delete(timer);
      if (this.closed || !job.parked || this.driving.has(job.id)) return;
      job.parked = false;
      this.drive(job);
    }, this.timing.unparkAfterMs);
    timer.unref();
    this.unparkTimers.add(timer);
  }

  private providerBlocked(job: JobRecord): unknown {
    try {
      this.deps.provider(job.provider);
      return null;
    } catch (err) {
      return err;
    }
  }

  private safeProvider(id: string): Provider | null {
    try {
      return this.deps.provider(id);
    } catch {
      return null;
    }
  }

  private backoff(attempt: number, err?: unknown): number {
    const hinted = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    if (typeof hinted === 'number' && hinted >= 0) return Math.min(hinted, this.timing.backoffMaxMs * 5);
    const cap = Math.min(this.timing.backoffMaxMs, this.timing.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(cap / 2 + (this.random() * cap) / 2); // "equal jitter": never zero, never above cap
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0) return;
    await sleepTimer(ms, undefined, { signal });
  }
}
