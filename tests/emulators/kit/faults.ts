// The fault plan every emulator shares: a seeded RNG decides which requests fail, and each firing is counted.
// Same seed + same sequence of requests → same schedule, so a failing test can be replayed.
import { seededRandom } from '../../../electron/services/media/animatic-look.ts';

/** mulberry32, the same generator Preview draws its looks with (one copy, in the service). */
export const rng = seededRandom;

/**
 * When a fault fires. A rule that is present fires on every matching request unless limited:
 * `skip` lets the first N matching requests through, `count` caps how many times it fires,
 * `probability` (0..1, seeded RNG) makes each matching request a coin toss.
 * `routes` names the emulator's routes it applies to (each fault has a default, see DEFAULT_KINDS).
 */
export interface FaultRule {
  probability?: number;
  count?: number;
  skip?: number;
  routes?: string[];
}

export interface KitFaults {
  /** Seed for the fault RNG (default: the emulator's `seed`). */
  seed?: number;
  /** 429 in the provider's shape, with its retry hint (header or body, as the provider does). */
  rateLimit?: FaultRule & { retryAfterS?: number };
  /** 5xx before anything happens. `burst`: once fired, the next burst−1 matching requests fail too. */
  serverError?: FaultRule & { statuses?: number[]; burst?: number };
  /** Destroy the socket without answering, before doing anything (nothing created). */
  resetBeforeResponse?: FaultRule;
  /** Create the job, then destroy the socket without answering: the "outcome unknown" case. */
  resetAfterCreate?: FaultRule;
  /** Create the job, then answer with a 5xx (a proxy failing after the upstream accepted). */
  serverErrorAfterCreate?: FaultRule & { status?: number };
  /** Send part of a download body, then destroy the socket. `afterBytes` or `fraction` of the body. */
  resetMidDownload?: FaultRule & { afterBytes?: number; fraction?: number };
  /** Delay the answer. */
  slow?: FaultRule & { delayMs: number };
  /** A prompt containing this word ends as the provider's moderation outcome. Default "FORBIDDEN"; null: off. */
  moderationWord?: string | null;
  /** Results of jobs whose prompt contains `word` (every job when no word) expire `afterMs` after completion. */
  expireContent?: { word?: string; afterMs: number };
  /** Jobs whose prompt contains `word` end with this status instead of success (outside the contract). */
  offSpecStatus?: Array<{ word: string; status: string }>;
  /** At most `concurrency` jobs run at once; the rest wait queued (fal's answer to overload, instead of 429). */
  queueing?: { concurrency: number };
  /** A download answers the provider's brief "not ready yet" error (Ark's `video_not_ready`). */
  notReady?: FaultRule;
}

export type FaultName = Exclude<keyof KitFaults, 'seed' | 'moderationWord' | 'expireContent' | 'offSpecStatus' | 'queueing'>;

/** What kind of operation a route is; faults pick their default routes by kind. */
export type RouteKind = 'create' | 'poll' | 'download' | 'other';
export interface RouteRef {
  name: string;
  kind: RouteKind;
}

const DEFAULT_KINDS: Record<FaultName, RouteKind[]> = {
  rateLimit: ['create', 'poll', 'download', 'other'],
  serverError: ['create', 'poll', 'download', 'other'],
  resetBeforeResponse: ['create', 'poll', 'download', 'other'],
  slow: ['create', 'poll', 'download', 'other'],
  resetAfterCreate: ['create'],
  serverErrorAfterCreate: ['create'],
  resetMidDownload: ['download'],
  notReady: ['download'],
};

/** A small string hash (FNV-1a) to give each fault its own seed. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * One fault's schedule. Each fault draws from its own RNG stream (the plan's seed mixed with the fault's
 * name), so whether it fires on its Nth matching request depends only on N: not on how the requests of other
 * faults interleave with it. With one shared stream, a test asserting "this fault fired" passed or failed by
 * the order in which concurrent requests happened to arrive.
 */
export class RuleSchedule {
  private seen = 0;
  private fired = 0;
  private burstLeft = 0;
  private readonly random: () => number;

  constructor(seed: number, name: string) {
    this.random = rng((seed ^ hashName(name)) >>> 0);
  }

  /** Whether the rule fires for the next matching request. */
  next(rule: FaultRule & { burst?: number }): boolean {
    this.seen++;
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return true;
    }
    if (this.seen <= (rule.skip ?? 0) || (rule.count !== undefined && this.fired >= rule.count)) return false;
    const hit = rule.probability === undefined ? true : this.random() < rule.probability;
    if (hit) {
      this.fired++;
      this.burstLeft = Math.max(0, (rule.burst ?? 1) - 1);
    }
    return hit;
  }
}

export class FaultPlan {
  faults: KitFaults = {};
  /** How many times each fault fired. */
  readonly counts: Record<string, number> = {};
  private seed = 1;
  private schedules = new Map<string, RuleSchedule>();

  constructor(
    private defaultSeed = 1,
    faults: KitFaults = {},
  ) {
    this.set(faults);
  }

  set(f: KitFaults): void {
    this.faults = f;
    this.seed = f.seed ?? this.defaultSeed;
    this.schedules.clear();
  }

  resetCounts(): void {
    for (const k of Object.keys(this.counts)) delete this.counts[k];
  }

  /** Decides whether the named fault fires for this request (and counts it). */
  fires(name: FaultName, route: RouteRef): boolean {
    const rule = this.faults[name] as (FaultRule & { burst?: number }) | undefined;
    if (!rule || typeof rule !== 'object') return false;
    if (rule.routes ? !rule.routes.includes(route.name) : !DEFAULT_KINDS[name].includes(route.kind)) return false;
    let schedule = this.schedules.get(name);
    if (!schedule) this.schedules.set(name, (schedule = new RuleSchedule(this.seed, name)));
    const hit = schedule.next(rule);
    if (hit) this.counts[name] = (this.counts[name] ?? 0) + 1;
    return hit;
  }

  /** The status a server-error burst answers with this time. */
  serverErrorStatus(): number {
    const statuses = this.faults.serverError?.statuses ?? [500, 502, 503];
    return statuses[((this.counts.serverError ?? 1) - 1) % statuses.length] ?? 500;
  }
}

/** Case-insensitive "prompt contains word" (a null/empty word never matches). */
export function hasWord(prompt: string, w: string | null | undefined): boolean {
  return Boolean(w) && prompt.toUpperCase().includes(String(w).toUpperCase());
}

/**
 * `--faults all` for every new emulator: a bit of everything, at rates a person clicking around notices
 * without being blocked. Provider-specific extras are merged in by each emulator.
 */
export const KIT_FAULTS_ALL: KitFaults = {
  rateLimit: { probability: 0.05, retryAfterS: 2 },
  serverError: { probability: 0.05, burst: 2 },
  resetBeforeResponse: { probability: 0.02 },
  resetAfterCreate: { probability: 0.1 },
  serverErrorAfterCreate: { probability: 0.05 },
  resetMidDownload: { probability: 0.3 },
  slow: { probability: 0.05, delayMs: 1500 },
  moderationWord: 'FORBIDDEN',
  expireContent: { word: 'EXPIRE', afterMs: 10_000 },
};
