// Refreshed model catalogues (shared/catalog/refreshed.ts): a provider whose profile says `liveCatalog` lists
// its models with durations, sizes and prices; when the creator asks (the window's "Refresh models", the CLI's
// `storyreel models --refresh`), the adapter reads that list, it is written to <dir>/<provider>.json with the
// date it was read, and it replaces the bundled profiles in this process, so estimates, checks and pickers use
// it from then on. At start the stored catalogues are read back (validated; a broken file is ignored and said).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { providerProfile, PROVIDERS } from '../../../shared/capabilities.ts';
import { applyCatalog, compareCatalogs, RefreshedCatalogSchema, type CatalogChange, type RefreshedCatalog } from '../../../shared/catalog/refreshed.ts';
import { AppError } from '../../../shared/errors.ts';
import { writeJsonAtomic } from '../fsutil.ts';
import type { Provider } from './types.ts';

export class ProviderCatalogs {
  private readonly applied = new Map<string, RefreshedCatalog>();

  /** `dir`: where catalogues are kept (the app's data folder, the CLI's config folder); null keeps them in memory. */
  constructor(private readonly o: { dir: string | null; log: (line: string) => void }) {}

  /** Reads back every stored catalogue and applies it (at start; small files, read once). */
  loadStored(): void {
    if (!this.o.dir) return;
    for (const p of PROVIDERS.filter((x) => x.liveCatalog)) {
      const file = path.join(this.o.dir, `${p.id}.json`);
      let raw: string;
      try {
        raw = readFileSync(file, 'utf8');
      } catch {
        continue; // never refreshed: the bundled profiles stay
      }
      let parsed: ReturnType<typeof RefreshedCatalogSchema.safeParse>;
      try {
        parsed = RefreshedCatalogSchema.safeParse(JSON.parse(raw));
      } catch {
        parsed = RefreshedCatalogSchema.safeParse(undefined);
      }
      if (!parsed.success || parsed.data.provider !== p.id) {
        this.o.log(`catalog: ${file} does not read as ${p.id}'s models; the bundled profiles stay (refresh them again)`);
        continue;
      }
      applyCatalog(parsed.data);
      this.applied.set(p.id, parsed.data);
    }
  }

  /** The catalogues in force that were read live (for the window, which applies them too). */
  list(): RefreshedCatalog[] {
    return [...this.applied.values()];
  }

  /** Reads the provider's live list through its adapter, stores it, applies it, and says what changed. */
  async refresh(provider: string, adapter: Provider, baseUrl: string, signal?: AbortSignal): Promise<CatalogChange> {
    const profile = providerProfile(provider);
    if (!profile?.liveCatalog || !adapter.liveModels) {
      throw new AppError('InvalidInput', `${profile?.label ?? provider} does not publish its models' durations and prices; its profiles come with Storyreel.`);
    }
    const before = [...profile.models];
    const { models, skipped } = await adapter.liveModels(signal);
    if (!models.length) throw new AppError('ProviderRejected', `${profile.label} listed no video model Storyreel can read; the profiles in use stay.`);
    const now = new Date();
    const catalog = RefreshedCatalogSchema.parse({ provider, fetchedAt: now.toISOString(), readOn: now.toISOString().slice(0, 10), source: new URL(baseUrl).host, models });
    if (this.o.dir) await writeJsonAtomic(path.join(this.o.dir, `${provider}.json`), catalog);
    applyCatalog(catalog);
    this.applied.set(provider, catalog);
    const change = compareCatalogs(provider, before, catalog, skipped);
    this.o.log(`catalog: ${provider} refreshed from ${catalog.source}: ${change.summary}`);
    return change;
  }
}
