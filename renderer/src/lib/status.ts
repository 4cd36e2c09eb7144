// What the latest job of a scene means to a creator (pure; unit-tested in tests/unit/renderer-status.test.ts).
import type { JobSnapshot, JobState } from '../../../shared/jobs.ts';
import { isTerminal } from '../../../shared/jobs.ts';

export type Tone = 'idle' | 'waiting' | 'active' | 'ready' | 'failed' | 'muted';

export interface SceneStatus {
  /** The value for data-status: the latest job's state, or "idle". */
  state: JobState | 'idle';
  tone: Tone;
  /** Short chip text, e.g. "Generating 43%". */
  label: string;
  /** A longer sentence for the editor and screen readers. */
  sentence: string;
  /** 0..1 when a bar should show, else null. */
  progress: number | null;
}

type JobLike = Pick<JobSnapshot, 'id' | 'sceneId' | 'state' | 'progress' | 'createdAt' | 'updatedAt' | 'error'> & Partial<Pick<JobSnapshot, 'queuePosition'>>;

/** The most recently created job for the scene (ties broken by last update). */
export function latestJobFor<J extends JobLike>(jobs: Readonly<Record<string, J>>, sceneId: string): J | null {
  let best: J | null = null;
  for (const job of Object.values(jobs)) {
    if (job.sceneId !== sceneId) continue;
    if (!best || job.createdAt > best.createdAt || (job.createdAt === best.createdAt && job.updatedAt > best.updatedAt)) best = job;
  }
  return best;
}

export function activeJobsFor<J extends JobLike>(jobs: Readonly<Record<string, J>>, sceneId?: string): J[] {
  return Object.values(jobs)
    .filter((j) => (sceneId === undefined || j.sceneId === sceneId) && !isTerminal(j.state))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

const pct = (p: number): number => Math.round(Math.min(1, Math.max(0, p)) * 100);

export function sceneStatus(job: JobLike | null): SceneStatus {
  if (!job) return { state: 'idle', tone: 'idle', label: 'No take yet', sentence: 'Not generated yet.', progress: null };
  if (!isTerminal(job.state) && job.state !== 'unknown' && job.error) {
    // A live job with an error: the provider could not be reached, or a create whose answer was lost
    // is being checked. The job is kept and retried; say so rather than "Generating".
    const checking = job.state === 'submitted';
    return {
      state: job.state,
      tone: 'waiting',
      label: checking ? 'Checking…' : 'Retrying soon',
      sentence: checking
        ? 'The answer to this request was lost; Storyreel is asking the provider whether it got it, so it is never paid for twice.'
        : `${job.error.message} Storyreel keeps the job and tries again by itself.`,
      progress: job.progress,
    };
  }
  switch (job.state) {
    case 'queued':
      return { state: job.state, tone: 'waiting', label: 'Queued', sentence: 'Waiting for a free slot.', progress: 0 };
    case 'submitted':
      return { state: job.state, tone: 'active', label: 'Submitting', sentence: 'Sending the request to the provider.', progress: job.progress };
    case 'running': {
      if (typeof job.queuePosition === 'number') {
        const ahead = job.queuePosition;
        return {
          state: job.state,
          tone: 'waiting',
          label: ahead === 0 ? 'Next in queue' : `In queue · ${ahead} ahead`,
          sentence: ahead === 0 ? 'The provider has it and starts it next.' : `The provider has it; ${ahead} ${ahead === 1 ? 'job is' : 'jobs are'} ahead of it in its queue.`,
          progress: 0,
        };
      }
      const p = pct(job.progress);
      return { state: job.state, tone: 'active', label: `Generating ${p}%`, sentence: `The provider is generating it (${p}%).`, progress: job.progress };
    }
    case 'downloading':
      return { state: job.state, tone: 'active', label: 'Downloading', sentence: 'Downloading the finished clip.', progress: job.progress };
    case 'unknown':
      return {
        state: job.state,
        tone: 'failed',
        label: 'Not confirmed',
        sentence: `${job.error?.message ?? 'Storyreel could not confirm whether the provider received this scene.'} It was not sent again.`,
        progress: null,
      };
    case 'ready':
      return { state: job.state, tone: 'ready', label: 'Ready', sentence: 'The new take is ready.', progress: null };
    case 'failed': {
      const reason = job.error?.message ?? 'The provider gave no reason.';
      return { state: job.state, tone: 'failed', label: 'Failed', sentence: `Failed: ${reason}`, progress: null };
    }
    case 'canceled':
      return { state: job.state, tone: 'muted', label: 'Canceled', sentence: 'Canceled.', progress: null };
  }
}
