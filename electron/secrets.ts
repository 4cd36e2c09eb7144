// API keys in the app: encrypted with Electron's safeStorage (the OS keychain), kept through electron-store
// in main only. The renderer learns only whether a key is set, its last four characters, the address it
// is bound to and the names of the gateway headers saved with it.
import Store from 'electron-store';
import { safeStorage } from 'electron';
import type { KeyStatus } from '../shared/contract.ts';
import { ENHANCE_KEY } from './services/enhance/service.ts';
import { KEYED_PROVIDERS, NO_GATEWAY, originOf, type GatewaySettings, type Secrets } from './services/providers/registry.ts';

interface Schema {
  /** provider → the key, sealed with safeStorage (base64). */
  keys: Record<string, string>;
  /** provider → the origin the saved key may be sent to (not secret). */
  origins: Record<string, string>;
  /** provider → gateway settings as JSON, sealed (header values may be tokens). */
  gateways: Record<string, string>;
}

export class SafeStorageSecrets implements Secrets {
  // 0600: the sealed keys are nobody else's business on a shared machine (electron-store writes 0666 − umask).
  private readonly store = new Store<Schema>({ name: 'keys', defaults: { keys: {}, origins: {}, gateways: {} }, configFileMode: 0o600 });
  private readonly cache = new Map<string, string>();
  /** Keys the creator chose not to store (no keyring): kept in memory until the app quits. */
  private readonly sessionOnly = new Set<string>();
  /** Unsealed gateway settings: the log redactor reads them for every line. */
  private readonly gatewayCache = new Map<string, GatewaySettings>();
  /** Origins confirmed for a key from the environment, for this run only. */
  private readonly envOrigins = new Map<string, string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /**
   * On Linux without a keyring, safeStorage falls back to `basic_text`: a hard-coded password. A key is then
   * kept in memory until the creator says, in the window, to store it anyway (storeAnyway).
   */
  weakStorage(): boolean {
    return process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text';
  }

  private unseal(sealed: string | undefined): string | null {
    if (!sealed || !safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    } catch {
      return null;
    }
  }

  private seal(text: string): string {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('This system offers no secure storage for keys.');
    return safeStorage.encryptString(text).toString('base64');
  }

  private envKey(provider: string): string | null {
    return provider === 'openai-videos' ? this.env.STORYREEL_API_KEY || this.env.OPENAI_API_KEY || null : null;
  }

  get(provider: string): string | null {
    const cached = this.cache.get(provider);
    if (cached) return cached;
    const key = this.unseal(this.store.get('keys')[provider]);
    if (key) {
      this.cache.set(provider, key);
      return key;
    }
    return this.envKey(provider);
  }

  source(provider: string): KeyStatus['source'] {
    if (this.store.get('keys')[provider]) return 'app';
    if (this.sessionOnly.has(provider) && this.cache.has(provider)) return 'session';
    return this.get(provider) ? 'env' : 'none';
  }

  async set(provider: string, key: string, origin: string | null): Promise<void> {
    if (this.weakStorage()) {
      // Not written anywhere until the creator says so: the key lives in this process only.
      await this.clear(provider);
      this.sessionOnly.add(provider);
      this.cache.set(provider, key);
      if (origin) this.envOrigins.set(provider, origin);
      return;
    }
    this.write(provider, key, origin);
  }

  private write(provider: string, key: string, origin: string | null): void {
    this.sessionOnly.delete(provider);
    this.store.set('keys', { ...this.store.get('keys'), [provider]: this.seal(key) });
    const origins = { ...this.store.get('origins') };
    if (origin) origins[provider] = origin;
    else delete origins[provider];
    this.store.set('origins', origins);
    this.cache.set(provider, key);
  }

  /** "Store anyway": the session's key (its address and gateway settings too) written, sealed with basic_text. */
  async storeAnyway(provider: string): Promise<void> {
    const key = this.cache.get(provider);
    if (!this.sessionOnly.has(provider) || !key) return;
    this.write(provider, key, this.envOrigins.get(provider) ?? null);
    this.envOrigins.delete(provider);
    const gateway = this.gatewayCache.get(provider);
    if (gateway) this.store.set('gateways', { ...this.store.get('gateways'), [provider]: this.seal(JSON.stringify(gateway)) });
  }

  async clear(provider: string): Promise<void> {
    const keys = { ...this.store.get('keys') };
    delete keys[provider];
    const origins = { ...this.store.get('origins') };
    delete origins[provider];
    this.store.set('keys', keys);
    this.store.set('origins', origins);
    this.cache.delete(provider);
    this.sessionOnly.delete(provider);
    this.envOrigins.delete(provider);
  }

  /** A saved key: the origin it was confirmed for. A key from the environment: OPENAI_BASE_URL's, or one confirmed this run. */
  origin(provider: string): string | null {
    if (this.store.get('keys')[provider]) return this.store.get('origins')[provider] ?? null;
    if (this.sessionOnly.has(provider)) return this.envOrigins.get(provider) ?? null;
    return this.envOrigins.get(provider) ?? originOf(this.env.OPENAI_BASE_URL ?? this.env.STORYREEL_BASE_URL ?? null);
  }

  async bind(provider: string, origin: string): Promise<void> {
    if (this.store.get('keys')[provider]) this.store.set('origins', { ...this.store.get('origins'), [provider]: origin });
    else if (this.sessionOnly.has(provider) || this.envKey(provider)) this.envOrigins.set(provider, origin);
  }

  gateway(provider: string): GatewaySettings {
    const cached = this.gatewayCache.get(provider);
    if (cached) return cached;
    const sealed = this.store.get('gateways')[provider];
    if (!sealed) return NO_GATEWAY;
    let g: GatewaySettings = NO_GATEWAY;
    try {
      const parsed = JSON.parse(this.unseal(sealed) ?? 'null') as Partial<GatewaySettings> | null;
      if (parsed) g = { authHeader: parsed.authHeader === 'api-key' ? 'api-key' : 'bearer', headers: { ...parsed.headers }, query: { ...parsed.query } };
    } catch {
      // A file this system cannot unseal: no gateway settings, as with no key.
    }
    this.gatewayCache.set(provider, g);
    return g;
  }

  async setGateway(provider: string, gateway: GatewaySettings): Promise<void> {
    if (this.sessionOnly.has(provider)) {
      // Header values may be tokens: kept like the key they go with, in memory only.
      this.gatewayCache.set(provider, gateway);
      return;
    }
    this.store.set('gateways', { ...this.store.get('gateways'), [provider]: this.seal(JSON.stringify(gateway)) });
    this.gatewayCache.set(provider, gateway);
  }

  /** Every secret held, for the log redactor: the providers' keys and gateway values, and the Enhance key. */
  all(): string[] {
    return [...KEYED_PROVIDERS, ENHANCE_KEY].flatMap((p) => {
      const g = this.gateway(p);
      return [this.get(p), ...Object.values(g.headers), ...Object.values(g.query)].filter((k): k is string => !!k);
    });
  }
}
