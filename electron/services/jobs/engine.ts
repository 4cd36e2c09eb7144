// The job engine: a queue with a concurrency limit that drives each job through an explicit state machine
// (queued → submitted → running → downloading → ready | failed | canceled), writing the job to the ledger
// before every step that talks to the provider. Rules it keeps:
//  - A job is on disk before its create request is sent, with `sentAt` set.
//  - A create whose outcome is unknown is never resent without proof: the engine asks the provider for
//    the job it may have made (reconcile) and adopts it. Only a list the provider actually answered, read
//    back past the send time, proves there is no such job; while no proof comes the engine keeps asking,
//    and after `reconcileGiveUpMs` it stops the job as `unknown` (kept, counted as possibly spent, and
//    sent again only when the creator asks: resend()).
//  - An address where nothing answers is retried, but only for `unreachableGiveUpMs`; then the job is
//    parked (kept; tried again later and on the next start) with the host named.
//  - A finished job is downloaded at once, verified, and only then renamed into media/. A completed job
//    never fails because its download did: it stays `downloading` (parked) until its link expires.
//  - close() stops work without touching the ledger; the next open() resumes every job.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { countImageRoles, imageProblems, modelProfile } from '../../../shared/capabilities.ts';
import { AppError, isAbort, toAppErrorShape } from '../../../shared/errors.ts';
import { isSettled, isTerminal, TRANSITIONS, type JobSnapshot, type JobState } from '../../../shared/jobs.ts';
import type { Take } from '../../../shared/project.ts';
import { exists, newId, relativePosix } from '../fsutil.ts';
import { sniffImage } from '../media/sniff.ts';
import type { CreateRequest, InputImage, JobRef, Provider, RemoteOutput } from '../providers/types.ts';
import { isOutcomeUnknown } from '../providers/types.ts';
import { snapshotOf, type JobRecord, type Ledger, type SpendEntry } from './ledger.ts';
import { provenanceOf, type PlannedProvenance } from './provenance.ts';

export interface JobSpec {
  sceneId: string;
  sceneNumber: number;
  provider: string;
  model: string;
  prompt: string;
  seconds: number;
  size: string;
  referenceImage: string | null;
  costUsd: number;
  /** Images with roles (first/last frame, references), fitted to `size`. */
  images?: InputImage[];
  negativePrompt?: string | null;
  seed?: number | null;
  audio?: boolean | null;
  /** Which take of its scene this will be (1-based); Preview draws it. */
  takeNumber?: number | null;
  /** "previous-last-frame": the first frame is the previous scene's chosen take's last usable frame, resolved when the job runs. */
  continuity?: 'none' | 'previous-last-frame';
  /** What the take will record about how it was asked for (scene prompt, style, length, source take). */
  provenance?: PlannedProvenance | null;
  /** A remix or extension of an earlier take at the same provider (CreateRequest.source). */
  source?: JobRecord['source'];
}

/** The frame a continuing job starts from, and which take it came from (provenance). */
export interface ContinuityFrame {
  /** Fitted to the job's size. */
  file: string;
  from: { sceneId: string; takeId: string; atSeconds: number; exact: boolean };
}

/** How the engine finds a continuing job's first frame (the project knows the scene order and the takes). */
export interface ContinuitySource {
  /** The scene before this one now (scenes move between queueing and running), or null. */
  previousScene(sceneId: string): string | null;
  /** The previous scene's chosen take's last usable frame, or why there is none (in words). */
  lastFrame(job: JobRecord, signal: AbortSignal): Promise<ContinuityFrame | { problem: string }>;
}

export interface EngineTiming {
  /** Shortest and longest wait between two status reads (without a server hint). */
  pollMinMs: number;
  pollMaxMs: number;
  /** Backoff for retryable errors: base·2^n, capped, with jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Waits before each reconcile attempt after a create with an unknown outcome. */
  reconcileDelaysMs: number[];
  /** Consecutive failed reads after which a job is parked (kept, and tried again later). */
  parkAfterFailures: number;
  /** How long a parked job waits before the engine tries it again by itself. */
  unparkAfterMs: number;
  /**
   * How long a create with an unknown outcome is reconciled while the provider's list gives no proof
   * either way, before the job is stopped as `unknown`.
   */
  reconcileGiveUpMs: number;
  /**
   * How long after the send an empty list starts to count as proof that the provider has no such job: a
   * server may still be taking a request whose connection was lost (seen: created 2.5 s after a killed
   * client's send, after the next start had listed it as absent).
   */
  reconcileSettleMs: number;
  /** How long a provider may stay unreachable (nothing answering, 5xx) before the job is parked. */
  unreachableGiveUpMs: number;
}

