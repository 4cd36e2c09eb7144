// Cancelling paid work asks first, and says what it cannot undo: a job the provider accepted is already
// counted against the budget (its price is in the spend ledger), and the provider may bill it anyway.
// A job not sent yet, or a free one (Preview), is cancelled at once.
import { useRef } from 'react';
import { create } from 'zustand';
import type { ProjectJob } from '../../../shared/contract.ts';
import { cancelJob } from '../actions.ts';
import { formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { Modal } from './Modal.tsx';

const usePendingCancel = create<{ jobIds: string[] | null }>(() => ({ jobIds: null }));

/** Whether cancelling this job leaves money spent: it is paid and its create has gone out. */
export const costsMoney = (job: ProjectJob): boolean => job.costUsd > 0 && job.state !== 'queued';

/** Cancels the jobs, asking first when any of them has cost money already. */
export function requestCancel(jobIds: string[]): void {
  const jobs = useStore.getState().jobs;
  if (jobIds.some((id) => jobs[id] && costsMoney(jobs[id]))) usePendingCancel.setState({ jobIds });
  else jobIds.forEach((id) => void cancelJob(id));
}

export function ConfirmCancel() {
  const jobIds = usePendingCancel((s) => s.jobIds);
  const jobs = useStore((s) => s.jobs);
  const keepRef = useRef<HTMLButtonElement>(null);
  if (!jobIds) return null;
  const paid = jobIds.map((id) => jobs[id]).filter((j): j is ProjectJob => !!j && costsMoney(j));
  const usd = paid.reduce((a, j) => a + j.costUsd, 0);
  const close = () => usePendingCancel.setState({ jobIds: null });
  const confirm = () => {
    close();
    jobIds.forEach((id) => void cancelJob(id));
  };
  const n = jobIds.length;
  return (
    <Modal titleId="cancel-title" bodyId="cancel-body" testId="confirm-cancel" initialFocus={keepRef} onClose={close}>
      <h2 id="cancel-title">{n === 1 ? 'Cancel this generation?' : `Cancel ${n} generations?`}</h2>
      <p id="cancel-body" className="muted" data-testid="confirm-cancel-body">
        {formatMoney(usd)} for {paid.length === 1 ? 'it' : `${paid.length} of them`} is already counted against this project's budget: the provider has the
        request and may bill it even if it is cancelled now. Cancelling stops Storyreel from waiting for the video.
      </p>
      <div className="modal-actions">
        <button ref={keepRef} type="button" className="btn" data-testid="confirm-cancel-no" onClick={close}>
          Keep generating
        </button>
        <button type="button" className="btn btn-danger-solid" data-testid="confirm-cancel-yes" onClick={confirm}>
          Cancel anyway
        </button>
      </div>
    </Modal>
  );
}
