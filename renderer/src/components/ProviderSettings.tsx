// A provider's own settings beside its key: where its requests go (a base URL for a gateway or an emulator;
// https://, or http:// on this computer only, checked by main), its region where it has regions (Ark), and for
// a provider that publishes its models (OpenRouter) a button that reads them again and says what changed.
// Main checks and keeps every value (settings.providers); a new address for a saved key is confirmed in main's
// own dialog first.
import { useState } from 'react';
import type { ProviderProfile } from '../../../shared/capabilities.ts';
import type { CatalogChange } from '../../../shared/catalog/refreshed.ts';
import type { KeyStatus } from '../../../shared/contract.ts';
import { refreshModels, updateSettings } from '../actions.ts';
import { useStore } from '../store.ts';
import { BaseUrlInput } from './BaseUrlInput.tsx';

export function ProviderSettings({ provider, status }: { provider: ProviderProfile; status: KeyStatus | null }) {
  const own = useStore((s) => s.info?.settings.providers?.[provider.id]);
  const open = !!own?.baseUrl || !!own?.region;
  return (
    <>
      <details className="gateway provider-settings" data-testid={`provider-settings-${provider.id}`} open={open || undefined}>
        <summary>Address{provider.regions?.length ? ' and region' : ''}</summary>
        {provider.regions && provider.regions.length > 0 && <RegionField provider={provider} value={own?.region ?? provider.regions[0]!.id} />}
        <BaseUrlInput
          id={`provider-base-url-${provider.id}`}
          saved={own?.baseUrl ?? ''}
          save={(baseUrl) => updateSettings({ providers: { [provider.id]: { baseUrl } } })}
          placeholder="Empty: the provider's own API"
          hint="A gateway or emulator address replaces the provider's own (https://, or http:// on this computer only)."
        />
        {status?.target && (
          <p className="muted small provider-target" data-testid={`provider-target-${provider.id}`}>
            Requests go to {status.target}
          </p>
        )}
      </details>
      {provider.liveCatalog && <RefreshModels provider={provider} />}
    </>
  );
}

function RegionField({ provider, value }: { provider: ProviderProfile; value: string }) {
  const id = `provider-region-${provider.id}`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Region
      </label>
      <select id={id} className="input select" data-testid={id} value={value} onChange={(e) => void updateSettings({ providers: { [provider.id]: { region: e.target.value } } })}>
        {provider.regions!.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Reads the provider's live model list again (main, with the key) and says what changed. */
function RefreshModels({ provider }: { provider: ProviderProfile }) {
  const readOn = useStore((s) => s.info?.catalogs?.find((c) => c.provider === provider.id)?.readOn ?? null);
  const [busy, setBusy] = useState(false);
  const [change, setChange] = useState<CatalogChange | null>(null);
  return (
    <div className="models-refresh">
      <button
        type="button"
        className="btn btn-sm"
        data-testid={`models-refresh-${provider.id}`}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void refreshModels(provider.id)
            .then((c) => c && setChange(c))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Reading models…' : 'Refresh models'}
      </button>
      <span className="muted small" data-testid={`models-refresh-result-${provider.id}`} role="status">
        {change ? change.summary : readOn ? `Models and prices read ${readOn}.` : 'Models and prices as bundled with Storyreel.'}
      </span>
    </div>
  );
}
