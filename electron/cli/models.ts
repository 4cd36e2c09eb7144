// storyreel models [--provider ID] [--refresh ID] [--base-url URL]: the models Storyreel knows, with their
// lengths, sizes and prices (and the date each price was read); --refresh reads a provider's live list with its
// key (OpenRouter's GET /videos/models) and keeps it for later runs (render, generate) in the catalogue folder:
// STORYREEL_CATALOG_DIR, else $XDG_CONFIG_HOME/storyreel/catalog (~/.config/storyreel/catalog).
import os from 'node:os';
import path from 'node:path';
import { parse, usage } from './args.ts';
import { load } from './deps.ts';
import { checked, loadDotenv } from './flags.ts';
import { version } from './help.ts';

/** Where the command line keeps refreshed model lists (render and generate read them too). */
export function cliCatalogDir(env: NodeJS.ProcessEnv): string {
  return env.STORYREEL_CATALOG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'storyreel', 'catalog');
}

export async function modelsCommand(args: string[]): Promise<number> {
  const { values } = parse('models', args, { provider: { type: 'string' }, refresh: { type: 'string' }, 'base-url': { type: 'string' } }, { min: 0, max: 0, names: 'options only' });
  const d = await load();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const flag of ['provider', 'refresh'] as const) {
    const id = values[flag];
    if (id !== undefined && !d.providerProfile(id)) usage('models', `Unknown provider "${id}". Use one of: ${d.PROVIDER_IDS.join(', ')}.`);
  }
  const live = d.PROVIDERS.filter((p) => p.liveCatalog).map((p) => p.id);
  if (values.refresh !== undefined && !live.includes(values.refresh)) usage('models', `${values.refresh} does not publish its models' prices; --refresh takes ${live.join(' or ')}.`);
  if (values['base-url'] !== undefined && values.refresh === undefined) usage('models', '--base-url goes with --refresh (the address the model list is read from).');

  const env: NodeJS.ProcessEnv = { ...process.env };
  const mod = values.refresh ? d.providerModule(values.refresh) : undefined;
  if (mod && values['base-url'] !== undefined) {
    checked(() => d.parseBaseUrl(values['base-url']!));
    env[mod.baseUrlEnv[0]!] = values['base-url'];
  }
  const secrets = new d.EnvSecrets(env, loadDotenv([process.cwd()]));
  const app = new d.Storyreel({ version: version(), ffmpeg: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, settings: new d.MemorySettings({}), secrets, log: d.createLog({ secrets: () => secrets.all() }), owner: 'command line', env, catalogDir: cliCatalogDir(env) });

  if (values.refresh) {
    if (!secrets.get(values.refresh)) usage('models', `--refresh ${values.refresh} reads the list with your key: set ${mod?.keyEnv[0] ?? 'the key'} (in the environment or .env).`);
    const change = await app.refreshModels(values.refresh);
    out(`${d.providerProfile(values.refresh)!.label}: ${change.summary}`);
    for (const [what, ids] of [['updated', change.updated], ['added', change.added], ['gone', change.removed], ['not readable, kept as bundled or left out', change.skipped]] as const) {
      if (ids.length) out(`  ${what}: ${ids.join(', ')}`);
    }
    out(`Kept in ${cliCatalogDir(env)}; render and generate use it from now on.`);
  }
  const shown = d.PROVIDERS.filter((p) => p.id === (values.provider ?? values.refresh ?? p.id));
  for (const p of shown) {
    const read = app.catalogs.list().find((c) => c.provider === p.id);
    out(`\n${p.label} (${p.id})${read ? ` — list read ${read.readOn} from ${read.source}` : ''}`);
    for (const m of p.models) {
      const prices = [...new Set(Object.values(m.pricePerSecond))].sort((a, b) => a - b);
      const price = prices.length > 1 ? `${d.formatUsd(prices[0]!)}–${d.formatUsd(prices.at(-1)!)}/s` : `${d.formatUsd(prices[0] ?? 0)}/s`;
      const lengths = m.durations.length > 6 ? `${m.durations[0]}–${m.durations.at(-1)} s` : `${m.durations.join(', ')} s`;
      out(`  ${m.id}  ${lengths}  ${m.sizes.length} sizes (${m.sizes.slice(0, 3).join(', ')}${m.sizes.length > 3 ? ', …' : ''})  ${price}${m.retiresOn ? `  retires ${m.retiresOn}` : ''}`);
    }
  }
  return 0;
}
