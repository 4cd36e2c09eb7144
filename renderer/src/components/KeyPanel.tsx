// API keys, one per provider. Each key goes to main once and is never shown again; the window sees only a
// hint (••••last4), where the key came from, and the address it is sent to. The providers this film uses come
// first and open; the others are folded below, each with its own status.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PROVIDERS, type ProviderProfile } from '../../../shared/capabilities.ts';
import type { KeyStatus } from '../../../shared/contract.ts';
import { confirmAddress, clearKey, keyStorage, setKey, updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';
import { BaseUrlInput } from './BaseUrlInput.tsx';
import { GatewayFields } from './GatewayFields.tsx';
import { KeyringDialog } from './KeyringDialog.tsx';
import { ProviderSettings } from './ProviderSettings.tsx';
import { Icon } from './ui.tsx';

const KEYED = PROVIDERS.filter((p) => p.needsKey);

/** The providers the open film uses: the project's, then any a scene names. */
function useProvidersInUse(): string[] {
  return useStore(useShallow((s) => [...new Set([s.view?.project.provider ?? '', ...(s.view?.project.scenes ?? []).map((sc) => sc.provider ?? '')])].filter(Boolean)));
}

export function KeyPanel() {
  const projectProvider = useStore((s) => s.view?.project.provider ?? '');
  const inUse = useProvidersInUse();
  const keys = useStore((s) => s.info?.keys);
  const used = KEYED.filter((p) => inUse.includes(p.id));
  const others = KEYED.filter((p) => !inUse.includes(p.id));
  const withKey = others.filter((p) => keys?.some((k) => k.provider === p.id && k.set)).length;
  return (
    <section className="panel" aria-labelledby="key-title">
      <h2 id="key-title" className="panel-title">
        API keys
      </h2>
      {used.length === 0 && <p className="muted small">This film uses Preview, which runs on this computer and needs no key. Add a key to generate with a paid model.</p>}
      {used.map((p) => (
        <ProviderKey key={p.id} provider={p} primary={p.id === projectProvider} />
      ))}
      <details className="key-others" data-testid="key-others" open={used.length === 0 || undefined}>
        <summary>
          {used.length ? 'Other providers' : 'Providers'} <span className="muted">({withKey} of {others.length} with a key)</span>
        </summary>
        {others.map((p) => (
          <ProviderKey key={p.id} provider={p} primary={false} />
        ))}
      </details>
    </section>
  );
}

/** One provider's key: its status, where it is sent, the form to save or clear it. */
function ProviderKey({ provider, primary }: { provider: ProviderProfile; primary: boolean }) {
  const status = useStore((s) => s.info?.keys.find((k) => k.provider === provider.id) ?? null);
  const [key, setKeyText] = useState('');
  const [saving, setSaving] = useState(false);
  // The project's provider keeps the plain test ids; the others carry their provider's id.
  const tid = (base: string) => (primary ? base : `${base}-${provider.id}`);
  const inputId = `api-key-${provider.id}`;

  /** Main kept the key for this session only (no keyring) and waits for the creator's answer. */
  const [askKeyring, setAskKeyring] = useState(false);

  const save = async () => {
    if (key.trim().length < 8) return;
    setSaving(true);
    const saved = await setKey(provider.id, key.trim());
    setSaving(false);
    if (saved) setKeyText('');
    if (saved?.outcome === 'needs-consent') setAskKeyring(true);
  };

  return (
    <div className="provider-key" data-testid="provider-key" data-provider={provider.id} data-set={status?.set ? 'true' : 'false'}>
      <div className="provider-key-head">
        <span className="provider-key-name">{provider.label}</span>
        <span className={`key-state ${status?.set ? 'is-set' : ''}`}>{status?.set ? 'key set' : 'no key'}</span>
      </div>
      <p className="key-status" data-testid={tid('key-status')}>
        {status?.set ? (
          <>
            <span className="key-hint">{status.hint ?? '••••'}</span>
            <span className="muted">{status.source === 'env' ? 'from the environment' : status.source === 'session' ? 'for this session only (no keyring to store it safely)' : 'saved'}</span>
          </>
        ) : (
          <span className="muted">No key set.</span>
        )}
      </p>
      {status?.set && status.origin && (
        <p className="muted small key-origin" data-testid={tid('key-origin')}>
          Sent only to {status.origin}
        </p>
      )}
      <form
        className="key-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="sr-only" htmlFor={inputId}>
          API key for {provider.label}
        </label>
        <input
          id={inputId}
          type="password"
          className="input"
          data-testid={tid('api-key')}
          autoComplete="off"
          spellCheck={false}
          placeholder={status?.set ? 'Replace key…' : 'Paste key…'}
          value={key}
          onChange={(e) => setKeyText(e.target.value)}
        />
        <button type="submit" className="btn btn-sm" data-testid={tid('api-key-save')} disabled={saving || key.trim().length < 8}>
          Save
        </button>
        {status?.source === 'session' && (
          <button type="button" className="btn btn-sm btn-ghost" data-testid={tid('api-key-store')} onClick={() => setAskKeyring(true)}>
            Store…
          </button>
        )}
        {status?.set && (status.source === 'app' || status.source === 'session') && (
          <button type="button" className="btn btn-sm btn-ghost" data-testid={tid('api-key-clear')} onClick={() => void clearKey(provider.id)}>
            Clear
          </button>
        )}
      </form>
      {provider.id === 'openai-videos' ? <GatewayBaseUrl /> : <ProviderSettings provider={provider} status={status} />}
      {status?.set && <AddressCheck status={status} testId={tid('key-address-warning')} buttonTestId={tid('key-confirm-address')} />}
      {provider.id === 'openai-videos' && status && <GatewayFields status={status} />}
      {askKeyring && <KeyringDialog label={provider.label} answer={(store) => keyStorage(provider.id, store)} onDone={() => setAskKeyring(false)} />}
    </div>
  );
}

/** Where the /v1/videos requests go: a gateway or proxy (OpenAI's own endpoint was shut down). */
function GatewayBaseUrl() {
  const saved = useStore((s) => s.info?.settings.openaiBaseUrl ?? '');
  return (
    <BaseUrlInput
      id="settings-base-url"
      className="base-url"
      saved={saved}
      save={(openaiBaseUrl) => updateSettings({ openaiBaseUrl })}
      placeholder="https://your-gateway.example/v1"
      hint="The /v1/videos address of your gateway or proxy. OpenAI's own endpoint closed on 2026-09-24."
    />
  );
}

/** When the key is bound to another address than the one in force: main asks the creator before it goes there. */
function AddressCheck({ status, testId, buttonTestId }: { status: KeyStatus; testId: string; buttonTestId: string }) {
  const openaiBase = useStore((s) => s.info?.settings.openaiBaseUrl ?? null);
  const origin = status.target ?? (status.provider === 'openai-videos' ? originOf(openaiBase) : null);
  const [asking, setAsking] = useState(false);
  if (!origin || origin === status.origin) return null;
  return (
    <div className="issue issue-action" role="note" data-testid={testId}>
      <Icon name="warn" />
      <span>
        {status.origin ? `Your key was saved for ${status.origin}.` : 'Your key is not bound to an address yet.'} It is not sent to {origin} until you confirm.
      </span>
      <button
        type="button"
        className="btn btn-sm"
        data-testid={buttonTestId}
        disabled={asking}
        onClick={() => {
          setAsking(true);
          void confirmAddress(status.provider).finally(() => setAsking(false));
        }}
      >
        Confirm address…
      </button>
    </div>
  );
}

/** scheme://host:port of a URL, or null. Only for display: main decides where the key goes. */
function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
