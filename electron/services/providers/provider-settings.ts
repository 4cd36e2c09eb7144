// Each module provider's own settings beside its key (base URL, region): checked and merged here, for main's
// settings.update (providers/registry.ts vetSettings) and the command line's flags. A base URL is https:, or
// http: for this computer only (parseBaseUrl); a region must be one the provider's profile lists.
import { PROVIDERS, providerProfile } from '../../../shared/capabilities.ts';
import type { ProviderSettings, Settings } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import { providerModule } from './modules.ts';

type Stored = Settings['providers'];

/** The stored settings after a patch: a value sets, null clears, fields left out stay; empty entries go. */
export function mergeProviderSettings(current: Stored | undefined, patch: Readonly<Record<string, ProviderSettings>>): Stored {
  const out: Stored = { ...(current ?? {}) };
  for (const [id, entry] of Object.entries(patch)) {
    const next: ProviderSettings = { ...(out[id] ?? {}) };
    for (const field of ['baseUrl', 'region'] as const) {
      const v = entry[field];
      if (v === null) delete next[field];
      else if (v !== undefined) next[field] = v.trim();
    }
    if (Object.keys(next).length) out[id] = next;
    else delete out[id];
  }
  return out;
}

/**
 * Checks a patch of provider settings: a provider with a module of its own, a region its profile lists.
 * `parseBase` checks a base URL's form (registry.parseBaseUrl), throwing in words.
 */
export function checkProviderSettings(patch: Readonly<Record<string, ProviderSettings>>, parseBase: (raw: string) => unknown): void {
  for (const [id, entry] of Object.entries(patch)) {
    const profile = providerProfile(id);
    if (!providerModule(id) || !profile) {
      throw new AppError('InvalidInput', id === 'openai-videos' ? 'The /v1/videos base URL is its own setting (openaiBaseUrl).' : `"${id}" is not a provider with settings of its own.`);
    }
    if (entry.region !== undefined && entry.region !== null) {
      const regions = profile.regions ?? [];
      if (!regions.length) throw new AppError('InvalidInput', `${profile.label} has no regions to choose from.`);
      if (!regions.some((r) => r.id === entry.region)) throw new AppError('InvalidInput', `${profile.label} has no region "${entry.region}". Choose ${regions.map((r) => r.id).join(' or ')}.`);
    }
    if (entry.baseUrl) parseBase(entry.baseUrl);
  }
}

/** `--region R` on the command line: region R for every provider whose profile lists it; throws in words when none does. */
export function regionSettings(region: string): Stored {
  const withRegions = PROVIDERS.filter((p) => p.regions?.length);
  const hits = withRegions.filter((p) => p.regions!.some((r) => r.id === region));
  if (!hits.length) {
    throw new AppError('InvalidInput', `--region ${region}: no provider has that region. ${withRegions.map((p) => `${p.id}: ${p.regions!.map((r) => `${r.id} (${r.label})`).join(', ')}`).join('; ')}.`);
  }
  return Object.fromEntries(hits.map((p) => [p.id, { region }]));
}
