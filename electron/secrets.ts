// API keys in the app: encrypted with Electron's safeStorage (the OS keychain), kept through electron-store
// in main only. The renderer learns only whether a key is set and its last four characters.
import Store from 'electron-store';
import { safeStorage } from 'electron';
import type { KeyStatus } from '../shared/contract.ts';
import type { Secrets } from './services/app.ts';

export class SafeStorageSecrets implements Secrets {
  private readonly store = new Store<{ keys: Record<string, string> }>({ name: 'keys', defaults: { keys: {} } });
  private readonly cache = new Map<string, string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  get(provider: string): string | null {
    const cached = this.cache.get(provider);
    if (cached) return cached;
    const sealed = this.store.get('keys')[provider];
    if (sealed && safeStorage.isEncryptionAvailable()) {
      try {
        const key = safeStorage.decryptString(Buffer.from(sealed, 'base64'));
        this.cache.set(provider, key);
        return key;
      } catch {
        return null;
      }
    }
    if (provider === 'openai-videos') return this.env.STORYREEL_API_KEY || this.env.OPENAI_API_KEY || null;
    return null;
  }

  source(provider: string): KeyStatus['source'] {
    if (this.store.get('keys')[provider]) return 'app';
    return this.get(provider) ? 'env' : 'none';
  }

  async set(provider: string, key: string): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('This system offers no secure storage for keys.');
    const keys = { ...this.store.get('keys'), [provider]: safeStorage.encryptString(key).toString('base64') };
    this.store.set('keys', keys);
    this.cache.set(provider, key);
  }

  async clear(provider: string): Promise<void> {
    const keys = { ...this.store.get('keys') };
    delete keys[provider];
    this.store.set('keys', keys);
    this.cache.delete(provider);
  }

  all(): string[] {
    return ['openai-videos'].map((p) => this.get(p)).filter((k): k is string => !!k);
  }
}
