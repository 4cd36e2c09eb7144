// The checks made before money is spent: retired models and their live alternatives, the images a model has
// slots for, and the problems of a project, a scene or a generation, in words. Pure functions.
import { fullPrompt, type Project, type Scene } from '../project.ts';
import { modelProfile, PROVIDER_IDS, PROVIDERS, providerProfile, type CustomModels, type ModelProfile, type ProviderId } from './profiles.ts';

export interface Problem {
  sceneId: string | null;
  field: 'provider' | 'model' | 'size' | 'seconds' | 'prompt' | 'referenceImage' | 'continuity';
  message: string;
}

const list = (xs: Array<string | number>): string => xs.join(', ');

/** Today as YYYY-MM-DD (UTC), for retirement dates. */
const today = (): string => new Date().toISOString().slice(0, 10);

/** Whether a model is past its announced retirement date. */
export function isRetired(model: Pick<ModelProfile, 'retiresOn'>, on: string = today()): boolean {
  return model.retiresOn !== undefined && model.retiresOn <= on;
}

/**
 * Live models that can do at least what this one does (first/last frame and references where it takes them,
 * one of its durations, sound if it makes sound), nearest first: same provider, then the others.
 */
export function alternativesTo(providerId: string, model: ModelProfile, on: string = today()): Array<{ provider: string; model: string; label: string }> {
  const can = (m: ModelProfile): boolean =>
    !isRetired(m, on) &&
    m.id !== model.id &&
    (!model.imageInput.firstFrame || m.imageInput.firstFrame) &&
    (!model.imageInput.lastFrame || m.imageInput.lastFrame) &&
    (!model.imageInput.references || m.imageInput.references) &&
    (!model.audio || m.audio) &&
    m.durations.some((d) => model.durations.includes(d));
  const out: Array<{ provider: string; model: string; label: string }> = [];
  const own = PROVIDERS.filter((p) => p.id === providerId);
  const rest = PROVIDERS.filter((p) => p.id !== providerId && p.id !== 'preview');
  for (const p of [...own, ...rest]) for (const m of p.models) if (can(m)) out.push({ provider: p.id, model: m.id, label: `${p.label}: ${m.label}` });
  return out;
}

/** The images one request carries, by role (CreateRequest.images). */
export interface ImageRoles {
  firstFrame: boolean;
  lastFrame: boolean;
  references: number;
}

export function countImageRoles(images: ReadonlyArray<{ role: 'first-frame' | 'last-frame' | 'reference' }>): ImageRoles {
  return {
    firstFrame: images.some((i) => i.role === 'first-frame'),
    lastFrame: images.some((i) => i.role === 'last-frame'),
    references: images.filter((i) => i.role === 'reference').length,
  };
}

/**
 * Why a model cannot take these images (a last frame it has no slot for, more references than it takes), each
 * naming models that can; empty when it takes them all. Checked before anything is sent: an image is never
 * silently dropped.
 */
export function imageProblems(providerId: string, modelId: string, images: ImageRoles, on: string = today()): string[] {
  const model = modelProfile(providerId, modelId);
  if (!model) return [];
  const have = model.imageInput;
  const max = have.references ? (have.maxReferences ?? Infinity) : 0;
  const refused: string[] = [];
  if (images.firstFrame && !have.firstFrame) refused.push('a first frame');
  if (images.lastFrame && !have.lastFrame) refused.push('a last frame');
  if (images.references > max) refused.push(max === 0 ? 'reference images' : `${images.references} reference images (at most ${max})`);
  if (have.referencesAlone && images.references > 0 && (images.firstFrame || images.lastFrame)) refused.push('reference images together with a first or last frame');
  if (!refused.length) return [];
  // Models that take what was asked and otherwise do what this one does (alternativesTo's rules).
  const wanted: ModelProfile = {
    ...model,
    imageInput: { firstFrame: images.firstFrame || images.lastFrame, lastFrame: images.lastFrame, references: images.references > 0 },
  };
  const fits = (m: ModelProfile): boolean =>
    (m.imageInput.references ? (m.imageInput.maxReferences ?? Infinity) : 0) >= images.references &&
    !(m.imageInput.referencesAlone && images.references > 0 && (images.firstFrame || images.lastFrame));
  const alt = alternativesTo(providerId, wanted, on)
    .filter((a) => {
      const m = modelProfile(a.provider, a.model);
      return m !== undefined && fits(m);
    })
    .slice(0, 3);
  const can = alt.length ? ` Models that can: ${list(alt.map((a) => `${a.label} (${a.provider} ${a.model})`))}.` : ' No model in the catalogue takes these images together.';
  return [`${model.label} cannot take ${refused.join(', ')}.${can}`];
}