/** The shortest wait between status reads that a server's `openai-poll-after-ms` hint can ask for. */
export const POLL_HINT_FLOOR_MS = 250;

export const DEFAULT_TIMING: EngineTiming = {
  pollMinMs: 2000,
  pollMaxMs: 20000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60000,
  reconcileDelaysMs: [1000, 4000, 10000],
  parkAfterFailures: 40,
  unparkAfterMs: 5 * 60_000,
  reconcileGiveUpMs: 10 * 60_000,
  reconcileSettleMs: 30_000,
  unreachableGiveUpMs: 2 * 60_000,
};

export interface MediaOps {
  /** Throws AppError('MediaInvalid') unless the file is a playable video; returns its duration. */
  verify(file: string): Promise<{ durationSeconds: number }>;
  /** Best-effort poster frame. */
  thumbnail(video: string, outJpg: string): Promise<void>;
}

export interface EngineDeps {
  ledger: Ledger;
  /** Resolves a provider by id; throws AppError (e.g. MissingKey) when it cannot be used now. */
  provider(id: string): Provider;
  media: MediaOps;
  /** Project folder; takes go to <projectDir>/media. */
  projectDir: string;
  /** Adds a finished take to the project. Returns false if its scene is gone. */
  onTake(job: JobRecord, take: Take): Promise<boolean>;
  /** Records why a job failed on its scene. */
  onFailed(job: JobRecord): Promise<void>;
  concurrency: number;
  timing?: Partial<EngineTiming>;
  log?: (line: string) => void;
  random?: () => number;
  /** Max create requests per job, counting resends after a reconcile found nothing. */
  maxCreateAttempts?: number;
  /** Resolves `previous-last-frame` continuity; without it such a job fails before sending. */
  continuity?: ContinuitySource;
}

type Driven = { done: Promise<void>; stop: AbortController; cancel: AbortController };

export class JobEngine extends EventEmitter<{ job: [JobSnapshot] }> {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly driving = new Map<string, Driven>();
  private readonly timing: EngineTiming;
  private readonly waiting: Array<() => void> = [];
  private readonly unparkTimers = new Set<NodeJS.Timeout>();
  /** Consecutive "not now" answers (e.g. 429) to a job's create, so the waits between them grow. */
  private readonly refusals = new Map<string, number>();
  /** What the provider said about billing a job that failed, until fail() records it. */
  private readonly billedOnFailure = new Map<string, boolean>();
  /** Since when (epoch ms) a job has met nothing but unreachable/unavailable answers. */
  private readonly trouble = new Map<string, number>();
  private active = 0;
  private closed = false;
  private readonly log: (line: string) => void;
  private readonly random: () => number;

  private constructor(private readonly deps: EngineDeps) {
    super();
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.log = deps.log ?? (() => undefined);
    this.random = deps.random ?? Math.random;
  }

  /** Loads the ledger. Call resume() to pick up unfinished jobs. */
  static async open(deps: EngineDeps): Promise<JobEngine> {
    const engine = new JobEngine(deps);
    const jobs = await deps.ledger.readAll((file, err) => engine.log(`ledger: skipped damaged ${file}: ${(err as Error).message}`));
    for (const job of jobs) engine.jobs.set(job.id, job);
    await engine.countAcceptedJobs();
    return engine;
  }

