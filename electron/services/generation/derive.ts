// Re-roll, remix and extend one take: what the job would be and what it would cost. A re-roll is the scene
// generated again as it now stands; a remix sends the scene's current prompt to the provider that made the
// take, applied to that video; an extension continues the video into a new, longer take. Only where the
// take's model can (its profile's `remix` / `extend`); the engine checks again before sending.
import { modelProfile, pricePerSecond, roundUsd, type CustomModels } from '../../../shared/capabilities.ts';
import { canDerive, cannotDeriveMessage, extensionSeconds } from '../../../shared/derive.ts';
import { AppError } from '../../../shared/errors.ts';
import { fullPrompt, type Project, type Scene, type Take } from '../../../shared/project.ts';
import type { JobSpec } from '../jobs/engine.ts';


/**
 * The job for a remix or extension of `take` (a re-roll is an ordinary generation: see the planner).
 * Throws AppError in words when the take's model cannot, or the provider never made this take.
 */
export function deriveSpec(project: Project, index: number, take: Take, kind: 'remix' | 'extend', custom: CustomModels): JobSpec {
  const scene: Scene = project.scenes[index]!;
  const profile = modelProfile(take.provider, take.model, custom);
  const verb = kind === 'remix' ? 'remixed' : 'extended';
  if (!profile?.[kind] || !canDerive(take, kind, custom)) throw new AppError('UnsupportedByModel', cannotDeriveMessage(take.provider, take.model, kind, custom));
  if (!take.providerJobId) throw new AppError('InvalidInput', `This take cannot be ${verb}: the provider's id for it was not kept. Generate the scene again instead.`);
  const base = take.provenance?.seconds ?? Math.round(take.seconds);
  const seconds = kind === 'extend' ? base + extensionSeconds(profile.durations) : base;
  // An extension is counted at its whole length: what a provider bills for it is not published the same way
  // everywhere, and the budget must not be passed by an estimate that was too low.
  const costUsd = roundUsd(pricePerSecond(take.provider, take.model, take.size, custom) * seconds);
  return {
    sceneId: scene.id,
    sceneNumber: index + 1,
    provider: take.provider,
    model: take.model,
    prompt: fullPrompt(project, scene),
    seconds,
    size: take.size,
    referenceImage: null,
    costUsd,
    source: { kind, takeId: take.id, providerJobId: take.providerJobId, seconds: base },
    provenance: { scenePrompt: scene.prompt, style: project.style, seconds, from: { kind, takeId: take.id } },
  };
}
