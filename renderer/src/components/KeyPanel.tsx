// The API key for the project's provider. The key goes to main once and is never shown again; only a hint.
import { useState } from 'react';
import { clearKey, setKey, updateSettings } from '../actions.ts';
import { useCapabilities } from '../hooks.ts';
import { useStore } from '../store.ts';

export function KeyPanel() {
  const { provider } = useCapabilities();
  const status = useStore((s) => s.info?.keys.find((k) => k.provider === provider?.id) ?? null);
  const [key, setKeyText] = useState('');
  const [saving, setSaving] = useState(false);
  if (!provider) return null;

  const save = async () => {
    if (key.trim().length < 8) return;
    setSaving(true);
    const ok = await setKey(provider.id, key.trim());
    setSaving(false);
    if (ok) setKeyText('');
  };

  return (
    <section className="panel" aria-labelledby="key-title">
      <h2 id="key-title" className="panel-title">
        API key
      </h2>
      {!provider.needsKey ? (
        <p className="muted small">{provider.label} runs on this computer and needs no key.</p>
      ) : (
        <>
          <p className="key-status" data-testid="key-status">
            {status?.set ? (
              <>
                <span className="key-hint">{status.hint ?? '••••'}</span>
                <span className="muted">{status.source === 'env' ? 'from the environment' : 'saved'}</span>
              </>
            ) : (
              <span className="muted">No key set for {provider.id}.</span>
            )}
          </p>
          <form
            className="key-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <label className="sr-only" htmlFor="api-key">
              API key for {provider.label}
            </label>
            <input
              id="api-key"
              type="password"
              className="input"
              data-testid="api-key"
              autoComplete="off"
              spellCheck={false}
              placeholder={status?.set ? 'Replace key…' : 'Paste key…'}
              value={key}
              onChange={(e) => setKeyText(e.target.value)}
            />
            <button type="submit" className="btn btn-sm" data-testid="api-key-save" disabled={saving || key.trim().length < 8}>
              Save
            </button>
            {status?.set && status.source === 'app' && (
              <button type="button" className="btn btn-sm btn-ghost" data-testid="api-key-clear" onClick={() => void clearKey(provider.id)}>
                Clear
              </button>
            )}
          </form>
          {provider.id === 'openai-videos' && <BaseUrlField />}
        </>
      )}
    </section>
  );
}

/** Where the /v1/videos requests go: a gateway or proxy (OpenAI's own endpoint was shut down). */
function BaseUrlField() {
  const saved = useStore((s) => s.info?.settings.openaiBaseUrl ?? '');
  const [text, setText] = useState<string | null>(null);
  const value = text ?? saved;
  const save = async () => {
    const next = value.trim();
    if (next === saved) return setText(null);
    const info = await updateSettings({ openaiBaseUrl: next || null });
    if (info) setText(null);
  };
  return (
    <div className="field base-url">
      <label className="field-label" htmlFor="settings-base-url">
        Base URL
      </label>
      <input
        id="settings-base-url"
        type="url"
        className="input"
        data-testid="settings-base-url"
        placeholder="https://your-gateway.example/v1"
        spellCheck={false}
        value={value}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => void save()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
        }}
      />
      <p className="muted small">The /v1/videos address of your gateway or proxy. OpenAI's own endpoint closed on 2026-09-24.</p>
    </div>
  );
}
