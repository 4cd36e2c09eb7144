// Where keys live and how they are shown: the Secrets interface (safeStorage in the app, the environment in
// the CLI), gateway settings kept next to a key, the question main asks before a key goes somewhere new,
// and EnvSecrets, the command line's keys. Nothing here imports electron.
import { PROVIDERS } from '../../../shared/capabilities.ts';
import type { KeyStatus } from '../../../shared/contract.ts';
import { originOf } from './gateway-input.ts';
import { moduleKeyEnv } from './modules.ts';

export type AuthHeader = 'bearer' | 'api-key';

/** How a gateway wants to be spoken to, kept next to the key. Header and query values may be secrets. */
export interface GatewaySettings {
  authHeader: AuthHeader;
  headers: Record<string, string>;
  query: Record<string, string>;
}
export const NO_GATEWAY: GatewaySettings = Object.freeze({ authHeader: 'bearer', headers: {}, query: {} }) as GatewaySettings;

/** Where keys live: safeStorage in the app, the environment in the CLI. Never sent to the renderer. */
export interface Secrets {
  get(provider: string): string | null;
  source(provider: string): KeyStatus['source'];
  /** Saves a key bound to `origin`; null = bound to nothing yet (it is sent nowhere until confirmed). */
  set(provider: string, key: string, origin: string | null): Promise<void>;
  clear(provider: string): Promise<void>;
  /** The origin the key may be sent to, or null. */
  origin(provider: string): string | null;
  bind(provider: string, origin: string): Promise<void>;
  gateway(provider: string): GatewaySettings;
  setGateway(provider: string, gateway: GatewaySettings): Promise<void>;
  /** Every secret value in use (keys, header and query values), for the log redactor. */
  all(): string[];
  /** A key from the environment with no base URL of its own takes the one the services start with. */
  adoptStartOrigin?(provider: string, origin: string | null): void;
  /**
   * True where a stored key would be sealed with a password anyone can know (Linux with only Electron's
   * `basic_text` backend, no keyring). `set` then keeps the key in memory for this session only, and the
   * window asks the creator whether to store it anyway (keys.set answers "needs-consent").
   */
  weakStorage?(): boolean;
  /** The creator's "Store anyway" for a key kept for this session only: it is written, sealed as well as this system can. */
  storeAnyway?(provider: string): Promise<void>;
}

/** A question main asks the creator in its own dialog (Electron's message box); the window cannot answer it. */
export interface ConfirmRequest {
  title: string;
  message: string;
  detail: string;
  /** The label of the button that says yes ("Cancel" is the other, and the default). */
  confirmLabel: string;
}
export type Confirm = (question: ConfirmRequest) => Promise<boolean>;

export const KEYED_PROVIDERS: readonly string[] = PROVIDERS.filter((p) => p.needsKey).map((p) => p.id);

export function keyHint(key: string | null): string | null {
  return key ? `••••${key.slice(-4)}` : null;
}

/**
 * Keys from the environment (OPENAI_API_KEY, STORYREEL_API_KEY) or a .env file, and keys given through
 * keys.set (kept in memory only). A key from the environment is bound to the base URL given with it
 * (`baseUrl`, else OPENAI_BASE_URL / STORYREEL_BASE_URL, else the one the services start with): on the
 * command line that address is the creator's own choice.
 */
export class EnvSecrets implements Secrets {
  private readonly values = new Map<string, string>();
  private readonly given = new Set<string>();
  private readonly origins = new Map<string, string | null>();
  private readonly gateways = new Map<string, GatewaySettings>();

  constructor(env: NodeJS.ProcessEnv, dotenv: Record<string, string> = {}, opts: { baseUrl?: string | null; gateway?: GatewaySettings } = {}) {
    const key = env.STORYREEL_API_KEY || env.OPENAI_API_KEY || dotenv.STORYREEL_API_KEY || dotenv.OPENAI_API_KEY;
    if (key) {
      this.values.set('openai-videos', key.trim());
      const base = opts.baseUrl ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null;
      if (base) this.origins.set('openai-videos', originOf(base));
    }
    // FAL_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), ARK_API_KEY, OPENROUTER_API_KEY: each module names its
    // own. They go to the module's address in force when the services start (its *_BASE_URL, or its API).
    for (const { provider, names } of moduleKeyEnv()) {
      const v = names.map((n) => env[n] || dotenv[n]).find((x) => !!x);
      if (v) this.values.set(provider, v.trim());
    }
    if (opts.gateway) this.gateways.set('openai-videos', opts.gateway);
  }
  get(provider: string): string | null {
    return this.values.get(provider) ?? null;
  }
  source(provider: string): KeyStatus['source'] {
    if (!this.values.has(provider)) return 'none';
    return this.given.has(provider) ? 'app' : 'env';
  }
  async set(provider: string, key: string, origin: string | null): Promise<void> {
    this.values.set(provider, key);
    this.given.add(provider);
    this.origins.set(provider, origin);
  }
  async clear(provider: string): Promise<void> {
    this.values.delete(provider);
    this.given.delete(provider);
    this.origins.delete(provider);
  }
  origin(provider: string): string | null {
    return this.origins.get(provider) ?? null;
  }
  async bind(provider: string, origin: string): Promise<void> {
    if (this.values.has(provider)) this.origins.set(provider, origin);
  }
  adoptStartOrigin(provider: string, origin: string | null): void {
    if (this.values.has(provider) && !this.given.has(provider) && !this.origins.has(provider)) this.origins.set(provider, origin);
  }
  gateway(provider: string): GatewaySettings {
    return this.gateways.get(provider) ?? NO_GATEWAY;
  }
  async setGateway(provider: string, gateway: GatewaySettings): Promise<void> {
    this.gateways.set(provider, gateway);
  }
  all(): string[] {
    return [...this.values.values(), ...[...this.gateways.values()].flatMap((g) => [...Object.values(g.headers), ...Object.values(g.query)])];
  }
}
