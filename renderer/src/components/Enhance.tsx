// Enhance: a chat model rewrites the scene's prompt; the creator sees a word diff and accepts or discards
// it. Off (no button) until a key, a base URL and a model are set and the key is confirmed for that address.
// The settings panel sets them; the key goes to main once and never comes back.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EnhanceStatusView } from '../../../shared/contract.ts';
import { wordDiff } from '../../../shared/enhance.ts';
import { updateScene } from '../actions.ts';
import { getApi } from '../api.ts';
import { useStore } from '../store.ts';
import '../craft.css';
import { KeyringDialog } from './KeyringDialog.tsx';
import { Modal } from './Modal.tsx';
import { Icon } from './ui.tsx';

// One status for the window, refreshed after each change here.
let shared: EnhanceStatusView | null = null;
const listeners = new Set<(s: EnhanceStatusView) => void>();
const publish = (s: EnhanceStatusView) => {
  shared = s;
  listeners.forEach((l) => l(s));
};

function useEnhanceStatus(): [EnhanceStatusView | null, (p: Promise<EnhanceStatusView>) => Promise<void>] {
  const [status, setStatus] = useState(shared);
  useEffect(() => {
    listeners.add(setStatus);
    if (!shared) void getApi().enhance.status({}).then(publish, () => undefined);
    return () => void listeners.delete(setStatus);
  }, []);
  const apply = useCallback(async (p: Promise<EnhanceStatusView>) => {
    try {
      publish(await p);
    } catch (err) {
      useStore.getState().showError(err);
      void getApi().enhance.status({}).then(publish, () => undefined);
    }
  }, []);
  return [status, apply];
}

export function EnhanceButton({ sceneId, flush }: { sceneId: string; flush: () => void }) {
  const [status] = useEnhanceStatus();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ before: string; after: string } | null>(null);
  if (!status?.ready) return null;
  const run = async () => {
    flush();
    setBusy(true);
    try {
      setResult(await getApi().enhance.run({ sceneId }));
    } catch (err) {
      useStore.getState().showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="prompt-tools">
      <button type="button" className="btn btn-sm btn-ghost" data-testid="enhance" disabled={busy} title={`Rewrite this prompt with ${status.model ?? 'the chat model'}; you see the changes before they are kept.`} onClick={() => void run()}>
        <Icon name="sparkle" />
        {busy ? 'Enhancing…' : 'Enhance'}
      </button>
      {result && <EnhanceReview before={result.before} after={result.after} onClose={() => setResult(null)} onAccept={() => void updateScene(sceneId, { prompt: result.after }).then(() => setResult(null))} />}
    </div>
  );
}

function EnhanceReview({ before, after, onClose, onAccept }: { before: string; after: string; onClose: () => void; onAccept: () => void }) {
  const acceptRef = useRef<HTMLButtonElement>(null);
  const parts = wordDiff(before, after);
  return (
    <Modal titleId="enhance-title" bodyId="enhance-body" testId="enhance-review" initialFocus={acceptRef} onClose={onClose}>
      <div className="shotlist-modal">
        <h2 id="enhance-title">Use the enhanced prompt?</h2>
        <p className="muted small">Removed words are struck through, added ones highlighted. Nothing changes until you accept.</p>
        <p id="enhance-body" className="enhance-diff" data-testid="enhance-diff">
          {parts.map((p, i) =>
            p.op === 'same' ? (
              <span key={i}>{p.text}</span>
            ) : p.op === 'add' ? (
              <ins key={i} className="diff-add">
                {p.text}
              </ins>
            ) : (
              <del key={i} className="diff-del">
                {p.text}
              </del>
            ),
          )}
        </p>
        <div className="modal-actions">
          <button type="button" className="btn" data-testid="enhance-discard" onClick={onClose}>
            Keep mine
          </button>
          <button ref={acceptRef} type="button" className="btn btn-primary" data-testid="enhance-accept" onClick={onAccept}>
            Use enhanced prompt
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** Inspector section: the chat-completions address, model and key for Enhance. */
export function EnhanceSettings() {
  const [status, apply] = useEnhanceStatus();
  const [baseUrl, setBaseUrl] = useState<string | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const [key, setKey] = useState('');
  const shownUrl = baseUrl ?? status?.baseUrl ?? '';
  const shownModel = model ?? status?.model ?? '';
  /** Main kept the key for this session only (no keyring) and waits for the creator's answer. */
  const [askKeyring, setAskKeyring] = useState(false);
  const save = async (typed: string) => {
    const next = await getApi()
      .enhance.setKey({ key: typed })
      .catch((err: unknown) => void useStore.getState().showError(err));
    if (!next) return;
    publish(next);
    setKey('');
    if (next.sessionOnly) setAskKeyring(true);
  };
  // What was typed stays in the fields after a save: a reply to the other field's save must not wipe it.
  const saveAddress = () => void apply(getApi().enhance.configure({ baseUrl: shownUrl.trim() || null, model: shownModel.trim() || null }));
  return (
    <section className="panel" aria-labelledby="enhance-settings-title" data-testid="enhance-settings">
      <h2 id="enhance-settings-title" className="panel-title">
        Prompt enhancer
      </h2>
      <p className="muted small">Any OpenAI-compatible chat-completions endpoint: OpenRouter, a LiteLLM proxy, Gemini&apos;s OpenAI-compatible API.</p>
      <div className="field">
        <label className="field-label" htmlFor="enhance-url">
          Base URL
        </label>
        <input id="enhance-url" className="input" data-testid="enhance-url" value={shownUrl} placeholder="https://openrouter.ai/api/v1" onChange={(e) => setBaseUrl(e.target.value)} onBlur={saveAddress} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="enhance-model">
          Model
        </label>
        <input id="enhance-model" className="input" data-testid="enhance-model" value={shownModel} placeholder="openai/gpt-4o-mini" onChange={(e) => setModel(e.target.value)} onBlur={saveAddress} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="enhance-key">
          API key {status?.keySet ? `(${status.hint}${status.sessionOnly ? ', for this session only' : ''})` : ''}
        </label>
        <div className="enhance-key-row">
          <input id="enhance-key" className="input" type="password" autoComplete="off" data-testid="enhance-key" value={key} placeholder={status?.keySet ? 'Replace key…' : 'Paste key…'} onChange={(e) => setKey(e.target.value)} />
          <button type="button" className="btn btn-sm" data-testid="enhance-key-save" disabled={key.trim().length < 8} onClick={() => void save(key.trim())}>
            Save
          </button>
        </div>
      </div>
      <p className={`small ${status?.ready ? 'muted' : 'lint-inline'}`} data-testid="enhance-state">
        {status?.ready ? `On: ${status.model} at ${status.origin}.` : `Off. ${status?.why ?? ''}`}
      </p>
      {status?.keySet && !status.ready && status.why?.startsWith('Confirm') && (
        <button type="button" className="btn btn-sm" data-testid="enhance-confirm" onClick={() => void apply(getApi().enhance.confirmAddress({}))}>
          Confirm address
        </button>
      )}
      {askKeyring && <KeyringDialog label="Enhance" answer={(store) => (store ? apply(getApi().enhance.storeKey({})) : Promise.resolve())} onDone={() => setAskKeyring(false)} />}
    </section>
  );
}
