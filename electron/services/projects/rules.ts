// Rules about what a project may become, shared by the handlers and the generation planner: problems found
// by the capability profiles become one typed error, and a settings patch is completed the way the window
// and the CLI expect (a new provider brings its default model; the size moves to one the model makes).
import { modelProfile, projectProblems, providerProfile, type CustomModels, type Problem } from '../../../shared/capabilities.ts';
import type { Handlers } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import type { Project } from '../../../shared/project.ts';

export function problemsError(problems: Problem[]): AppError {
  const code = problems.some((p) => p.field === 'seconds' || p.field === 'size' || p.field === 'referenceImage') ? 'UnsupportedByModel' : 'InvalidInput';
  return new AppError(code, problems.map((p) => p.message).join(' '));
}

export type ProjectPatch = Parameters<Handlers['project']['update']>[0];
export type ProjectSettings = Pick<Project, 'title' | 'provider' | 'model' | 'size' | 'style'>;

/** The project settings a patch leads to, completed and checked; throws (InvalidInput/UnsupportedByModel) when they are not allowed. */
export function applyProjectPatch(current: Project, patch: ProjectPatch, custom: CustomModels = []): ProjectSettings {
  const next = { ...current, ...patch };
  if (patch.provider && patch.provider !== current.provider && !patch.model) {
    // Switching provider: move to that provider's default model and the nearest allowed size.
    const prof = providerProfile(patch.provider);
    if (prof) next.model = prof.defaultModel;
  }
  const model = modelProfile(next.provider, next.model, custom);
  if (model && !patch.size && !model.sizes.includes(next.size)) next.size = model.sizes[0]!;
  const problems = projectProblems(next, custom);
  if (problems.length) throw problemsError(problems);
  return { title: next.title, provider: next.provider, model: next.model, size: next.size, style: next.style };
}
