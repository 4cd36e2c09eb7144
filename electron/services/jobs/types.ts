// The job engine's inputs (a job to make, its timing, what it depends on) and the context its parts share.
// engine.ts re-exports them; the parts (reconcile, poll, outputs, spend, continuity) take an EngineContext.
import type { EventEmitter } from 'node:events';
import type { JobSnapshot, JobState } from '../../../shared/jobs.ts';
import type { Take } from '../../../shared/project.ts';
import type { InputImage, Provider } from '../providers/types.ts';
import type { JobRecord, Ledger } from './ledger.ts';
import type { PlannedProvenance } from './provenance.ts';

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

/** What the engine lends its parts: its state, and the steps every part takes (persist, park, wait). */
export interface EngineContext {
  readonly deps: EngineDeps;
  readonly timing: EngineTiming;
  /** Every job the engine knows, by id. */
  readonly jobs: Map<string, JobRecord>;
  /** The jobs being driven now. */
  readonly driving: { has(id: string): boolean };
  /** Since when (epoch ms) a job has met nothing but unreachable/unavailable answers. */
  readonly trouble: Map<string, number>;
  /** What the provider said about billing a job that failed, until the engine's fail() records it. */
  readonly billedOnFailure: Map<string, boolean>;
  /** The engine itself: parts push job snapshots and listen for them. */
  readonly events: EventEmitter<{ job: [JobSnapshot] }>;
  log(line: string): void;
  persist(job: JobRecord): Promise<void>;
  transition(job: JobRecord, to: JobState): Promise<void>;
  /** The provider has the job: remember its id, count the spend, start polling. */
  accept(job: JobRecord, providerJobId: string): Promise<void>;
  park(job: JobRecord, err: unknown): Promise<void>;
  troubleFor(job: JobRecord, err: unknown): boolean;
  backoff(attempt: number, err?: unknown): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
