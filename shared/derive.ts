// Re-roll, remix and extend a take: which of them a take allows (the window shows only those buttons) and
// how long an extension adds. Pure; the planner (electron/services/generation/derive.ts) builds the jobs.
import { modelProfile, type CustomModels } from './capabilities.ts';
import type { Take } from './project.ts';

export const DERIVE_KINDS = ['reroll', 'remix', 'extend'] as const;
export type DeriveKind = (typeof DERIVE_KINDS)[number];

/** How long an extension adds: 4 s where the model makes 4 s clips, else its shortest. */
export function extensionSeconds(durations: readonly number[]): number {
  return durations.includes(4) ? 4 : (durations[0] ?? 4);
}

/**
 * Providers whose adapter sends a remix/extension (Provider.derives, which the engine checks before sending).
 * A profile may say a model can extend (fal's Veo) before its adapter does; such takes get no button yet.
 */
const WIRED: Readonly<Record<string, ReadonlyArray<DeriveKind>>> = { preview: ['remix', 'extend'], 'openai-videos': ['remix', 'extend'] };

/** Whether this take can be remixed / extended where it was made (a re-roll is always possible). */
export function canDerive(take: Pick<Take, 'provider' | 'model' | 'providerJobId'>, kind: DeriveKind, custom: CustomModels = []): boolean {
  if (kind === 'reroll') return true;
  return !!take.providerJobId && !!WIRED[take.provider]?.includes(kind) && !!modelProfile(take.provider, take.model, custom)?.[kind];
}
