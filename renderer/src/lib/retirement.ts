// When a model is about to leave (or has left) its provider: what to say and what to switch to. Pure.
import { alternativesTo, isRetired, providerProfile, type ModelProfile } from '../../../shared/capabilities.ts';

/** How soon before a retirement the window starts saying so. */
export const RETIREMENT_WARNING_DAYS = 45;

export interface RetirementNotice {
  retired: boolean;
  /** YYYY-MM-DD. */
  on: string;
  daysLeft: number;
  message: string;
  /** The nearest live model that does what this one does, or null when none does. */
  alternative: { provider: string; model: string; label: string } | null;
}

const DAY = 86_400_000;

/** `model`: the profile in force (modelProfile), or undefined. */
export function retirementNotice(providerId: string, model: ModelProfile | undefined, today: string = new Date().toISOString().slice(0, 10)): RetirementNotice | null {
  if (!model?.retiresOn) return null;
  const daysLeft = Math.round((Date.parse(model.retiresOn) - Date.parse(today)) / DAY);
  if (daysLeft > RETIREMENT_WARNING_DAYS) return null;
  const retired = isRetired(model, today);
  const alternative = alternativesTo(providerId, model, today)[0] ?? null;
  const provider = providerProfile(providerId)?.label ?? providerId;
  const when = retired ? `was retired by ${provider} on ${model.retiresOn}` : `will be retired by ${provider} on ${model.retiresOn} (in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'})`;
  const then = retired ? 'Nothing can be generated with it any more.' : 'After that, nothing can be generated with it.';
  const keep = alternative ? ' Switching keeps every prompt, image and take.' : ' No other model in the catalogue does all it did.';
  return { retired, on: model.retiresOn, daysLeft, message: `${model.label} ${when}. ${then}${keep}`, alternative };
}