  /**
   * A job is stored as accepted (with its provider id) just before its spend line is written; a crash between
   * the two would leave a paid job out of the spend ledger and the budget. Every accepted job gets its line.
   */
  private async countAcceptedJobs(): Promise<void> {
    const spend = await this.deps.ledger.readSpend();
    for (const job of this.jobs.values()) {
      if (!job.providerJobId || job.costUsd <= 0) continue;
      if (spend.some((e) => e.jobId === job.id && e.providerJobId === job.providerJobId)) continue;
      this.log(`job ${job.id}: accepted before a crash without its spend line; counting it now`);
      await this.deps.ledger.appendSpend(this.spendLine(job, job.costUsd));
    }
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
    const created: JobRecord[] = specs.map((s) => ({
      v: 1,
      id: newId('job'),
      ...s,
      images: s.images ?? [],
      negativePrompt: s.negativePrompt ?? null,
      seed: s.seed ?? null,
      audio: s.audio ?? null,
      takeNumber: s.takeNumber ?? null,
      continuity: s.continuity ?? 'none',
      continuityFrom: null,
      provenance: s.provenance ?? null,
      source: s.source ?? null,
      remote: null,
      outputs: [],
      reportedCostUsd: null,
      lastFrame: null,
      queuePosition: null,
      state: 'queued',
      progress: 0,
      providerJobId: null,
      sentAt: null,
      createAttempts: 0,
      resends: 0,
      expiresAt: null,
      createdAt: now,
      updatedAt: now,
      error: null,
      takeId: null,
      parked: false,
    }));
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
      if (job.state === 'queued' && this.needsContinuity(job)) await this.waitForPrevious(job, any);
      await this.acquire(any);
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
            await this.reconcile(job, any);
            break;
          case 'running':
            await this.poll(job, any);
            break;
          case 'downloading':
            await this.download(job, any);
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
      if (slot) this.release();
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
    if (this.needsContinuity(job)) await this.resolveContinuity(job, stop);
    // Images the model has no slot for are refused before anything is sent, naming models that can.
    const refused = imageProblems(job.provider, job.model, countImageRoles(this.requestOf(job).images ?? []));
    if (refused.length) throw new AppError('UnsupportedByModel', refused.join(' '));
    if (job.source && (!modelProfile(job.provider, job.model)?.[job.source.kind] || !provider.derives?.includes(job.source.kind))) {
      throw new AppError('UnsupportedByModel', `${job.model} cannot ${job.source.kind} a take; generate the scene again instead.`);
    }
    job.sentAt = Date.now();
    job.createAttempts += 1;
    job.error = null;
    await this.transition(job, 'submitted'); // on disk before a byte is sent
    let providerJobId: string;
    try {
      // Only `stop` (app quitting) interrupts a create. A user's cancel waits for the answer so the
      // job the provider made can be canceled there too, instead of being left running unseen.
      const created = await provider.create(this.requestOf(job), stop);
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
      await this.deps.ledger.appendSpend(this.spendLine(job, job.costUsd, { providerJobId }));
    }
  }

