// The job ledger: one JSON file per job under <project>/.storyreel/jobs/, written atomically before the
// job is submitted and again on every state change. It is the only memory that survives a SIGKILL, so
// everything needed to resume (provider job id, the exact request, when it was sent) lives here.
// The spend ledger (spend.jsonl) is append-only: one flushed line per job the provider accepted.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppErrorSchema } from '../../../shared/errors.ts';
import { JobStateSchema, type JobSnapshot } from '../../../shared/jobs.ts';
import { appendLineDurable, writeJsonAtomic } from '../fsutil.ts';

export const JobRecordSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  sceneId: z.string(),
  sceneNumber: z.number().int().positive(),
  provider: z.string(),
  model: z.string(),
  prompt: z.string(),
  seconds: z.number(),
  size: z.string(),
  /** Absolute path of the fitted reference image, if any. */
  referenceImage: z.string().nullable(),
  state: JobStateSchema,
  progress: z.number(),
  providerJobId: z.string().nullable(),
  /** Epoch ms when the create request was (last) sent; null before that. */
  sentAt: z.number().nullable(),
  /** How many create requests were sent for this job (1 in the normal case). */
  createAttempts: z.number().int().nonnegative(),
  /** Resends the creator asked for after an unknown outcome; each allows one more create. */
  resends: z.number().int().nonnegative().default(0),
  costUsd: z.number(),
  expiresAt: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: AppErrorSchema.nullable(),
  takeId: z.string().nullable(),
  /** Set when the provider is unreachable for long: the job is kept but not actively polled. */
  parked: z.boolean().default(false),
  // ---- added with the provider seam (absent in older ledgers: defaults) ----
  /** Images with roles sent with the create (fitted copies under .storyreel/). */
  images: z.array(z.object({ role: z.enum(['first-frame', 'last-frame', 'reference']), file: z.string() })).default([]),
  negativePrompt: z.string().nullable().default(null),
  seed: z.number().int().nullable().default(null),
  audio: z.boolean().nullable().default(null),
  /** Everything the provider needs to find the job again, stored whole. */
  remote: z
    .object({
      id: z.string(),
      urls: z.object({ status: z.string().optional(), result: z.string().optional(), cancel: z.string().optional(), poll: z.string().optional() }).optional(),
      extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .nullable()
    .default(null),
  /** What the finished job yielded (video, thumbnail, last frame), as the provider described them. */
  outputs: z
    .array(z.object({ kind: z.enum(['video', 'thumbnail', 'last-frame']), locator: z.string(), needsAuth: z.boolean(), expiresAt: z.number().nullable(), mime: z.string().optional() }))
    .default([]),
  /** What the provider says it billed, when it says (USD). */
  reportedCostUsd: z.number().nullable().default(null),
  /** The provider's own last frame of the take, downloaded beside it (project-relative). */
  lastFrame: z.string().nullable().default(null),
  /** Jobs ahead of this one in the provider's queue, while it waits there (not every provider says). */
  queuePosition: z.number().int().nonnegative().nullable().default(null),
  /** Which take of its scene this job makes (1-based), when known. */
  takeNumber: z.number().int().positive().nullable().default(null),
  /** "previous-last-frame": the first frame is resolved when the job runs, then kept in `continuityFrom`. */
  continuity: z.enum(['none', 'previous-last-frame']).default('none'),
  /** The frame it starts from (fitted, under .storyreel/) and the take it came from; null until resolved. */
  continuityFrom: z.object({ sceneId: z.string(), takeId: z.string(), atSeconds: z.number(), exact: z.boolean(), file: z.string() }).nullable().default(null),
  /** A remix or extension of an earlier take (CreateRequest.source); null for a new generation. */
  source: z
    .object({ kind: z.enum(['remix', 'extend']), takeId: z.string(), providerJobId: z.string(), seconds: z.number() })
    .nullable()
    .default(null),
  /** What the take will record about how it was asked for (jobs/provenance.ts); null on older jobs. */
  provenance: z
    .object({ scenePrompt: z.string(), style: z.string(), seconds: z.number() })
    .loose()
    .nullable()
    .default(null),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

export function snapshotOf(job: JobRecord): JobSnapshot {
  return {
    id: job.id,
    sceneId: job.sceneId,
    provider: job.provider,
    model: job.model,
    state: job.state,
    progress: Math.min(1, Math.max(0, job.progress)),
    providerJobId: job.providerJobId,
    seconds: job.seconds,
    size: job.size,
    costUsd: job.costUsd,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    error: job.error,
    takeId: job.takeId,
    queuePosition: job.state === 'submitted' || job.state === 'running' ? job.queuePosition : null,
  };
}

export interface SpendEntry {
  at: string;
  jobId: string;
  sceneId: string;
  provider: string;
  model: string;
  providerJobId: string;
  seconds: number;
  size: string;
  /** What the job is counted at; a correction line (e.g. a moderation block the provider does not bill) is negative. */
  usd: number;
  /** false on a correction line: the provider does not bill this job. */
  billed?: boolean;
  reason?: string;
}

export class Ledger {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    if (!/^[\w-]+$/.test(id)) throw new Error(`bad job id ${id}`);
    return path.join(this.dir, 'jobs', `${id}.json`);
  }

  async write(job: JobRecord): Promise<void> {
    await writeJsonAtomic(this.file(job.id), JobRecordSchema.parse(job));
  }

  /** Every job on disk. A damaged job file is reported, not silently dropped. */
  async readAll(onBad?: (file: string, err: unknown) => void): Promise<JobRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(path.join(this.dir, 'jobs'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => path.join(this.dir, 'jobs', n));
    // Reads run a batch at a time: one awaited read after another made 2,000 jobs take ~450 ms at start.
    const jobs: JobRecord[] = [];
    const BATCH = 64;
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const texts = await Promise.allSettled(batch.map((f) => fs.readFile(f, 'utf8')));
      texts.forEach((t, k) => {
        try {
          if (t.status === 'rejected') throw t.reason;
          jobs.push(JobRecordSchema.parse(JSON.parse(t.value)));
        } catch (err) {
          onBad?.(batch[k]!, err);
        }
      });
    }
    return jobs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async appendSpend(entry: SpendEntry): Promise<void> {
    await appendLineDurable(path.join(this.dir, 'spend.jsonl'), JSON.stringify(entry));
  }

  async readSpend(): Promise<SpendEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(path.join(this.dir, 'spend.jsonl'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // A line cut short by a crash is skipped; every complete line was flushed before it counted.
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as SpendEntry];
        } catch {
          return [];
        }
      });
  }
}
