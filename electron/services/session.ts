// One open project: its file (store), its job ledger and engine, its exports, the adapters its jobs use, and
// the lock that makes it ours. The services (generation, export, references) receive a Session, never the
// app object, so they cannot reach back into the composition root (and the imports stay acyclic).
import { AppError } from '../../shared/errors.ts';
import { isTerminal, type ExportSnapshot } from '../../shared/jobs.ts';
import type { ProjectChange } from '../../shared/change.ts';
import type { Project } from '../../shared/project.ts';
import { continuitySource } from './generation/continuity.ts';
import { JobEngine, type EngineTiming } from './jobs/engine.ts';
import { Ledger } from './jobs/ledger.ts';
import type { Log } from './log.ts';
import { thumbnail } from './media/animatic.ts';
import type { Ffmpeg } from './media/ffmpeg.ts';
import { verifyVideo } from './media/stitch.ts';
import { Mutex } from './mutex.ts';
import { removeLeftovers } from './projects/leftovers.ts';
import { acquireLock, type ProjectLock } from './projects/lock.ts';
import { ProjectHistory } from './projects/history.ts';
import { ProjectStore } from './projects/store.ts';
import type { Provider } from './providers/types.ts';

/** The adapters one project's jobs use, built on first use. */
export class ProviderCache {
  private readonly providers = new Map<string, Provider>();

  get(key: string, make: () => Provider): Provider {
    let p = this.providers.get(key);
    if (!p) {
      p = make();
      this.providers.set(key, p);
    }
    return p;
  }

  /** Forgets the adapters, so the next job builds them with the current settings (e.g. a new ffmpeg). */
  clear(): void {
    this.providers.clear();
  }
}

export interface ExportEntry {
  snapshot: ExportSnapshot;
  abort: AbortController;
  done: Promise<void>;
  /** Where the film goes (absolute), so two exports asked for in the same second get two names. */
  out: string;
}

export interface SessionDeps {
  /** Who holds the project lock ("app", "cli", "bridge"). */
  owner: string;
  log: Log;
  /** The ffmpeg in use now (it changes when the creator sets another path). */
  ff(): Ffmpeg;
  /** The adapter for a provider in this project, built into `cache`; throws AppError when it cannot be used. */
  adapter(id: string, store: ProjectStore, cache: ProviderCache): Provider;
  concurrency(project: Project): number;
  timing?: Partial<EngineTiming>;
}

export class Session {
  readonly exports = new Map<string, ExportEntry>();
  /** Admission (the busy check, the estimate, the budget check and the creation of the jobs) runs one call at a time. */
  readonly admission = new Mutex();
  private isClosed = false;

  private constructor(
    readonly store: ProjectStore,
    readonly engine: JobEngine,
    readonly ledger: Ledger,
    readonly providers: ProviderCache,
    private readonly lock: ProjectLock,
    private readonly deps: SessionDeps,
  ) {
    this.history = new ProjectHistory(store);
  }

  /** The creator's undo and redo for this project (projects/history.ts). */
  readonly history: ProjectHistory;

  /** Opens a project and takes its lock; call resume() to pick up the unfinished jobs in its ledger. */
  static async open(dir: string, deps: SessionDeps, opts: { forceUnlock?: boolean } = {}): Promise<Session> {
    const store = await ProjectStore.open(dir);
    const lock = await acquireLock(store.stateDir(), deps.owner, { force: opts.forceUnlock === true });
    try {
      await removeLeftovers(store.dir, { log: deps.log });
      await store.saveLoadRepairs(deps.log); // migration, new ids, a repaired chosen take: on disk before any job
      const ledger = new Ledger(store.stateDir());
      const providers = new ProviderCache();
      const engine = await JobEngine.open({
        ledger,
        projectDir: store.dir,
        // Bound to this project, not to whichever is open: a job finishing while the project closes
        // must still reach its own adapters.
        provider: (id) => deps.adapter(id, store, providers),
        media: {
          verify: (file) => verifyVideo(deps.ff(), file),
          thumbnail: (video, out) => thumbnail(deps.ff(), video, out),
        },
        onTake: (_job, take) => store.addTake(_job.sceneId, take),
        continuity: continuitySource({ store, ff: deps.ff, job: (id) => engine.get(id) }),
        onFailed: (job) => store.recordSceneError(job.sceneId, job.error ? { code: job.error.code, message: job.error.message } : null),
        concurrency: deps.concurrency(store.get()),
        timing: deps.timing,
        log: deps.log,
      });
      return new Session(store, engine, ledger, providers, lock, deps);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get dir(): string {
    return this.store.dir;
  }

  /** The project's id (fixed for the life of the file). */
  get projectId(): string {
    return this.store.get().id;
  }

  /** A job or export snapshot, marked as this project's for the replies and events that carry it. */
  scoped<T extends object>(snapshot: T): T & { projectId: string } {
    return { ...snapshot, projectId: this.projectId };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get ff(): Ffmpeg {
    return this.deps.ff();
  }

  get log(): Log {
    return this.deps.log;
  }

  /** The adapter for a provider in this project, or why it cannot be used, in words. */
  provider(id: string): Provider {
    return this.deps.adapter(id, this.store, this.providers);
  }

  /** Starts every unfinished job in the ledger; returns how many. */
  resume(): number {
    const resumed = this.engine.resume();
    if (resumed) this.deps.log(`project ${this.store.dir}: resumed ${resumed} unfinished job(s)`);
    return resumed;
  }

  /** Removes a scene, cancelling its unfinished jobs first so none of them lands a take on nothing. */
  async removeScene(id: string): Promise<ProjectChange> {
    await this.cancelJobsOf([id]);
    return this.store.removeScene(id);
  }

  /** Cancels the unfinished jobs of these scenes (before they are removed). */
  async cancelJobsOf(sceneIds: readonly string[]): Promise<void> {
    const ids = new Set(sceneIds);
    for (const job of this.engine.records()) if (ids.has(job.sceneId) && !isTerminal(job.state)) await this.engine.cancel(job.id);
  }

  /** Stops the exports and the engine (the ledger keeps every unfinished job), saves, and lets go of the lock. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const e of this.exports.values()) e.abort.abort();
    await Promise.allSettled([...this.exports.values()].map((e) => e.done));
    await this.engine.close();
    await this.store.flush().catch(() => undefined);
    await this.lock.release();
  }

  /** Fails cleanly when the project was closed under a call that started while it was open. */
  assertOpen(): void {
    if (this.isClosed) throw new AppError('NoProject', 'The project was closed.');
  }
}