export function projectProblems(project: Pick<Project, 'provider' | 'model' | 'size'>, custom: CustomModels = [], on: string = today()): Problem[] {
  const provider = providerProfile(project.provider);
  if (!provider) {
    return [{ sceneId: null, field: 'provider', message: `Unknown provider "${project.provider}". Use one of: ${list(PROVIDER_IDS as ProviderId[])}.` }];
  }
  const model = modelProfile(project.provider, project.model, custom);
  if (!model) {
    return [{ sceneId: null, field: 'model', message: `${provider.label} has no model "${project.model}". Use one of: ${list(provider.models.map((m) => m.id))}.` }];
  }
  if (isRetired(model, on)) {
    const alt = alternativesTo(provider.id, model, on).slice(0, 3);
    return [
      {
        sceneId: null,
        field: 'model',
        message: `${model.label} was retired by ${provider.label} on ${model.retiresOn}.${alt.length ? ` Models that can do the same: ${list(alt.map((a) => a.label))}.` : ''} Switching keeps every scene's prompt, images and takes.`,
      },
    ];
  }
  if (!model.sizes.includes(project.size)) {
    return [{ sceneId: null, field: 'size', message: `${model.id} cannot render ${project.size}. Allowed sizes: ${list(model.sizes)}.` }];
  }
  return [];
}

/** `style` is optional so a caller that only has the scene still checks the scene's own prompt. */
export function sceneProblems(project: Pick<Project, 'provider' | 'model' | 'size'> & { style?: string; bible?: Project['bible'] }, scene: Pick<Scene, 'id' | 'prompt' | 'seconds' | 'referenceImage'>, index?: number, custom: CustomModels = []): Problem[] {
  const problems: Problem[] = [];
  const model = modelProfile(project.provider, project.model, custom);
  const name = index === undefined ? 'This scene' : `Scene ${index + 1}`;
  if (!scene.prompt.trim()) problems.push({ sceneId: scene.id, field: 'prompt', message: `${name} has no prompt.` });
  const sent = fullPrompt({ style: project.style ?? '', bible: project.bible }, scene).length;
  if (model?.maxPromptChars !== undefined && sent > model.maxPromptChars) {
    const withStyle = project.style?.trim() ? ' with the project style' : '';
    problems.push({
      sceneId: scene.id,
      field: 'prompt',
      message: `${name}'s prompt${withStyle} is ${sent.toLocaleString('en-US')} characters, but ${model.id} takes at most ${model.maxPromptChars.toLocaleString('en-US')}. Shorten the prompt${withStyle ? ' or the style' : ''}.`,
    });
  }
  if (model && !model.durations.includes(scene.seconds)) {
    const allowed = model.durations.length > 12 ? `${model.durations[0]}–${model.durations.at(-1)} s` : `${list(model.durations)} s`;
    problems.push({ sceneId: scene.id, field: 'seconds', message: `${name} is ${scene.seconds} s, but ${model.id} only makes ${allowed}.` });
  }
  if (model && scene.referenceImage && !model.imageInput.firstFrame) {
    problems.push({ sceneId: scene.id, field: 'referenceImage', message: `${name} has a reference image, but ${model.id} takes no image input.` });
  }
  return problems;
}

/** Every reason the given scenes cannot be generated as the project stands. Empty means go. */
/**
 * The provider and model a scene is generated with: its own (`provider`/`model` on the scene) or the
 * project's. A scene that names only a provider gets that provider's default model.
 */
export function sceneTarget(project: Pick<Project, 'provider' | 'model'>, scene: { provider?: string | undefined; model?: string | undefined }): { provider: string; model: string } {
  const provider = scene.provider ?? project.provider;
  const model = scene.model ?? (scene.provider && scene.provider !== project.provider ? (providerProfile(scene.provider)?.defaultModel ?? project.model) : project.model);
  return { provider, model };
}

export function generationProblems(project: Project, sceneIds?: string[], custom: CustomModels = []): Problem[] {
  const problems = projectProblems(project, custom);
  if (problems.length) return problems;
  project.scenes.forEach((scene, i) => {
    if (sceneIds && !sceneIds.includes(scene.id)) return;
    const target = sceneTarget(project, scene);
    if (target.provider === project.provider && target.model === project.model) {
      problems.push(...sceneProblems(project, scene, i, custom));
      return;
    }
    // A scene on its own provider/model: that model must exist and render the project's frame size.
    const own = { ...project, ...target };
    const head = projectProblems(own, custom).map((p) => ({ ...p, sceneId: scene.id, message: `Scene ${i + 1}: ${p.message}` }));
    problems.push(...(head.length ? head : sceneProblems(own, scene, i, custom)));
  });
  return problems;
}
