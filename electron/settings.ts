// App settings and recent projects, kept by electron-store in the user's data folder.
import Store from 'electron-store';
import type { Settings } from '../shared/contract.ts';
import type { SettingsStore } from './services/app.ts';

const DEFAULTS: Settings = { budgetUsd: null, ffmpegPath: null, openaiBaseUrl: null, concurrency: null, customModels: [] };

interface Schema {
  settings: Settings;
  lastProject: string | null;
}

export class ElectronSettings implements SettingsStore {
  private readonly store = new Store<Schema>({
    name: 'settings',
    defaults: { settings: DEFAULTS, lastProject: null },
  });
  get(): Settings {
    // Fields added since the file was written take their defaults.
    return { ...DEFAULTS, ...this.store.get('settings') };
  }
  update(patch: Partial<Settings>): Settings {
    this.store.set('settings', { ...this.get(), ...patch });
    return this.get();
  }
  lastProject(): string | null {
    return this.store.get('lastProject');
  }
  setLastProject(dir: string): void {
    this.store.set('lastProject', dir);
  }
}
