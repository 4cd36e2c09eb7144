// A job whose create could not be confirmed (the provider may or may not have it) is sent again only on
// the creator's explicit word, after being told it may be billed twice. Focus starts on the safe button.
import { useRef, useState } from 'react';
import type { JobSnapshot } from '../../../shared/jobs.ts';
import { resendJob } from '../actions.ts';
import { formatMoney } from '../lib/format.ts';
import { Modal } from './Modal.tsx';

export function ResendUnknown({ job, sceneNumber }: { job: JobSnapshot; sceneNumber: number }) {
  const [asking, setAsking] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button type="button" className="btn btn-sm" data-testid="resend-job" onClick={() => setAsking(true)}>
        Send again…
      </button>
      {asking && (
        <Modal titleId="resend-title" bodyId="resend-body" testId="confirm-resend" initialFocus={keepRef} onClose={() => setAsking(false)}>
          <h2 id="resend-title">Send scene {sceneNumber} again?</h2>
          <div id="resend-body">
            <p>Storyreel could not confirm whether the provider received this scene the first time, so it did not send it again by itself.</p>
            <p>
              Check your provider&apos;s dashboard first. If the provider did get it, sending it again is billed a second time
              {job.costUsd > 0 ? ` (up to ${formatMoney(job.costUsd)} more)` : ''}.
            </p>
          </div>
          <div className="modal-actions">
            <button ref={keepRef} type="button" className="btn" data-testid="confirm-resend-no" onClick={() => setAsking(false)}>
              Keep waiting
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="confirm-resend-yes"
              onClick={() => {
                setAsking(false);
                void resendJob(job.id);
              }}
            >
              Send again{job.costUsd > 0 ? ` (${formatMoney(job.costUsd)})` : ''}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
