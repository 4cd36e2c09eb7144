// App settings and recent projects, kept by electron-store in the user's data folder.
import Store from 'electron-store';
import type { Settings } from '../shared/contract.ts';
import type { SettingsStore } from './services/app.ts';
import { DEFAULT_SETTINGS as DEFAULTS, repairSettings } from './services/settings-store.ts';
import { originOf } from './services/providers/registry.ts';

interface Schema {
  settings: Settings;
  lastProject: string | null;
}

export class ElectronSettings implements SettingsStore {
  private readonly store = new Store<Schema>({
    name: 'settings',
    defaults: { settings: DEFAULTS, lastProject: null },
  });
  /** What the file held that did not pass the contract at start (reset to defaults and written back). */
  readonly repaired: string[];
  constructor(private readonly onChange: (patch: Partial<Settings>) => void = () => undefined) {
    const { settings, repaired } = repairSettings(this.store.get('settings'), { baseUrlOk: (url) => originOf(url) !== null });
    this.repaired = repaired;
    if (repaired.length) this.store.set('settings', settings);
  }
  get(): Settings {
    // Fields added since the file was written take their defaults.
    return { ...DEFAULTS, ...this.store.get('settings') };
  }
  update(patch: Partial<Settings>): Settings {
    this.store.set('settings', { ...this.get(), ...patch });
    this.onChange(patch);
    return this.get();
  }
  lastProject(): string | null {
    return this.store.get('lastProject');
  }
  setLastProject(dir: string): void {
    this.store.set('lastProject', dir);
  }
}
