// Gateway settings of the OpenAI-compatible gateway, kept next to its key in main: how the key is sent, extra
// headers and default query parameters (names only come back), and the price and limits of a gateway model
// Storyreel does not know.
import { useState } from 'react';
import type { KeyStatus } from '../../../shared/contract.ts';
import { setGateway, updateSettings } from '../actions.ts';
import { useCapabilities, useCustomModels } from '../hooks.ts';
import { formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';

/** Name/value rows for headers or query parameters: names are shown, values go to main and stay there. */
function NamedValues({ kind, names, onSet }: { kind: 'header' | 'query'; names: string[]; onSet(name: string, value: string | null): Promise<unknown> }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const label = kind === 'header' ? 'Extra headers' : 'Query parameters';
  const add = async () => {
    if (!name.trim()) return;
    const ok = await onSet(name.trim(), value);
    if (ok) {
      setName('');
      setValue('');
    }
  };
  return (
    <div className="field gateway-list">
      <span className="field-label">{label}</span>
      {names.length > 0 && (
        <ul className="gateway-names" data-testid={`gateway-${kind}-names`}>
          {names.map((n) => (
            <li key={n}>
              <code>{n}</code>
              <span className="muted small">{kind === 'header' ? 'value kept in main' : 'set'}</span>
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${n}`} onClick={() => void onSet(n, null)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="key-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="sr-only" htmlFor={`gateway-${kind}-name`}>
          {kind === 'header' ? 'Header name' : 'Parameter name'}
        </label>
        <input id={`gateway-${kind}-name`} className="input" data-testid={`gateway-${kind}-name`} placeholder={kind === 'header' ? 'x-route' : 'api-version'} spellCheck={false} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        <label className="sr-only" htmlFor={`gateway-${kind}-value`}>
          Value
        </label>
        <input
          id={`gateway-${kind}-value`}
          className="input"
          type={kind === 'header' ? 'password' : 'text'}
          data-testid={`gateway-${kind}-value`}
          placeholder={kind === 'header' ? 'value' : '2025-04-01'}
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="btn btn-sm" data-testid={`gateway-${kind}-add`} disabled={!name.trim()}>
          Add
        </button>
      </form>
    </div>
  );
}

/** How a gateway wants to be spoken to, kept next to the key in main, and the price of a model it serves. */
export function GatewayFields({ status }: { status: KeyStatus }) {
  const provider = status.provider;
  const open = status.headers.length > 0 || status.query.length > 0 || status.authHeader !== 'bearer';
  return (
    <details className="gateway" data-testid="gateway-settings" open={open || undefined}>
      <summary data-testid="gateway-settings-toggle">Gateway settings</summary>
      <div className="field">
        <label className="field-label" htmlFor="gateway-auth">
          How the key is sent
        </label>
        <select id="gateway-auth" className="input select" data-testid="gateway-auth" value={status.authHeader} onChange={(e) => void setGateway({ provider, authHeader: e.target.value as KeyStatus['authHeader'] })}>
          <option value="bearer">Authorization: Bearer</option>
          <option value="api-key">api-key header</option>
        </select>
      </div>
      <NamedValues kind="header" names={status.headers} onSet={(name, value) => setGateway({ provider, headers: { [name]: value } })} />
      <NamedValues kind="query" names={status.query} onSet={(name, value) => setGateway({ provider, query: { [name]: value } })} />
      <p className="field-hint">Sent with the key on every request, and only to the address the key is confirmed for. Header values never come back to this window.</p>
      <CustomModelFields />
    </details>
  );
}

const numberList = (text: string) =>
  text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
const sizeList = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** A model the gateway serves that Storyreel does not know: its price per second, lengths and sizes. */
function CustomModelFields() {
  const { provider, model } = useCapabilities();
  const modelId = useStore((s) => s.view?.project.model ?? '');
  const custom = useCustomModels();
  const mine = custom.find((m) => m.provider === provider?.id && m.id === modelId);
  const [draft, setDraft] = useState<{ price: string; durations: string; sizes: string } | null>(null);
  if (!provider?.openModelList || !model || provider.models.some((m) => m.id === modelId)) return null;
  const shown = draft ?? {
    price: mine ? String(mine.pricePerSecond) : '',
    durations: (mine?.durations ?? model.durations).join(', '),
    sizes: (mine?.sizes ?? model.sizes).join(', '),
  };
  const price = Number(shown.price);
  const valid = shown.price.trim() !== '' && price >= 0 && numberList(shown.durations).every((d) => Number.isInteger(d) && d > 0) && sizeList(shown.sizes).every((x) => /^\d{2,5}x\d{2,5}$/.test(x));
  const save = async () => {
    if (!valid) return;
    const entry = { provider: provider.id, id: modelId, pricePerSecond: price, durations: numberList(shown.durations), sizes: sizeList(shown.sizes) };
    const info = await updateSettings({ customModels: [...custom.filter((m) => !(m.provider === provider.id && m.id === modelId)), entry] });
    if (info) setDraft(null);
  };
  const edit = (patch: Partial<typeof shown>) => setDraft({ ...shown, ...patch });
  return (
    <form
      className="custom-model"
      data-testid="custom-model"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <span className="field-label">{modelId}: price and limits</span>
      <div className="custom-model-grid">
        <label htmlFor="custom-price">Price per second (USD)</label>
        <input id="custom-price" className="input" inputMode="decimal" data-testid="custom-price" placeholder="0.10" value={shown.price} onChange={(e) => edit({ price: e.target.value })} />
        <label htmlFor="custom-durations">Lengths (s)</label>
        <input id="custom-durations" className="input" data-testid="custom-durations" placeholder="5, 10" value={shown.durations} onChange={(e) => edit({ durations: e.target.value })} />
        <label htmlFor="custom-sizes">Sizes</label>
        <input id="custom-sizes" className="input" data-testid="custom-sizes" placeholder="1280x720, 1920x1080" value={shown.sizes} onChange={(e) => edit({ sizes: e.target.value })} />
      </div>
      <p className="field-hint">
        {mine ? `Estimates and the budget cap use ${formatMoney(mine.pricePerSecond)}/s.` : `Until you save a price, ${modelId} is estimated like ${provider.fallbackModel}.`} Set what your gateway charges.
      </p>
      <button type="submit" className="btn btn-sm" data-testid="custom-save" disabled={!valid || draft === null}>
        Save price and limits
      </button>
    </form>
  );
}
