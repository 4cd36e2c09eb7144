// The composition root for the services. Electron (electron/main.ts), the command-line interface
// (electron/cli.ts) and the test bridge all build one of these; only the adapters passed in differ
// (where settings and keys are kept, how a folder is picked). It only wires: the open project is a Session
// (session.ts); the rules live in services that receive that session (generation/, export/), the contract
// in one handler module per group (handlers/), keys and where they may go in providers/registry.ts. Nothing
// here imports electron.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { modelProfile, providerProfile } from '../../shared/capabilities.ts';
import type { CatalogChange } from '../../shared/catalog/refreshed.ts';
import type { AppInfo, EstimateView, EventName, EventPayload, Handlers, KeyStatus, ProjectChange, ProjectView } from '../../shared/contract.ts';
import { AppError } from '../../shared/errors.ts';
import type { ExportSnapshot, JobSnapshot } from '../../shared/jobs.ts';
import type { Project } from '../../shared/project.ts';
import { PromptEnhancer } from './enhance/service.ts';
import { ExportService } from './export/service.ts';
import { GenerationPlanner } from './generation/planner.ts';
import { importReference } from './generation/references.ts';
import type { Dialogs, HandlerContext } from './handlers/context.ts';
import { buildDiagnostics } from './diagnostics.ts';
import { buildHandlers } from './handlers/index.ts';
import type { EngineTiming } from './jobs/engine.ts';
import type { Log } from './log.ts';
import { checkFfmpeg, Ffmpeg } from './media/ffmpeg.ts';
import { MemoryRecentStore, RecentProjects, type RecentStore } from './projects/recent.ts';
import { createProject, type NewProjectOptions, type ProjectStore } from './projects/store.ts';
import { ProviderCatalogs } from './providers/catalogs.ts';
import { PreviewProvider } from './providers/preview.ts';
import { ProviderRegistry, type Secrets } from './providers/registry.ts';
import type { Provider } from './providers/types.ts';
import { openProjectFile, type OpenedFile } from './serve.ts';
import { Session, type ProviderCache } from './session.ts';
import type { SettingsStore } from './settings-store.ts';
import type { UpdateService } from './updates.ts';

export { EnvSecrets, keyHint, type Secrets } from './providers/registry.ts';
export { MemorySettings, parseDotenv, type SettingsStore } from './settings-store.ts';
export { ProviderCache, Session } from './session.ts';
export type { Dialogs } from './handlers/context.ts';

export interface StoryreelOptions {
  version: string;
  ffmpeg: { ffmpeg: string; ffprobe: string };
  /** Finds ffmpeg again when the user sets its path in Settings (setting → bundled → PATH). */
  resolveFfmpeg?: (userPath: string | null) => { ffmpeg: string; ffprobe: string };
  settings: SettingsStore;
  secrets: Secrets;
  dialogs?: Dialogs;
  log: Log;
  /** Who holds the project lock ("app", "cli", "bridge"). */
  owner: string;
  timing?: Partial<EngineTiming>;
  env?: NodeJS.ProcessEnv;
  /** Overrides settings.concurrency and the model's default. */
  concurrency?: number;
  fontFile?: string | null;
  /** The log file, for "Copy diagnostics"; null when the log goes nowhere (tests). */
  logFile?: string | null;
  /** Where crash reports go (Electron's crash reporter); absent on the CLI and in tests. */
  crashReports?: { uploadAddress: string | null; folder: string | null };
  /** Looks for newer releases and offers them (electron/updater.ts in the app); none on the CLI. */
  updates?: UpdateService | null;
  /** Runtime versions for diagnostics (Electron passes process.versions). */
  versions?: Record<string, string | undefined>;
  /** Where the recent-projects list is kept (electron-store in the app); in memory when absent. */
  recent?: RecentStore;
  /** Where model lists read live from providers are kept (providers/catalogs.ts); in memory when absent. */
  catalogDir?: string | null;
}

export const DEFAULT_CONCURRENCY = 2;

export class Storyreel extends EventEmitter<{ event: [EventName, unknown] }> {
  ff: Ffmpeg;
  private ffPaths: { ffmpeg: string; ffprobe: string };
  private session: Session | null = null;
  /** Keys, where they may go, gateway settings and models: providers/registry.ts. */
  readonly keys: ProviderRegistry;
  /** The projects opened lately, most recent first (projects/recent.ts). */
  readonly recent: RecentProjects;
  /** Enhance: a chat model rewrites a prompt; its key is kept like the providers' (enhance/service.ts). */
  readonly enhancer: PromptEnhancer;
  /** Model lists refreshed from the providers that publish them (providers/catalogs.ts). */
  readonly catalogs: ProviderCatalogs;

