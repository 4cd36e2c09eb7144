// Updates, notify first: Storyreel looks for a newer release and tells the creator; it never downloads or
// installs anything without their click. Builds that cannot update themselves (unsigned macOS and Windows
// builds, a .deb) only link to the release page. Electron-free: the adapter (electron/updater.ts) plugs
// electron-updater in as the UpdateSource; tests plug in their own.
import { EventEmitter } from 'node:events';
import type { UpdateState } from '../../shared/contract.ts';

export interface UpdateSource {
  /** The newest release, or null when there is none (or none newer). */
  latest(): Promise<{ version: string } | null>;
  /** Downloads the release (only after the creator asked); reports 0..1. */
  download?(onProgress: (fraction: number) => void): Promise<void>;
  /** Quits and installs the downloaded release (only after the creator asked). */
  install?(): void;
}

export interface UpdateOptions {
  current: string;
  source: UpdateSource;
  /** Whether this build can install an update itself (signed, or an AppImage); otherwise notify-only. */
  canInstall: boolean;
  /** The release page for a version (an https link main allows the system browser to open). */
  releaseUrl: (version: string) => string;
  log?: (line: string) => void;
}

/** a.b.c (with an optional -pre tail) compared as numbers; a pre-release is older than its release. */
export function newerVersion(candidate: string, current: string): boolean {
  const parse = (v: string) => {
    const [main = '', pre] = v.replace(/^v/, '').split('-', 2);
    return { nums: main.split('.').map((n) => Number.parseInt(n, 10) || 0), pre: pre ?? null };
  };
  const a = parse(candidate);
  const b = parse(current);
  for (let i = 0; i < Math.max(a.nums.length, b.nums.length); i++) {
    const d = (a.nums[i] ?? 0) - (b.nums[i] ?? 0);
    if (d) return d > 0;
  }
  if (a.pre === b.pre) return false;
  if (a.pre === null) return true; // 1.2.0 is newer than 1.2.0-beta
  if (b.pre === null) return false;
  return a.pre > b.pre;
}

export class UpdateService extends EventEmitter<{ state: [UpdateState] }> {
  private value: UpdateState;
  private dismissed = new Set<string>();

  constructor(private readonly o: UpdateOptions) {
    super();
    this.value = { status: 'idle', current: o.current, version: null, releaseUrl: null, canInstall: o.canInstall, progress: 0, error: null };
  }

  state(): UpdateState {
    return { ...this.value };
  }

  private set(patch: Partial<UpdateState>): UpdateState {
    this.value = { ...this.value, ...patch };
    this.emit('state', this.state());
    return this.state();
  }

  /** Looks for a newer release. A failed look is quiet (a line in the log): being offline is not an error. */
  async check(): Promise<UpdateState> {
    if (this.value.status === 'downloading' || this.value.status === 'ready') return this.state();
    this.set({ status: 'checking', error: null });
    try {
      const latest = await this.o.source.latest();
      if (!latest || !newerVersion(latest.version, this.o.current) || this.dismissed.has(latest.version)) return this.set({ status: 'none', version: null, releaseUrl: null });
      return this.set({ status: 'available', version: latest.version, releaseUrl: this.o.releaseUrl(latest.version) });
    } catch (err) {
      this.o.log?.(`update check failed: ${(err as Error).message}`);
      return this.set({ status: 'none', error: null });
    }
  }

  /** On the creator's click only. Notify-only builds refuse: they link to the release page instead. */
  async download(): Promise<UpdateState> {
    if (this.value.status !== 'available') return this.state();
    if (!this.o.canInstall || !this.o.source.download) return this.set({ error: 'This build cannot install updates itself. Download the new version from the release page.' });
    this.set({ status: 'downloading', progress: 0, error: null });
    try {
      await this.o.source.download((p) => this.set({ progress: Math.max(0, Math.min(1, p)) }));
      return this.set({ status: 'ready', progress: 1 });
    } catch (err) {
      this.o.log?.(`update download failed: ${(err as Error).message}`);
      return this.set({ status: 'available', error: `The download failed (${(err as Error).message}). Try again, or get it from the release page.` });
    }
  }

  /** Restart into the downloaded release, on the creator's click only. */
  install(): UpdateState {
    if (this.value.status === 'ready') this.o.source.install?.();
    return this.state();
  }

  /** "Later": this version is not offered again in this run. */
  dismiss(): UpdateState {
    if (this.value.version) this.dismissed.add(this.value.version);
    return this.set({ status: 'none', version: null, releaseUrl: null, error: null });
  }
}
