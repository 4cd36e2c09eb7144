// What the engine writes and sends for a job: its first record, the create request, and the reference to a job
// the provider already has.
import type { CreateRequest, InputImage, JobRef, RemoteOutput } from '../providers/types.ts';
import { newId } from '../fsutil.ts';
import type { JobRecord } from './ledger.ts';
import type { JobSpec } from './types.ts';

/** A new job as the ledger first stores it: queued, nothing sent. */
export function newRecord(s: JobSpec, now: string): JobRecord {
  return {
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
  };
}

export function refOf(job: JobRecord): JobRef {
  return { id: job.providerJobId ?? job.remote?.id ?? '', handle: job.remote, outputs: job.outputs as RemoteOutput[] };
}

/** `source`: the job a remix/extension builds on, as the ledger keeps it (CreateRequest.source.ref). */
export function requestOf(job: JobRecord, source: JobRef | null = null): CreateRequest {
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
    source: job.source ? { kind: job.source.kind, providerJobId: job.source.providerJobId, seconds: job.source.seconds, ref: source } : null,
  };
}
