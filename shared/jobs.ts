// Job and export snapshots: main owns these state machines and pushes snapshots; the renderer mirrors them.
import { z } from 'zod';
import { AppErrorSchema } from './errors.ts';

/**
 * queued      → persisted, waiting for a slot; nothing has been sent.
 * submitted   → the create request may have been sent. Without a providerJobId its outcome is unknown
 *               and it must be reconciled, never blindly resent.
 * running     → the provider has the job (providerJobId known); we poll.
 * downloading → the provider finished; bytes are streaming into media/. A download that keeps failing
 *               stays here (parked), never `failed`, while the paid video may still be fetched.
 * unknown     → a create whose outcome could not be settled: the provider's list never answered within
 *               the bound, so Storyreel cannot prove the job does not exist. It is not sent again until
 *               the creator asks (jobs.resend / --resend-unknown); every start checks the list again.
 * ready | failed | canceled → terminal.
 */
export const JOB_STATES = ['queued', 'submitted', 'running', 'downloading', 'unknown', 'ready', 'failed', 'canceled'] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobStateSchema>;
export const TERMINAL_STATES: readonly JobState[] = ['ready', 'failed', 'canceled'];
export const isTerminal = (s: JobState): boolean => TERMINAL_STATES.includes(s);
/** States the engine does not drive by itself (it waits for the creator or the next start). */
export const isSettled = (s: JobState): boolean => isTerminal(s) || s === 'unknown';

/** Which transitions the engine may make. Anything else is a bug and throws. */
export const TRANSITIONS: Record<JobState, readonly JobState[]> = {
  queued: ['submitted', 'failed', 'canceled'],
  submitted: ['running', 'queued', 'unknown', 'failed', 'canceled'],
  running: ['downloading', 'failed', 'canceled'],
  downloading: ['ready', 'failed', 'canceled', 'running'],
  unknown: ['running', 'queued', 'submitted', 'failed', 'canceled'],
  ready: [],
  failed: [],
  canceled: [],
};

export const JobSnapshotSchema = z.object({
  id: z.string(),
  sceneId: z.string(),
  provider: z.string(),
  model: z.string(),
  state: JobStateSchema,
  /** 0..1 */
  progress: z.number().min(0).max(1),
  providerJobId: z.string().nullable(),
  seconds: z.number(),
  size: z.string(),
  costUsd: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: AppErrorSchema.nullable(),
  takeId: z.string().nullable(),
  /** Jobs ahead in the provider's queue while it waits there (fal says); null/absent when unknown. */
  queuePosition: z.number().int().nonnegative().nullable().optional(),
});
export type JobSnapshot = z.infer<typeof JobSnapshotSchema>;

/** 'queued': asked for while another export of the project runs; it starts when that one ends. */
export const EXPORT_STATES = ['queued', 'running', 'done', 'failed', 'canceled'] as const;
export const ExportSnapshotSchema = z.object({
  id: z.string(),
  state: z.enum(EXPORT_STATES),
  /** 0..1, measured against the known total duration. */
  progress: z.number().min(0).max(1),
  etaSeconds: z.number().nullable(),
  /** "fast" = video stream-copied, audio encoded once; "normalize" = everything re-encoded. */
  path: z.enum(['fast', 'normalize']).nullable(),
  totalSeconds: z.number(),
  /** Relative to the project folder once done. */
  outputFile: z.string().nullable(),
  error: AppErrorSchema.nullable(),
  startedAt: z.string(),
  /** How each scene is made (stream-copied, a window around a transition, re-encoded) and why. */
  plan: z.array(z.object({ scene: z.number(), path: z.enum(['copy', 'window', 'conform']), reason: z.string() })).optional(),
  /** One line: why the film is made this way. */
  planReason: z.string().optional(),
  /** While queued: 1 = next to start. */
  queuePosition: z.number().int().positive().optional(),
});
export type ExportSnapshot = z.infer<typeof ExportSnapshotSchema>;
