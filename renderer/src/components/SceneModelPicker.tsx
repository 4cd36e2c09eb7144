// A scene's own provider and model (a film may mix them): the project's by default, or any live model of
// any provider. Estimates, the spend confirmation and the budget cap add the scenes up at their own prices.
import { useShallow } from 'zustand/react/shallow';
import { isRetired, modelProfile, PROVIDERS, providerProfile, sceneTarget, type ModelProfile } from '../../../shared/capabilities.ts';
import type { Scene } from '../../../shared/project.ts';
import { updateScene } from '../actions.ts';
import { useCustomModels } from '../hooks.ts';
import { formatMoney } from '../lib/format.ts';
import { useStore } from '../store.ts';
import { RetirementNotice } from './RetirementNotice.tsx';

const PROJECT = '';
const key = (provider: string, model: string) => `${provider}|${model}`;

/** The capability profile governing one scene (its own model, or the project's). */
export function useSceneModel(scene: Pick<Scene, 'provider' | 'model'>): ModelProfile | undefined {
  const project = useStore(useShallow((s) => ({ provider: s.view?.project.provider ?? '', model: s.view?.project.model ?? '' })));
  const custom = useCustomModels();
  const t = sceneTarget(project, scene);
  return modelProfile(t.provider, t.model, custom);
}

export function SceneModelPicker({ scene }: { scene: Scene }) {
  const project = useStore(useShallow((s) => ({ provider: s.view?.project.provider ?? '', model: s.view?.project.model ?? '', size: s.view?.project.size ?? '' })));
  const custom = useCustomModels();
  const own = scene.provider !== undefined;
  const target = sceneTarget(project, scene);
  const projectModel = modelProfile(project.provider, project.model, custom);
  const value = own ? key(target.provider, target.model) : PROJECT;
  // What each model costs at the film's frame size, or that it cannot make that size at all.
  const price = (m: ModelProfile) => {
    if (!m.sizes.includes(project.size)) return ` · not at ${project.size}`;
    const p = m.pricePerSecond[project.size] ?? 0;
    return p > 0 ? ` · ${formatMoney(p)}/s` : ' · free';
  };
  const change = (v: string) => {
    if (v === PROJECT) return void updateScene(scene.id, { provider: null, model: null });
    const [provider, model] = v.split('|') as [string, string];
    void updateScene(scene.id, { provider, model });
  };
  return (
    <div className="field scene-model">
      <label className="field-label" htmlFor="scene-model">
        Model <span className="muted">(this scene)</span>
      </label>
      <select id="scene-model" className="input select" data-testid="scene-model" value={value} onChange={(e) => change(e.target.value)}>
        <option value={PROJECT}>Project’s model: {projectModel?.label ?? project.model}</option>
        {own && !providerProfile(target.provider)?.models.some((m) => m.id === target.model) && <option value={value}>{target.model} ({target.provider})</option>}
        {PROVIDERS.map((p) => (
          <optgroup key={p.id} label={p.label}>
            {p.models
              .filter((m) => !isRetired(m) || key(p.id, m.id) === value)
              .map((m) => (
                <option key={m.id} value={key(p.id, m.id)}>
                  {m.label}
                  {price(m)}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      {own && <RetirementNotice providerId={target.provider} modelId={target.model} onSwitch={(t) => void updateScene(scene.id, t)} />}
    </div>
  );
}

/** On a storyboard card: the model of a scene that has its own (nothing for one that follows the project). */
export function SceneModelBadge({ scene }: { scene: Pick<Scene, 'provider' | 'model'> }) {
  const model = useSceneModel(scene);
  if (scene.provider === undefined) return null;
  const label = model?.label ?? scene.model ?? scene.provider;
  return (
    <span className="card-model" data-testid="card-model" title={`This scene is generated with ${label}`}>
      {label}
    </span>
  );
}
