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
        <option value={PROJECT} title={projectModel?.label}>
          Project’s model: {projectModel ? splitLabel(projectModel.label).name : project.model}
        </option>
        {own && !providerProfile(target.provider)?.models.some((m) => m.id === target.model) && <option value={value}>{target.model} ({target.provider})</option>}
        {PROVIDERS.flatMap((p) =>
          modelGroups(p.label, p.models.filter((m) => !isRetired(m) || key(p.id, m.id) === value)).map((g) => (
            <optgroup key={`${p.id}:${g.label}`} label={g.label}>
              {g.models.map((m) => (
                <option key={m.id} value={key(p.id, m.id)} title={m.label}>
                  {g.names.get(m.id)}
                  {price(m)}
                </option>
              ))}
            </optgroup>
          )),
        )}
      </select>
      {own && <RetirementNotice providerId={target.provider} modelId={target.model} onSwitch={(t) => void updateScene(scene.id, t)} />}
    </div>
  );
}

/** A model's name and the note in brackets after it: "Seedance 2.0 Fast" and "Volcengine, region cn". */
function splitLabel(label: string): { name: string; note: string } {
  const m = /^(.*\S)\s*\(([^()]*)\)$/.exec(label);
  return m ? { name: m[1]!, note: m[2]! } : { name: label, note: '' };
}

/**
 * A provider's models as option groups with short option texts, so the chosen one fits the closed select in
 * the editor's column at the window's smallest size (960 px): the note in brackets goes (the group says the
 * provider; the full label is the option's tooltip), and where names would then repeat (the same model on
 * BytePlus and on Volcengine) each note gets its own group.
 */
function modelGroups(providerLabel: string, models: ModelProfile[]): Array<{ label: string; models: ModelProfile[]; names: Map<string, string> }> {
  const split = models.map((m) => ({ m, ...splitLabel(m.label) }));
  const names = split.map((x) => x.name);
  if (new Set(names).size === names.length) return [{ label: providerLabel, models, names: new Map(split.map((x) => [x.m.id, x.name])) }];
  const notes = [...new Set(split.map((x) => x.note))];
  return notes.map((note) => {
    const here = split.filter((x) => x.note === note);
    return { label: note ? `${providerLabel} (${note})` : providerLabel, models: here.map((x) => x.m), names: new Map(here.map((x) => [x.m.id, x.name])) };
  });
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
