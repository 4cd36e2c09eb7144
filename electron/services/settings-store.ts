// Where app settings live (electron-store in the app, memory on the command line and in tests), and the
// .env reader the command line uses for keys.
import type { Settings } from '../../shared/contract.ts';

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export class MemorySettings implements SettingsStore {
  private value: Settings;
  constructor(initial: Partial<Settings> = {}) {
    this.value = { budgetUsd: null, ffmpegPath: null, openaiBaseUrl: null, concurrency: null, customModels: [], ...initial };
  }
  get(): Settings {
    return { ...this.value };
  }
  update(patch: Partial<Settings>): Settings {
    this.value = { ...this.value, ...patch };
    return this.get();
  }
}

export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}
