// A small kit for provider emulators: options, stats and the pieces every emulator wires the same way.
// Each emulator (fal, gemini, ark, openrouter) keeps its own routes, validation and error shapes.
import { FaultPlan } from './faults.ts';
import type { KitFaults } from './faults.ts';
import { JobStore } from './jobs.ts';
import type { BilledEntry, KitJob, Timing } from './jobs.ts';
import { MediaKit } from './media.ts';
import type { KitRequestRecord } from './http.ts';

export * from './faults.ts';
export * from './jobs.ts';
export * from './http.ts';
export * from './media.ts';
export * from './schema.ts';

export interface KitOptions {
  /** 0 (default) = a random free port. The server always binds 127.0.0.1. */
  port?: number;
  /** The key the emulator accepts. Each emulator has its own default. */
  apiKey?: string;
  /** Job clock. Defaults are fast (tests): queued 50 ms, running 250 ms, poll hint 50 ms. */
  timing?: Timing;
  /** How long results stay downloadable after completion. Default: the provider's (hours to days). */
  contentTtlMs?: number;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
  faults?: KitFaults;
  /** Default seed for the fault RNG. Default 1. */
  seed?: number;
  ffmpegPath?: string;
  /** Where rendered media is cached across runs. Default <tmpdir>/storyreel-emulator-media. */
  cacheDir?: string;
  /** One line per request and event. Default: silent. */
  log?: (line: string) => void;
}

export interface KitStats {
  /** Jobs created (accepted creates, including ones whose answer was then lost). */
  creates: number;
  createsByPrompt: Record<string, number>;
  /** Every job created, in order. */
  createdIds: string[];
  /** Requests rejected (or, for fal, failed later) because they broke the contract. */
  invalidRequests: number;
  /** How many times each fault fired. */
  faults: Record<string, number>;
  /** Every request received, in order, with its headers. */
  requests: KitRequestRecord[];
}

/** What every emulator exposes to tests, beyond its own extras. */
export interface KitEmulator {
  /** The base URL an adapter is given (`--base-url`). */
  url: string;
  port: number;
  apiKey: string;
  stats: KitStats;
  setFaults(f: KitFaults): void;
  resetStats(): void;
  /** What the provider has billed so far (successful jobs), to compare with a spend ledger. */
  billed(): { totalUsd: number; jobs: BilledEntry[] };
  /** Force a status (e.g. "cancelled", or one outside the contract) on a job from now on; it is then not billed. */
  forceStatus(id: string, status: string): void;
  /** Make a job's results expire now. */
  expire(id: string): void;
  /** The exact MP4 bytes a job's video download serves. */
  contentOf(id: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Core<D> {
  now: () => number;
  log: (line: string) => void;
  plan: FaultPlan;
  media: MediaKit;
  jobs: JobStore<D>;
  stats: KitStats;
  /** Counts an accepted create. */
  counted(job: KitJob<D>): void;
  /** The part of KitEmulator that does not depend on the provider. */
  common(server: { url: string; port: number; close(): Promise<void> }, apiKey: string, url: string): KitEmulator;
}

export function makeCore<D>(opts: KitOptions, defaultTtlMs: number, requests: () => KitRequestRecord[]): Core<D> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const plan = new FaultPlan(opts.seed ?? 1, opts.faults ?? {});
  const media = new MediaKit(opts.ffmpegPath, opts.cacheDir);
  const jobs = new JobStore<D>(opts.timing ?? {}, now, () => plan.faults, opts.contentTtlMs ?? defaultTtlMs);
  const stats: KitStats = {
    creates: 0,
    createsByPrompt: {},
    createdIds: [],
    invalidRequests: 0,
    faults: plan.counts,
    get requests() {
      return requests();
    },
  };
  const need = (id: string): KitJob<D> => {
    const j = jobs.jobs.get(id);
    if (!j) throw new Error(`No job ${id}`);
    return j;
  };
  return {
    now,
    log,
    plan,
    media,
    jobs,
    stats,
    counted(job) {
      stats.creates++;
      stats.createsByPrompt[job.prompt] = (stats.createsByPrompt[job.prompt] ?? 0) + 1;
      stats.createdIds.push(job.id);
      // Render ahead so the content is ready when the job completes.
      media.video(job.seconds, job.width, job.height, job.audio).catch((e: Error) => log(`render failed: ${e.message}`));
    },
    common(server, apiKey, url) {
      return {
        url,
        port: server.port,
        apiKey,
        stats,
        setFaults: (f) => plan.set(f),
        resetStats() {
          stats.creates = 0;
          stats.createsByPrompt = {};
          stats.createdIds = [];
          stats.invalidRequests = 0;
          plan.resetCounts();
          requests().length = 0;
        },
        billed: () => jobs.billed(),
        forceStatus(id, status) {
          need(id).forcedStatus = status;
        },
        expire(id) {
          need(id).expiredAt = now();
        },
        contentOf(id) {
          const j = need(id);
          return media.video(j.seconds, j.width, j.height, j.audio);
        },
        close: () => server.close(),
      };
    },
  };
}
