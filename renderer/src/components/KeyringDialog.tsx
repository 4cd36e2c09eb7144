// Linux with no keyring (only Electron's `basic_text` backend): main kept the key for this session only and
// asks, through this dialog, whether to store it anyway with a fixed password. Keeping it for the session is
// the default and what Enter and Escape mean. The key itself never comes back to the window.
import { useRef, useState } from 'react';
import { Modal } from './Modal.tsx';

/** `answer(true)` stores the key anyway; `answer(false)` keeps it for this session only. */
export function KeyringDialog({ label, answer: send, onDone }: { label: string; answer: (store: boolean) => Promise<unknown>; onDone: () => void }) {
  const keepRef = useRef<HTMLButtonElement>(null);
  const [sending, setSending] = useState(false);
  const answer = async (store: boolean) => {
    setSending(true);
    await send(store);
    setSending(false);
    onDone();
  };
  return (
    <Modal titleId="keyring-title" bodyId="keyring-body" testId="keyring-dialog" wide initialFocus={keepRef} onClose={() => void answer(false)}>
      <h2 id="keyring-title">Store the key without a keyring?</h2>
      <div id="keyring-body" className="muted keyring-body">
        <p>This computer has no keyring (such as GNOME Keyring or KWallet) to protect your {label} key.</p>
        <p>Stored anyway, the key would be sealed with a fixed password built into Electron: anyone who can read your files could unseal it.</p>
        <p>Kept for this session only, it stays in memory and is gone when Storyreel quits; you paste it again next time.</p>
      </div>
      <div className="modal-actions">
        <button ref={keepRef} type="button" className="btn btn-primary" data-testid="keyring-keep" disabled={sending} onClick={() => void answer(false)}>
          Keep for this session only
        </button>
        <button type="button" className="btn" data-testid="keyring-store" disabled={sending} onClick={() => void answer(true)}>
          Store anyway
        </button>
      </div>
    </Modal>
  );
}
