// App settings and recent projects, kept by electron-store in the user's data folder.
import Store from 'electron-store';
import type { Settings } from '../shared/contract.ts';
import type { SettingsStore } from './services/app.ts';
import { DEFAULT_SETTINGS as DEFAULTS, repairSettings } from './services/settings-store.ts';
import { originOf } from './services/providers/registry.ts';
import type { RecentProject, RecentStore } from './services/projects/recent.ts';

interface Schema {
  settings: Settings;
  lastProject: string | null;
  recentProjects: RecentProject[];
}

export class ElectronSettings implements SettingsStore, RecentStore {
  private readonly store = new Store<Schema>({
    name: 'settings',
    defaults: { settings: DEFAULTS, lastProject: null, recentProjects: [] },
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
  recentProjects(): RecentProject[] {
    const list = this.store.get('recentProjects');
    // A hand-edited or older file: keep only well-formed entries.
    return Array.isArray(list) ? list.filter((r) => r && typeof r.dir === 'string' && typeof r.title === 'string') : [];
  }
  setRecentProjects(list: RecentProject[]): void {
    this.store.set('recentProjects', list);
  }
}
