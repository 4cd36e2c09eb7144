// App settings and recent projects, kept by electron-store in the user's data folder.
import Store from 'electron-store';
import type { Settings } from '../shared/contract.ts';
import type { SettingsStore } from './services/app.ts';

interface Schema {
  settings: Settings;
  lastProject: string | null;
}

export class ElectronSettings implements SettingsStore {
  private readonly store = new Store<Schema>({
    name: 'settings',
    defaults: { settings: { budgetUsd: null, ffmpegPath: null, openaiBaseUrl: null, concurrency: null }, lastProject: null },
  });
  get(): Settings {
    return { ...this.store.get('settings') };
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
