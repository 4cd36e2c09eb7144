// Re-roll, remix and extend a take: which of them a take allows (the window shows only those buttons) and
// how long an extension adds. Pure; the planner (electron/services/generation/derive.ts) builds the jobs.
import { isRetired, modelProfile, PROVIDERS, type CustomModels } from './capabilities.ts';
import type { Take } from './project.ts';

export const DERIVE_KINDS = ['reroll', 'remix', 'extend'] as const;
export type DeriveKind = (typeof DERIVE_KINDS)[number];

/** How long an extension adds: 4 s where the model makes 4 s clips, else its shortest. */
export function extensionSeconds(durations: readonly number[]): number {
  return durations.includes(4) ? 4 : (durations[0] ?? 4);
}

/** Whether this take can be remixed / extended where it was made (a re-roll is always possible). */
export function canDerive(take: Pick<Take, 'provider' | 'model' | 'providerJobId'>, kind: DeriveKind, custom: CustomModels = []): boolean {
  if (kind === 'reroll') return true;
  // The profile says what a model can do; every adapter sends what its profiles claim (tests/unit/derive-wired.test.ts),
  // and the engine checks the adapter again before sending.
  return !!take.providerJobId && !!modelProfile(take.provider, take.model, custom)?.[kind];
}

/** Live paid models that can remix / extend a take they made, as "label (provider model)". */
export function modelsThatCan(kind: 'remix' | 'extend', on?: string): string[] {
  return PROVIDERS.filter((p) => p.needsKey).flatMap((p) => p.models.filter((m) => m[kind] && !isRetired(m, on)).map((m) => `${m.label} (${p.id} ${m.id})`));
}

/** Why a take made with this model cannot be remixed / extended, naming the models that can. */
export function cannotDeriveMessage(provider: string, model: string, kind: 'remix' | 'extend', custom: CustomModels = []): string {
  const label = modelProfile(provider, model, custom)?.label ?? model;
  const can = modelsThatCan(kind);
  const verb = kind === 'remix' ? 'remixed' : 'extended';
  return `Takes made with ${label} cannot be ${verb}.${can.length ? ` Models that can ${kind} a take they made: ${can.join(', ')}.` : ''} Generate the scene again instead.`;
}