  constructor(readonly opts: StoryreelOptions) {
    super();
    this.recent = new RecentProjects(opts.recent ?? new MemoryRecentStore());
    this.keys = new ProviderRegistry({ settings: opts.settings, secrets: opts.secrets, env: opts.env, confirm: () => opts.dialogs?.confirm, log: opts.log });
    this.catalogs = new ProviderCatalogs({ dir: opts.catalogDir ?? null, log: opts.log });
    this.catalogs.loadStored();
    this.enhancer = new PromptEnhancer({ settings: opts.settings, secrets: opts.secrets, confirm: () => opts.dialogs?.confirm, log: opts.log });
    this.ffPaths = opts.ffmpeg;
    this.ff = new Ffmpeg(opts.ffmpeg, opts.log);
    opts.updates?.on('state', (state) => this.push('update', state));
  }

  /** Uses another ffmpeg from now on, after checking that it runs. Nothing changes if it does not. */
  private async switchFfmpeg(userPath: string | null): Promise<void> {
    if (!this.opts.resolveFfmpeg) return;
    const paths = this.opts.resolveFfmpeg(userPath);
    const check = await checkFfmpeg(paths);
    if (!check.ok) throw new AppError('FfmpegMissing', `ffmpeg at ${paths.ffmpeg} did not run: ${check.error ?? 'unknown error'}`);
    this.ffPaths = paths;
    this.ff = new Ffmpeg(paths, this.opts.log);
    this.session?.providers.clear();
  }

