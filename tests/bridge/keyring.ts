// Linux with no keyring, for the bridge: what SafeStorageSecrets does when Electron's safeStorage only has its
// `basic_text` backend (a fixed password). A key saved from the window is kept for this session only and
// keys.set answers "needs-consent"; "Store anyway" (keys.storage) then counts it as stored. Keys stay in
// memory here, as with EnvSecrets. `npm run bridge` uses it with STORYREEL_BRIDGE_KEYRING=basic_text.
import { EnvSecrets } from '../../electron/services/app.ts';
import type { KeyStatus } from '../../shared/contract.ts';

export class BasicTextSecrets extends EnvSecrets {
  private readonly sessionOnly = new Set<string>();

  weakStorage(): boolean {
    return true;
  }

  override source(provider: string): KeyStatus['source'] {
    const source = super.source(provider);
    return source === 'app' && this.sessionOnly.has(provider) ? 'session' : source;
  }

  override async set(provider: string, key: string, origin: string | null): Promise<void> {
    await super.set(provider, key, origin);
    this.sessionOnly.add(provider);
  }

  async storeAnyway(provider: string): Promise<void> {
    this.sessionOnly.delete(provider);
  }

  override async clear(provider: string): Promise<void> {
    await super.clear(provider);
    this.sessionOnly.delete(provider);
  }
}
