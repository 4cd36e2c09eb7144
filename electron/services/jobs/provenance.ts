// What a take records about how it was made (shared/project.ts ProvenanceSchema): what the planner asked
// for (scene prompt, style, length, source take), what the engine sent (images, seed), how long it took.
import path from 'node:path';
import type { Provenance } from '../../../shared/project.ts';
import { relativePosix } from '../fsutil.ts';
import type { JobRecord } from './ledger.ts';

/** What the planner knows when it queues a job; the engine adds the rest when the take arrives. */
export type PlannedProvenance = Pick<Provenance, 'scenePrompt' | 'style' | 'seconds'> & Partial<Pick<Provenance, 'from' | 'continuityFrom'>>;

export function provenanceOf(job: JobRecord, projectDir: string, now = Date.now()): Provenance | undefined {
  const planned = job.provenance as PlannedProvenance | null | undefined;
  if (!planned) return undefined;
  // Images live under the project (fitted copies in .storyreel/); anything else is shown by name only.
  const shown = (file: string): string => {
    const rel = relativePosix(projectDir, file);
    return rel.startsWith('..') ? path.basename(file) : rel;
  };
  return {
    scenePrompt: planned.scenePrompt,
    style: planned.style,
    seconds: planned.seconds,
    images: (job.images.length ? job.images : job.referenceImage ? [{ role: 'first-frame' as const, file: job.referenceImage }] : []).map((i) => ({ role: i.role, file: shown(i.file) })),
    seed: job.seed,
    elapsedMs: job.sentAt !== null ? Math.max(0, now - job.sentAt) : null,
    from: planned.from ?? null,
    // Resolved when the job ran (the planner cannot know it): the take this one's first frame came from.
    continuityFrom: planned.continuityFrom ?? (job.continuityFrom ? { sceneId: job.continuityFrom.sceneId, takeId: job.continuityFrom.takeId } : null),
  };
}
