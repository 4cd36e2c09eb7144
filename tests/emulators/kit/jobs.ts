// A job clock shared by the emulators. A job's life is computed from timestamps, never from timers:
// queued until `startMs`, running until `doneMs`, then done — or a moderation failure partway through,
// an off-contract status, a cancellation. With `queueing`, at most N jobs run at once and the rest wait.
import { randomBytes } from 'node:crypto';
import { hasWord } from './faults.ts';
import type { KitFaults } from './faults.ts';

export type Phase = 'queued' | 'running' | 'done' | 'moderated' | 'offspec' | 'cancelled';

export interface Timing {
  /** Time a job waits before it starts running (default 50 ms). */
  queuedMs?: number;
  /** Time it runs (default 250 ms). */
  runningMs?: number;
  /** The poll hint the emulator gives, where the provider gives one (default 50 ms). */
  pollAfterMs?: number;
}

export interface KitJob<D> {
  id: string;
  seq: number;
  prompt: string;
  createdMs: number;
  startMs: number;
  doneMs: number;
  moderation: boolean;
  offSpec: string | null;
  ttlMs: number;
  expiredAt: number | null;
  forcedStatus: string | null;
  cancelledAt: number | null;
  deleted: boolean;
  seconds: number;
  width: number;
  height: number;
  audio: boolean;
  /** What the provider bills when the job succeeds (USD). */
  priceUsd: number;
  /** Provider-specific fields. */
  data: D;
}

export interface BilledEntry {
  id: string;
  prompt: string;
  usd: number;
}

export class JobStore<D> {
  readonly jobs = new Map<string, KitJob<D>>();
  readonly order: Array<KitJob<D>> = [];
  private seq = 0;
  private slots: number[] = [];
  readonly queuedMs: number;
  readonly runningMs: number;
  readonly pollAfterMs: number;

  constructor(
    timing: Timing,
    private now: () => number,
    private faults: () => KitFaults,
    private defaultTtlMs: number,
  ) {
    this.queuedMs = timing.queuedMs ?? 50;
    this.runningMs = timing.runningMs ?? 250;
    this.pollAfterMs = timing.pollAfterMs ?? 50;
  }

  create(fields: { idPrefix: string; prompt: string; seconds: number; width: number; height: number; audio: boolean; priceUsd: number; data: D; id?: string }): KitJob<D> {
    const f = this.faults();
    const t = this.now();
    let startMs = t + this.queuedMs;
    const concurrency = f.queueing?.concurrency;
    if (concurrency && concurrency > 0) {
      if (this.slots.length !== concurrency) this.slots = Array.from({ length: concurrency }, () => 0);
      let k = 0;
      for (let i = 1; i < this.slots.length; i++) if ((this.slots[i] ?? 0) < (this.slots[k] ?? 0)) k = i;
      startMs = Math.max(startMs, this.slots[k] ?? 0);
      this.slots[k] = startMs + this.runningMs;
    }
    const exp = f.expireContent;
    const job: KitJob<D> = {
      id: fields.id ?? `${fields.idPrefix}${randomBytes(12).toString('hex')}`,
      seq: ++this.seq,
      prompt: fields.prompt,
      createdMs: t,
      startMs,
      doneMs: startMs + this.runningMs,
      moderation: hasWord(fields.prompt, f.moderationWord === undefined ? 'FORBIDDEN' : f.moderationWord),
      offSpec: f.offSpecStatus?.find((o) => hasWord(fields.prompt, o.word))?.status ?? null,
      ttlMs: exp && (!exp.word || hasWord(fields.prompt, exp.word)) ? exp.afterMs : this.defaultTtlMs,
      expiredAt: null,
      forcedStatus: null,
      cancelledAt: null,
      deleted: false,
      seconds: fields.seconds,
      width: fields.width,
      height: fields.height,
      audio: fields.audio,
      priceUsd: fields.priceUsd,
      data: fields.data,
    };
    this.jobs.set(job.id, job);
    this.order.push(job);
    return job;
  }

  get(id: string): KitJob<D> | undefined {
    const j = this.jobs.get(id);
    return j && !j.deleted ? j : undefined;
  }

  /** When a moderated job fails (30 % into its run). */
  failMs(job: KitJob<D>): number {
    return job.startMs + Math.floor(this.runningMs * 0.3);
  }

  phase(job: KitJob<D>, t = this.now()): Phase {
    if (job.cancelledAt !== null && job.cancelledAt <= t) return 'cancelled';
    if (job.moderation && t >= this.failMs(job)) return 'moderated';
    if (t < job.startMs) return 'queued';
    if (t < job.doneMs) return 'running';
    return job.offSpec ? 'offspec' : 'done';
  }

  /** 0..100 while running. */
  progress(job: KitJob<D>, t = this.now()): number {
    const p = this.phase(job, t);
    if (p === 'done' || p === 'offspec') return 100;
    if (p !== 'running') return 0;
    return Math.min(99, Math.max(1, Math.floor(((t - job.startMs) / this.runningMs) * 100)));
  }

  /** Jobs ahead of this one that have not started yet (0 when it is next). */
  queuePosition(job: KitJob<D>, t = this.now()): number {
    return this.order.filter((j) => j.seq < job.seq && !j.deleted && j.cancelledAt === null && j.startMs > t).length;
  }

  contentExpired(job: KitJob<D>, t = this.now()): boolean {
    return t >= (job.expiredAt ?? job.doneMs + job.ttlMs);
  }

  /** When the results stop being served (epoch ms). */
  expiresAtMs(job: KitJob<D>): number {
    return job.expiredAt ?? job.doneMs + job.ttlMs;
  }

  /** Cancels a job that has not finished; false when it already ended. */
  cancel(job: KitJob<D>, t = this.now()): boolean {
    const p = this.phase(job, t);
    if (p !== 'queued' && p !== 'running') return false;
    job.cancelledAt = t;
    return true;
  }

  /** What has been billed so far: every job that succeeded (moderated, failed, cancelled, forced-status jobs are not billed). */
  billed(t = this.now()): { totalUsd: number; jobs: BilledEntry[] } {
    const jobs = this.order.filter((j) => this.phase(j, t) === 'done' && j.forcedStatus === null).map((j) => ({ id: j.id, prompt: j.prompt, usd: j.priceUsd }));
    return { totalUsd: roundUsd(jobs.reduce((s, j) => s + j.usd, 0)), jobs };
  }
}

/** Rounds to 1/10000 of a dollar (what a ledger stores). */
export function roundUsd(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** A clock a test moves by hand (`now` option), so statuses change exactly when the test says. */
export class ManualClock {
  constructor(public t = Date.UTC(2026, 11, 1, 12, 0, 0)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
