// Where app settings live (electron-store in the app, memory on the command line and in tests), and the
// .env reader the command line uses for keys.
import { SettingsSchema, type Settings } from '../../shared/contract.ts';

export const DEFAULT_SETTINGS: Settings = { budgetUsd: null, ffmpegPath: null, openaiBaseUrl: null, concurrency: null, customModels: [], shareCrashReports: false, providers: {} };

/**
 * Settings as read from a file someone (or an older build) wrote: every field that does not pass the
 * contract goes back to its default, and the names of those fields are returned so the caller can log them
 * and write the file back. A broken field used to break app.info and the estimate at every start, and the
 * Budget panel hid itself, so the window could not repair it.
 */
export function repairSettings(raw: unknown, rules: { baseUrlOk?: (url: string) => boolean } = {}): { settings: Settings; repaired: string[] } {
  const source = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const repaired: string[] = raw === undefined || source === raw ? [] : ['(the whole file)'];
  const shape = SettingsSchema.shape;
  for (const key of Object.keys(shape) as Array<keyof Settings>) {
    if (!(key in source)) continue;
    const ok = shape[key].safeParse(source[key]);
    const badUrl = (url: unknown): boolean => typeof url === 'string' && !!rules.baseUrlOk && !rules.baseUrlOk(url);
    const fine = ok.success && !(key === 'openaiBaseUrl' && badUrl(ok.data)) && !(key === 'providers' && Object.values(ok.data as Settings['providers']).some((p) => badUrl(p.baseUrl)));
    if (fine) settings[key] = ok.data;
    else repaired.push(key);
  }
  for (const key of Object.keys(source)) if (!(key in shape)) repaired.push(key);
  return { settings: settings as Settings, repaired };
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export class MemorySettings implements SettingsStore {
  private value: Settings;
  constructor(initial: Partial<Settings> = {}) {
    this.value = { ...DEFAULT_SETTINGS, ...initial };
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
