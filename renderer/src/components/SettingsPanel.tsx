// Provider, model, size and style for the whole project. Only values the chosen model accepts are offered.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PROVIDERS, modelProfile, projectProblems, providerProfile } from '../../../shared/capabilities.ts';
import { updateProject } from '../actions.ts';
import { useCapabilities, useCustomModels, useDraft } from '../hooks.ts';
import { describeSize, formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { retirementNotice } from '../lib/retirement.ts';
import { RetirementNotice } from './RetirementNotice.tsx';
import { SnapLengths } from './SnapLengths.tsx';
import { Icon } from './ui.tsx';

const CUSTOM = '__custom__';

export function SettingsPanel() {
  const { providerId, modelId, size } = useStore(
    useShallow((s) => ({ providerId: s.view?.project.provider ?? '', modelId: s.view?.project.model ?? '', size: s.view?.project.size ?? '' })),
  );
  const { provider, model } = useCapabilities();
  const custom = useCustomModels();
  // A retired model is said once, by the notice with its Switch button.
  const retired = retirementNotice(providerId, modelProfile(providerId, modelId, custom))?.retired === true;
  const problems = projectProblems({ provider: providerId, model: modelId, size }, custom).filter((p) => !(retired && p.field === 'model'));

  const changeProvider = (id: string) => {
    const p = providerProfile(id);
    const m = p && modelProfile(id, p.defaultModel);
    if (!p || !m) return;
    void updateProject({ provider: id, model: p.defaultModel, size: m.sizes.includes(size) ? size : (m.sizes[0] ?? size) });
  };
  const changeModel = (id: string) => {
    const m = modelProfile(providerId, id, custom);
    if (!m) return;
    void updateProject({ model: id, size: m.sizes.includes(size) ? size : (m.sizes[0] ?? size) });
  };

  return (
    <section className="panel" aria-labelledby="settings-title">
      <h2 id="settings-title" className="panel-title">
        Look &amp; model
      </h2>
      <div className="field">
        <label className="field-label" htmlFor="settings-provider">
          Provider
        </label>
        <select id="settings-provider" className="input select" data-testid="settings-provider" value={providerId} onChange={(e) => changeProvider(e.target.value)}>
          {!provider && <option value={providerId}>{providerId} (unknown)</option>}
          {PROVIDERS.map((p) => (
            <option key={p.id} value={p.id} title={p.label}>
              {p.shortLabel ?? p.label}
            </option>
          ))}
        </select>
      </div>
      {provider && <ModelField key={providerId} providerId={providerId} modelId={modelId} onChange={changeModel} />}
      <RetirementNotice providerId={providerId} modelId={modelId} onSwitch={(t) => void updateProject(t)} />
      <div className="field">
        <label className="field-label" htmlFor="settings-size">
          Frame size
        </label>
        <select id="settings-size" className="input select" data-testid="settings-size" value={size} onChange={(e) => void updateProject({ size: e.target.value })}>
          {model && !model.sizes.includes(size) && (
            <option value={size} disabled>
              {size} (not available)
            </option>
          )}
          {(model?.sizes ?? [size]).map((sz) => (
            <option key={sz} value={sz}>
              {describeSize(sz)}
              {model && (model.pricePerSecond[sz] ?? 0) > 0 ? ` · ${formatMoney(model.pricePerSecond[sz] ?? 0)}/s` : ''}
            </option>
          ))}
        </select>
      </div>
      <StyleField />
      {problems.map((p) => (
        <p key={p.field} className="issue" role="note">
          <Icon name="warn" />
          {p.message}
        </p>
      ))}
      <SnapLengths />
    </section>
  );
}

function ModelField({ providerId, modelId, onChange }: { providerId: string; modelId: string; onChange(id: string): void }) {
  const provider = providerProfile(providerId);
  const known = provider?.models.some((m) => m.id === modelId) ?? false;
  const [custom, setCustom] = useState(!known);
  const [name, setName] = useState(known ? '' : modelId);
  if (!provider) return null;
  const profile = provider.models.find((m) => m.id === modelId);
  const hint = profile && profile.label.toLowerCase() !== profile.id.toLowerCase() ? profile.label : null;
  const commitCustom = () => {
    const v = name.trim();
    if (v && v !== modelId) onChange(v);
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor="settings-model">
        Model
      </label>
      <select
        id="settings-model"
        className="input select"
        data-testid="settings-model"
        value={custom ? CUSTOM : modelId}
        onChange={(e) => {
          if (e.target.value === CUSTOM) {
            setCustom(true);
            setName(known ? '' : modelId);
          } else {
            setCustom(false);
            onChange(e.target.value);
          }
        }}
      >
        {!known && !provider.openModelList && <option value={modelId}>{modelId} (unknown)</option>}
        {provider.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.id}
          </option>
        ))}
        {provider.openModelList && <option value={CUSTOM}>Other model name…</option>}
      </select>
      {!custom && hint && <p className="field-hint">{hint}</p>}
      {custom && provider.openModelList && (
        <>
          <label className="sr-only" htmlFor="settings-model-custom">
            Model name
          </label>
          <input
            id="settings-model-custom"
            className="input"
            data-testid="settings-model-custom"
            placeholder="e.g. sora-2-2025-10-06"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            onBlur={commitCustom}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitCustom();
            }}
          />
          <p className="field-hint">Set its price, lengths and sizes under API keys → Gateway settings; until then it is priced and limited like {provider.fallbackModel}.</p>
        </>
      )}
    </div>
  );
}

function StyleField() {
  const style = useStore((s) => s.view?.project.style ?? '');
  const { draft, change, flush } = useDraft(style, (v) => updateProject({ style: v }));
  return (
    <div className="field">
      <label className="field-label" htmlFor="settings-style">
        Style <span className="muted">(added to every prompt)</span>
      </label>
      <textarea
        id="settings-style"
        className="input style-input"
        data-testid="settings-style"
        rows={3}
        maxLength={4000}
        placeholder="e.g. 35mm film, soft natural light, muted teal and amber palette"
        value={draft}
        onChange={(e) => change(e.target.value)}
        onBlur={flush}
      />
    </div>
  );
}