  private async reconcile(job: JobRecord, signal: AbortSignal): Promise<void> {
    if (job.providerJobId) {
      await this.transition(job, 'running');
      return;
    }
    const provider = this.deps.provider(job.provider);
    const free = provider.profile.models.every((m) => Object.values(m.pricePerSecond).every((p) => p === 0));
    if (!provider.reconcile) {
      if (free) {
        await this.transition(job, 'queued');
        return;
      }
      return this.stopUnknown(job, new AppError('OutcomeUnknown', 'This provider cannot be asked which jobs it has.'));
    }
    const exclude = new Set([...this.jobs.values()].flatMap((j) => (j.providerJobId ? [j.providerJobId] : [])));
    const req = this.requestOf(job);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const planned = this.timing.reconcileDelaysMs[attempt - 1];
      await this.sleep(planned ?? this.backoff(attempt - this.timing.reconcileDelaysMs.length), signal);
      let found: string | null;
      try {
        found = await provider.reconcile(req, exclude, signal);
      } catch (err) {
        if (isAbort(err)) throw err;
        if (err instanceof AppError && err.code === 'OutcomeUnknown') return this.stopUnknown(job, err);
        // No proof either way (the list failed, or did not reach back far enough): never "no such job".
        if (job.error?.code !== 'OutcomeUnknown') {
          job.error = { code: 'OutcomeUnknown', message: 'Checking with the provider whether it took this scene.', detail: toAppErrorShape(err).detail ?? toAppErrorShape(err).message };
          await this.persist(job);
        }
        this.log(`job ${job.id}: reconcile attempt ${attempt} gave no answer (${toAppErrorShape(err).message}); not resending`);
        if (Date.now() - started >= this.timing.reconcileGiveUpMs) return this.stopUnknown(job, err);
        continue;
      }
      if (found) {
        this.log(`job ${job.id}: reconciled with provider job ${found}; not resent`);
        await this.accept(job, found);
        return;
      }
      // An empty list soon after the send proves nothing yet: the server may still be taking the request.
      if (Date.now() - (job.sentAt ?? 0) < this.timing.reconcileSettleMs) continue;
      // The provider's own list, read back past the send time, well after it, has no such job: it never got the request.
      this.log(`job ${job.id}: the provider's list proves it has no job for this request; sending it again`);
      job.error = null;
      await this.transition(job, 'queued');
      return;
    }
  }

  /** No proof came: keep the job, say what happened and what it may have cost, and send nothing. */
  private async stopUnknown(job: JobRecord, err: unknown): Promise<void> {
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
    this.log(`job ${job.id}: outcome unknown after reconciling; stopped, not resent (${cause.message})`);
    await this.transition(job, 'unknown');
    await this.deps.onFailed(job);
  }

  private async poll(job: JobRecord, signal: AbortSignal): Promise<void> {
    const provider = this.deps.provider(job.provider);
    let failures = 0;
    let interval = this.timing.pollMinMs;
    for (;;) {
      let status;
      try {
        status = await provider.status(job.providerJobId!, signal, this.refOf(job));
        failures = 0;
      } catch (err) {
        if (isAbort(err)) throw err;
        if (!(err instanceof AppError && err.retryable)) throw err;
        failures++;
        if (failures >= this.timing.parkAfterFailures || this.troubleFor(job, err)) return this.park(job, err);
        await this.sleep(this.backoff(failures, err), signal);
        continue;
      }
      this.trouble.delete(job.id);
      switch (status.state) {
        case 'queued':
        case 'running': {
          const progress = Math.min(0.99, Math.max(job.progress, status.progress));
          const queuePosition = status.state === 'queued' ? (status.queuePosition ?? null) : null;
          if (progress !== job.progress || queuePosition !== job.queuePosition) {
            job.progress = progress;
            job.queuePosition = queuePosition;
            this.emit('job', snapshotOf(job));
          }
          // The server's own hint wins (down to a floor that keeps a buggy hint from hammering it).
          const hinted = status.pollAfterMs !== undefined ? Math.max(POLL_HINT_FLOOR_MS, status.pollAfterMs) : interval;
          await this.sleep(Math.min(this.timing.pollMaxMs, hinted), signal);
          // Jobs take minutes: read often at first, then less often as the job ages.
          interval = Math.min(this.timing.pollMaxMs, Math.round(interval * 1.4));
          break;
        }
        case 'completed':
          job.expiresAt = status.expiresAt;
          job.outputs = status.outputs ?? [];
          job.progress = 0;
          if (status.costUsd !== undefined) await this.recordReportedCost(job, status.costUsd);
          await this.transition(job, 'downloading');
          return;
        case 'failed': {
          const moderation = /moderation|safety|content_policy|blocked/i.test(status.code);
          if (status.billed !== undefined) this.billedOnFailure.set(job.id, status.billed);
          throw new AppError(moderation ? 'ModerationBlocked' : 'ProviderRejected', status.message || `The provider failed this scene (${status.code}).`, { detail: status.code });
        }
        case 'unknown':
          if (/expire/i.test(status.raw)) throw new AppError('ContentExpired', 'The provider says this video has expired.', { detail: status.raw });
          throw new AppError('ProviderRejected', `The provider reported this scene as "${status.raw}", which Storyreel does not expect. It stopped waiting for it.`, { detail: status.raw });
      }
    }
  }

  private takeFile(job: JobRecord): string {
    return path.join(this.deps.projectDir, 'media', `${job.sceneId}-${job.id}.mp4`);
  }

  private async download(job: JobRecord, signal: AbortSignal): Promise<void> {
    const provider = this.deps.provider(job.provider);
    const final = this.takeFile(job);
    const tmpDir = path.join(this.deps.projectDir, '.storyreel', 'downloads');
    await fs.mkdir(path.dirname(final), { recursive: true });
    await fs.mkdir(tmpDir, { recursive: true });
    let info: { durationSeconds: number } | null = null;
    if (await exists(final)) {
      // Renamed into place before a crash: it was verified already; check it is still whole.
      info = await this.deps.media.verify(final).catch(() => null);
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
          ref: this.refOf(job),
          onProgress: (received, total) => {
            if (total) {
              job.progress = Math.min(0.99, received / total);
              this.emit('job', snapshotOf(job));
            }
          },
        });
        info = await this.deps.media.verify(part);
        await fs.rename(part, final);
      } catch (err) {
        if (isAbort(err)) throw err;
        const e = err instanceof AppError ? err : null;
        if (e?.code === 'ContentExpired' || (job.expiresAt !== null && Date.now() > job.expiresAt)) {
          throw e?.code === 'ContentExpired' ? err : new AppError('ContentExpired', 'The provider\'s link to this video expired before it could be downloaded.', { detail: e?.message });
        }
        await fs.rm(part, { force: true }); // a file that failed verification, or half of one: start from zero
        failures++;
        this.log(`job ${job.id}: download failed (${toAppErrorShape(err).message}); attempt ${failures}`);
        if (failures >= this.timing.parkAfterFailures || this.troubleFor(job, err) || (!e?.retryable && failures >= 3)) {
          return this.park(job, err);
        }
        await this.sleep(this.backoff(failures, e), signal);
      }
    }
    this.trouble.delete(job.id);
    const thumbnail = await this.fetchThumbnail(job, provider, final, signal);
    job.lastFrame = await this.fetchLastFrame(job, provider, final, signal);
    const take: Take = {
      id: `take_${job.id.slice(4)}`,
      jobId: job.id,
      provider: job.provider,
      model: job.model,
      file: relativePosix(this.deps.projectDir, final),
      thumbnail: thumbnail ? relativePosix(this.deps.projectDir, thumbnail) : null,
      seconds: Math.round(info.durationSeconds * 1000) / 1000,
      size: job.size,
      prompt: job.prompt,
      providerJobId: job.providerJobId,
      costUsd: job.costUsd,
      createdAt: new Date().toISOString(),
      rating: 0,
      ...(job.continuityFrom ? { continuityFrom: { sceneId: job.continuityFrom.sceneId, takeId: job.continuityFrom.takeId, atSeconds: job.continuityFrom.atSeconds, exact: job.continuityFrom.exact } } : {}),
    };
    const made = provenanceOf(job, this.deps.projectDir);
    if (made) take.provenance = made;
    const kept = await this.deps.onTake(job, take);
    if (!kept) this.log(`job ${job.id}: scene ${job.sceneId} was deleted; the take stays in ${take.file}`);
    job.takeId = kept ? take.id : null;
    job.progress = 1;
    await this.transition(job, 'ready');
  }

  /**
   * The provider's thumbnail, stored under the extension of what actually arrived (the spec sends WebP;
   * some gateways JPEG); anything that is not an image is dropped and a poster frame is cut instead.
   */
  private async fetchThumbnail(job: JobRecord, provider: Provider, video: string, signal: AbortSignal): Promise<string | null> {
    const base = video.replace(/\.mp4$/, '');
    const part = `${base}.thumb.part`;
    try {
      if (await provider.downloadThumbnail?.(job.providerJobId!, part, signal, this.refOf(job))) {
        const kind = sniffImage(await fs.readFile(part));
        if (kind) {
          const file = `${base}.${kind}`;
          await fs.rename(part, file);
          return file;
        }
        this.log(`job ${job.id}: the provider's thumbnail is not an image; making one from the video`);
      }
    } catch (err) {
      if (isAbort(err)) throw err;
    } finally {
      await fs.rm(part, { force: true }).catch(() => undefined);
    }
    const jpg = `${base}.jpg`;
    return this.deps.media.thumbnail(video, jpg).then(
      () => jpg,
      () => null,
    );
  }

  /** The provider's own exact last frame (Ark's return_last_frame), kept beside the take for continuity. */
  private async fetchLastFrame(job: JobRecord, provider: Provider, video: string, signal: AbortSignal): Promise<string | null> {
    const out = job.outputs.find((o) => o.kind === 'last-frame');
    if (!out || !provider.downloadOutput) return null;
    const part = video.replace(/\.mp4$/, '.last.part');
    try {
      await provider.downloadOutput(out, part, signal);
      const kind = sniffImage(await fs.readFile(part));
      if (!kind) return null;
      const file = video.replace(/\.mp4$/, `.last.${kind}`);
      await fs.rename(part, file);
      return relativePosix(this.deps.projectDir, file);
    } catch (err) {
      if (isAbort(err)) throw err;
      this.log(`job ${job.id}: the provider's last frame could not be fetched: ${toAppErrorShape(err).message}`);
      return null;
    } finally {
      await fs.rm(part, { force: true }).catch(() => undefined);
    }
  }

  /** The provider's own bill for a job replaces the estimate in the spend ledger (a correction line). */
  private async recordReportedCost(job: JobRecord, usd: number): Promise<void> {
    if (!Number.isFinite(usd) || usd < 0 || job.reportedCostUsd !== null) return;
    job.reportedCostUsd = usd;
    const delta = Math.round((usd - job.costUsd) * 1e6) / 1e6;
    // A crash after the line was written but before the job was stored would write it twice on the next run.
    const written = async (): Promise<boolean> =>
      (await this.deps.ledger.readSpend()).some((e) => e.jobId === job.id && e.providerJobId === job.providerJobId && e.reason?.startsWith('the provider reported'));
    if (delta !== 0 && job.providerJobId && !(await written())) {
      await this.deps.ledger.appendSpend(this.spendLine(job, delta, { billed: true, reason: `the provider reported $${usd.toFixed(4)} billed (estimated $${job.costUsd.toFixed(2)})` }));
    }
    await this.persist(job);
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

  // ---- continuity -------------------------------------------------------------------------------

  private needsContinuity(job: JobRecord): boolean {
    return job.continuity === 'previous-last-frame' && job.continuityFrom === null;
  }

  /** Waits while the previous scene has a job being driven: its take is the one to continue from. */
  private async waitForPrevious(job: JobRecord, signal: AbortSignal): Promise<void> {
    for (;;) {
      const prev = this.deps.continuity?.previousScene(job.sceneId);
      const pending = prev ? [...this.jobs.values()].find((j) => j.sceneId === prev && j.id !== job.id && this.driving.has(j.id) && !j.parked && !isSettled(j.state)) : undefined;
      if (!pending) return;
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          this.off('job', onJob);
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
        this.on('job', onJob);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  private async resolveContinuity(job: JobRecord, signal: AbortSignal): Promise<void> {
    const source = this.deps.continuity;
    if (!source) throw new AppError('InvalidInput', 'This scene continues from the previous one, which this run of Storyreel cannot look up.');
    const frame = await source.lastFrame(job, signal);
    if ('problem' in frame) throw new AppError('InvalidInput', frame.problem);
    job.images = [{ role: 'first-frame', file: frame.file }, ...job.images.filter((i) => i.role !== 'first-frame')];
    job.referenceImage = frame.file;
    job.continuityFrom = { ...frame.from, file: frame.file };
    this.log(`job ${job.id}: continues from take ${frame.from.takeId} at ${frame.from.atSeconds} s${frame.from.exact ? " (the provider's own last frame)" : ''}`);
    await this.persist(job);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private refOf(job: JobRecord): JobRef {
    return { id: job.providerJobId ?? job.remote?.id ?? '', handle: job.remote, outputs: job.outputs as RemoteOutput[] };
  }

  private requestOf(job: JobRecord): CreateRequest {
    const images: InputImage[] = job.images.length ? job.images : job.referenceImage ? [{ role: 'first-frame', file: job.referenceImage }] : [];
    return {
      jobId: job.id,
      model: job.model,
      prompt: job.prompt,
      seconds: job.seconds,
      size: job.size,
      referenceImage: job.referenceImage,
      images,
      negativePrompt: job.negativePrompt,
      seed: job.seed,
      audio: job.audio,
      sentAt: job.sentAt ?? Date.now(),
      sceneNumber: job.sceneNumber,
      ...(job.takeNumber ? { takeNumber: job.takeNumber } : {}),
      source: job.source ? { kind: job.source.kind, providerJobId: job.source.providerJobId, seconds: job.source.seconds } : null,
    };
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
      await this.deps.ledger.appendSpend(this.spendLine(job, -job.costUsd, { billed: false, reason: job.error.code === 'ModerationBlocked' ? 'moderation blocked: not billed' : 'the provider says this failed job is not billed' }));
    }
    await this.deps.onFailed(job);
  }

  private async finishCanceled(job: JobRecord): Promise<void> {
    if (isTerminal(job.state)) return;
    if (job.providerJobId && job.state !== 'downloading') {
      const provider = this.safeProvider(job.provider);
      await provider?.cancel?.(job.providerJobId, AbortSignal.timeout(10000), this.refOf(job)).catch(() => undefined);
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

  /** One line of the spend ledger for this job: what it is counted at, or a correction of that. */
  private spendLine(job: JobRecord, usd: number, extra: Partial<SpendEntry> = {}): SpendEntry {
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

  private async acquire(signal: AbortSignal): Promise<void> {
    while (this.active >= Math.max(1, this.deps.concurrency)) {
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          // Leave the queue, so a later release() wakes a job that is still waiting.
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
    }
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