  private push<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emit('event', event, payload);
  }

  // ---- the open project ---------------------------------------------------------------------------

  current(): Session {
    if (!this.session) throw new AppError('NoProject', 'No project is open.');
    return this.session;
  }

  view(): ProjectView | null {
    return this.session ? { project: this.session.store.get(), dir: this.session.store.dir, version: this.session.store.version } : null;
  }

  async createProject(dir: string, opts: NewProjectOptions = {}): Promise<ProjectView> {
    await createProject(dir, opts);
    return this.openProject(dir);
  }

  /** Opens a project, takes its lock, and resumes every unfinished job in its ledger. */
  async openProject(dir: string, opts: { forceUnlock?: boolean } = {}): Promise<ProjectView> {
    const session = await Session.open(
      dir,
      {
        owner: this.opts.owner,
        log: this.opts.log,
        ff: () => this.ff,
        adapter: (id, store, cache) => this.providerFor(id, store, cache),
        concurrency: (project) => this.concurrency(project),
        timing: this.opts.timing,
      },
      opts,
    );
    try {
      if (this.session) await this.closeProject();
      this.session = session;
      session.store.on('change', (change) => this.push('change', change));
      session.history.on('state', (state) => this.push('history', state));
      session.engine.on('job', (snapshot) => this.push('job', session.scoped(snapshot)));
      const view = this.view()!;
      this.recent.add(session.dir, view.project.title);
      // Every window follows the project that is open now (and drops what it mirrored of the last one).
      this.push('project', view);
      session.resume();
      return view;
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  async closeProject(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) this.recent.retitle(s.dir, s.store.get().title);
    await s?.close();
  }

  /** Closes the open project and tells every window there is none (they show the Welcome screen). */
  async closeAndAnnounce(): Promise<void> {
    await this.closeProject();
    this.push('project', null);
  }

  private concurrency(project: Project): number {
    return this.opts.concurrency ?? this.opts.settings.get().concurrency ?? modelProfile(project.provider, project.model, this.keys.customModels())?.concurrency ?? DEFAULT_CONCURRENCY;
  }

  // ---- provider construction (keys and where they may go: providers/registry.ts) ------------------

  private providerFor(id: string, store: ProjectStore, cache: ProviderCache): Provider {
    if (id === 'preview') {
      return cache.get('preview', () => new PreviewProvider({ ff: this.ff, cacheDir: store.stateDir('preview'), fontFile: this.opts.fontFile ?? null }));
    }
    // Every provider that carries a key: built by the registry, which decides where the key may go.
    if (providerProfile(id)?.needsKey) return this.keys.provider(id, store.stateDir(), (key, make) => cache.get(key, make));
    throw new AppError('InvalidInput', `Unknown provider "${id}".`);
  }

  // ---- services on the open project (the CLI and the tests call these too) ------------------------

  planner(session = this.current()): GenerationPlanner {
    return new GenerationPlanner(session, { budgetUsd: () => this.opts.settings.get().budgetUsd, customModels: () => this.keys.customModels() });
  }

  exports(session = this.current()): ExportService {
    return new ExportService(session, (snapshot) => this.push('export', session.scoped(snapshot)));
  }

  /** The adapter for a provider in the open project, or why it cannot be used, in words. */
  provider(id: string): Provider {
    return this.current().provider(id);
  }

  keyStatus(provider: string): KeyStatus {
    return this.keys.status(provider);
  }

  async info(): Promise<AppInfo> {
    return {
      version: this.opts.version,
      ffmpeg: await checkFfmpeg(this.ffPaths),
      keys: this.keys.statuses(),
      settings: this.opts.settings.get(),
      ...(this.opts.crashReports ? { crashReports: this.opts.crashReports } : {}),
      catalogs: this.catalogs.list(),
    };
  }

  /** Reads a provider's live model list with its key (sent only where the registry allows) and keeps it. */
  refreshModels(provider: string, signal?: AbortSignal): Promise<CatalogChange> {
    const adapter = this.keys.provider(provider, this.session?.store.stateDir() ?? os.tmpdir(), (_key, make) => make());
    return this.catalogs.refresh(provider, adapter, this.keys.baseUrl(provider).base, signal);
  }

  /** "Copy diagnostics" (diagnostics.ts): no key ever, prompts only when asked. */
  async diagnostics(includePrompts: boolean): Promise<string> {
    const project = this.session?.store.get();
    return buildDiagnostics({
      info: await this.info(),
      versions: this.opts.versions ?? { node: process.versions.node },
      logFile: this.opts.logFile ?? null,
      secrets: () => this.opts.secrets.all(),
      privateTexts: project ? [project.title, project.style, ...project.scenes.flatMap((s) => [s.prompt, s.caption ?? ''])] : [],
      includePrompts,
    });
  }

  spent(session = this.current()): Promise<number> {
    return this.planner(session).spent();
  }

  targetScenes(sceneIds: string[]): string[] {
    return this.planner().targetScenes(sceneIds);
  }

  estimate(sceneIds: string[], takes = 1): Promise<EstimateView> {
    return this.planner().estimate(sceneIds, takes);
  }

  generate(sceneIds: string[], takes = 1): Promise<string[]> {
    return this.planner().generate(sceneIds, takes);
  }

  /** Sends again a job stopped as `unknown`, on the creator's explicit word (see GenerationPlanner.resend). */
  resendUnknown(jobId: string): Promise<JobSnapshot> {
    return this.planner().resend(jobId);
  }

  setReference(sceneId: string, file: string): Promise<ProjectChange> {
    return importReference(this.current(), sceneId, file);
  }

  startExport(outFile?: string): ExportSnapshot {
    return this.exports().start(outFile);
  }

  waitExport(id: string): Promise<ExportSnapshot> {
    return this.exports().wait(id);
  }

  cancelExport(id: string): Promise<ExportSnapshot> {
    return this.exports().cancel(id);
  }

  // ---- the contract -----------------------------------------------------------------------------

  handlers(): Handlers {
    const ctx: HandlerContext = {
      session: () => this.current(),
      view: () => this.view(),
      openProject: (dir) => this.openProject(dir),
      createProject: (dir, opts) => this.createProject(dir, opts),
      closeProject: () => this.closeAndAnnounce(),
      recent: this.recent,
      planner: (session) => this.planner(session),
      exports: (session) => this.exports(session),
      info: () => this.info(),
      diagnostics: (includePrompts) => this.diagnostics(includePrompts),
      updates: this.opts.updates ?? null,
      customModels: () => this.keys.customModels(),
      dialogs: this.opts.dialogs,
      refreshModels: (provider) => this.refreshModels(provider),
    };
    return buildHandlers(ctx, { keys: this.keys, settings: this.opts.settings, switchFfmpeg: (p) => this.switchFfmpeg(p), enhancer: this.enhancer });
  }

  /** Opens a media URL's file in the open project (regular files under media/ or exports/ only; see serve.ts). */
  mediaFile(urlPath: string): Promise<OpenedFile | null> {
    return openProjectFile(this.session?.store.dir, urlPath);
  }

  async shutdown(): Promise<void> {
    await this.closeProject();
  }
}
