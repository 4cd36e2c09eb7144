// The provider registry: one line per provider module. A module says where its key comes from on the
// command line, where its API lives by default (and which environment variable overrides that), and builds
// its adapter. Adding a provider is one folder under providers/, one line here, one profile file under
// shared/catalog/ and one emulator under tests/emulators/; the composition root, the secrets module, the
// IPC contract, the CLI and the renderer read this list and need no edit.
import { arkModule } from './ark/index.ts';
import { FAL_MODULE } from './fal/index.ts';
import { geminiModule } from './gemini/index.ts';
import { OPENROUTER_MODULE } from './openrouter/index.ts';
import type { Provider } from './types.ts';

export interface ProviderModuleContext {
  apiKey: string;
  /** Already resolved: settings → environment → the module's default. */
  baseUrl: string;
  /** Per-provider settings the creator set (e.g. Ark's region). */
  settings: Readonly<Record<string, string | null | undefined>>;
  log: (line: string) => void;
  /** The project's .storyreel folder, for an adapter's own cache (e.g. uploaded images). */
  stateDir: string;
}

export interface ProviderModule {
  /** The profile id in shared/capabilities.ts. */
  id: string;
  /** Environment variables holding the key on the command line, first found wins. */
  keyEnv: readonly string[];
  /** Environment variables that replace the default base URL (gateways, emulators). */
  baseUrlEnv: readonly string[];
  /** The API's own base URL, which may depend on a setting (Ark's region). */
  defaultBaseUrl(settings: Readonly<Record<string, string | null | undefined>>): string;
  create(ctx: ProviderModuleContext): Provider;
}

export const PROVIDER_MODULES: readonly ProviderModule[] = [
  geminiModule,
  arkModule,
  FAL_MODULE,
  OPENROUTER_MODULE,
];

export function providerModule(id: string): ProviderModule | undefined {
  return PROVIDER_MODULES.find((m) => m.id === id);
}

/** Every environment variable that may hold a provider key, for the CLI's secrets and the redactor. */
export function moduleKeyEnv(): Array<{ provider: string; names: readonly string[] }> {
  return PROVIDER_MODULES.map((m) => ({ provider: m.id, names: m.keyEnv }));
}
