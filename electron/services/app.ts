// The composition root for the services. Electron (electron/main.ts), the command-line interface
// (electron/cli.ts) and the test bridge all build one of these; only the adapters passed in differ
// (where settings and keys are kept, how a folder is picked). Nothing here imports electron.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { estimateCost, formatUsd, generationProblems, modelProfile, projectProblems, providerProfile, roundUsd, type Problem } from '../../shared/capabilities.ts';
import type { AppInfo, EventName, EventPayload, Handlers, KeyStatus, ProjectView, Settings } from '../../shared/contract.ts';
import { AppError, toAppErrorShape, type AppErrorShape } from '../../shared/errors.ts';
import { isTerminal, type ExportSnapshot } from '../../shared/jobs.ts';
import { chosenTakeOf, fullPrompt, type Project } from '../../shared/project.ts';
import { buildTimeline } from '../../shared/timeline.ts';
import { containedFile, newId, relativePosix } from './fsutil.ts';
import { JobEngine, type EngineTiming, type JobSpec } from './jobs/engine.ts';
import { Ledger } from './jobs/ledger.ts';
import type { Log } from './log.ts';
import { Mutex } from './mutex.ts';
import { fitImage, thumbnail } from './media/animatic.ts';
import { checkFfmpeg, Ffmpeg } from './media/ffmpeg.ts';
import { exportFilm, verifyVideo } from './media/stitch.ts';
import { acquireLock, type ProjectLock } from './projects/lock.ts';
import { removeLeftovers } from './projects/leftovers.ts';
import { openProjectFile, type OpenedFile } from './serve.ts';
import { createProject, ProjectStore, type NewProjectOptions } from './projects/store.ts';
import { PreviewProvider } from './providers/preview.ts';
import { ProviderRegistry, type Confirm, type Secrets } from './providers/registry.ts';
import type { Provider } from './providers/types.ts';

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export { EnvSecrets, keyHint, type Secrets } from './providers/registry.ts';

export interface Dialogs {
  pickFolder(purpose: 'open' | 'create'): Promise<string | null>;
  /** An image file (PNG, JPEG or WebP) chosen by the user; null when dismissed. */
  pickImage(): Promise<string | null>;
  reveal(file: string): Promise<boolean>;
  /** Main's own yes/no dialog, for what the window may not decide alone (providers/registry.ts). */
  confirm?: Confirm;
}

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
}

export const DEFAULT_CONCURRENCY = 2;

function problemsError(problems: Problem[]): AppError {
  const code = problems.some((p) => p.field === 'seconds' || p.field === 'size' || p.field === 'referenceImage') ? 'UnsupportedByModel' : 'InvalidInput';
  return new AppError(code, problems.map((p) => p.message).join(' '));
}

/** An open project: its file, its job engine, its exports, and the lock that makes it ours. */
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

export class Session {
  readonly exports = new Map<string, { snapshot: ExportSnapshot; abort: AbortController; done: Promise<void> }>();
  /** Admission (the busy check, the estimate, the budget check and the creation of the jobs) runs one call at a time. */
  readonly admission = new Mutex();

  constructor(
    readonly store: ProjectStore,
    readonly engine: JobEngine,
    readonly ledger: Ledger,
    readonly providers: ProviderCache,
    private readonly lock: ProjectLock,
  ) {}

  async close(): Promise<void> {
    for (const e of this.exports.values()) e.abort.abort();
    await Promise.allSettled([...this.exports.values()].map((e) => e.done));
    await this.engine.close();
    await this.store.flush().catch(() => undefined);
    await this.lock.release();
  }
}

export class Storyreel extends EventEmitter<{ event: [EventName, unknown] }> {
  ff: Ffmpeg;
  private ffPaths: { ffmpeg: string; ffprobe: string };
  private session: Session | null = null;
  /** Keys, where they may go, gateway settings and models: providers/registry.ts. */
  readonly keys: ProviderRegistry;

  constructor(readonly opts: StoryreelOptions) {
    super();
    this.keys = new ProviderRegistry({ settings: opts.settings, secrets: opts.secrets, env: opts.env, confirm: () => opts.dialogs?.confirm, log: opts.log });
    this.ffPaths = opts.ffmpeg;
    this.ff = new Ffmpeg(opts.ffmpeg, opts.log);
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

  current(): Session {
    if (!this.session) throw new AppError('NoProject', 'No project is open.');
    return this.session;
  }

  view(): ProjectView | null {
    return this.session ? { project: this.session.store.get(), dir: this.session.store.dir } : null;
  }

  async createProject(dir: string, opts: NewProjectOptions = {}): Promise<ProjectView> {
    await createProject(dir, opts);
    return this.openProject(dir);
  }

  /** Opens a project, takes its lock, and resumes every unfinished job in its ledger. */
  async openProject(dir: string, opts: { forceUnlock?: boolean } = {}): Promise<ProjectView> {
    const store = await ProjectStore.open(dir);
    const lock = await acquireLock(store.stateDir(), this.opts.owner, { force: opts.forceUnlock === true });
    try {
      await removeLeftovers(store.dir, { log: this.opts.log });
      await store.saveLoadRepairs(this.opts.log); // migration, new ids, a repaired chosen take: on disk before any job
      const ledger = new Ledger(store.stateDir());
      const providers = new ProviderCache();
      const engine = await JobEngine.open({
        ledger,
        projectDir: store.dir,
        // Bound to this project, not to whichever is open: a job finishing while the project closes
        // must still reach its own adapters.
        provider: (id) => this.providerFor(id, store, providers),
        media: {
          verify: (file) => verifyVideo(this.ff, file),
          thumbnail: (video, out) => thumbnail(this.ff, video, out),
        },
        onTake: (_job, take) => store.addTake(_job.sceneId, take),
        onFailed: (job) => store.recordSceneError(job.sceneId, job.error ? { code: job.error.code, message: job.error.message } : null),
        concurrency: this.concurrency(store.get()),
        timing: this.opts.timing,
        log: this.opts.log,
      });
      if (this.session) await this.closeProject();
      this.session = new Session(store, engine, ledger, providers, lock);
      store.on('change', (project) => this.push('project', { project, dir: store.dir }));
      engine.on('job', (snapshot) => this.push('job', snapshot));
      const resumed = engine.resume();
      if (resumed) this.opts.log(`project ${store.dir}: resumed ${resumed} unfinished job(s)`);
      return this.view()!;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  async closeProject(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.close();
  }

  private concurrency(project: Project): number {
    return this.opts.concurrency ?? this.opts.settings.get().concurrency ?? modelProfile(project.provider, project.model, this.keys.customModels())?.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /** The adapter for a provider in the open project, or why it cannot be used, in words. */
  provider(id: string): Provider {
    const session = this.current();
    return this.providerFor(id, session.store, session.providers);
  }

  private providerFor(id: string, store: ProjectStore, cache: ProviderCache): Provider {
    if (id === 'preview') {
      return cache.get('preview', () => new PreviewProvider({ ff: this.ff, cacheDir: store.stateDir('preview'), fontFile: this.opts.fontFile ?? null }));
    }
    // Every provider that carries a key: built by the registry, which decides where the key may go.
    if (providerProfile(id)?.needsKey) return this.keys.provider(id, store.stateDir(), (key, make) => cache.get(key, make));
    throw new AppError('InvalidInput', `Unknown provider "${id}".`);
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
    };
  }

  /** Money already committed for this project: accepted jobs, plus jobs that may be at the provider. */
  async spent(session = this.current()): Promise<number> {
    // The jobs first, then the ledger: a job appends its spend before it can end, so a job that ends while the
    // ledger is being read is counted by one or the other, never by neither.
    const open = session.engine.records().filter((j) => !isTerminal(j.state));
    const ledgerSpend = await session.ledger.readSpend();
    const counted = new Set(ledgerSpend.map((e) => e.jobId));
    const inFlight = open
      .filter((j) => !counted.has(j.id))
      .reduce((a, j) => a + j.costUsd, 0);
    return roundUsd(ledgerSpend.reduce((a, e) => a + e.usd, 0) + inFlight);
  }

  /** Scenes with a job that has not finished. */
  private busyScenes(engine: JobEngine): Set<string> {
    return new Set(engine.records().filter((j) => !isTerminal(j.state)).map((j) => j.sceneId));
  }

  /** Which scenes "generate" means: the given ones, or every scene with no chosen take and no job running. */
  targetScenes(sceneIds: string[]): string[] {
    const { store, engine } = this.current();
    const project = store.get();
    if (sceneIds.length) {
      // Each scene once: the same id named twice is one scene to generate, and is estimated once.
      const unique = [...new Set(sceneIds)];
      for (const id of unique) store.scene(id);
      return unique;
    }
    const busy = this.busyScenes(engine);
    return project.scenes.filter((s) => !chosenTakeOf(s) && !busy.has(s.id)).map((s) => s.id);
  }

  async estimate(sceneIds: string[], takes = 1) {
    const project = this.current().store.get();
    const targets = this.targetScenes(sceneIds);
    const est = estimateCost(project, targets, takes, this.keys.customModels());
    const spentUsd = await this.spent();
    const budgetUsd = this.opts.settings.get().budgetUsd;
    const overBudgetUsd = budgetUsd === null ? 0 : Math.max(0, roundUsd(spentUsd + est.totalUsd - budgetUsd));
    let blocked: AppErrorShape | null = null;
    try {
      const problems = generationProblems(project, targets);
      if (problems.length) throw problemsError(problems);
      this.provider(project.provider);
    } catch (err) {
      blocked = toAppErrorShape(err);
    }
    return { ...est, spentUsd, budgetUsd, overBudgetUsd, blocked };
  }

  /**
   * Validates everything that can be known before money is spent (values the model accepts, the key,
   * the budget), then writes the jobs to the ledger and starts them.
   */
  async generate(sceneIds: string[], takes = 1): Promise<string[]> {
    const session = this.current();
    // One admission at a time per project: otherwise two calls both pass the busy and budget checks before
    // either has created its jobs, and the creator pays twice or past the cap.
    return session.admission.run(() => this.admit(session, sceneIds, takes));
  }

  private async admit(session: Session, sceneIds: string[], takes: number): Promise<string[]> {
    if (this.session !== session) throw new AppError('NoProject', 'The project was closed.');
    const project = session.store.get();
    const targets = this.targetScenes(sceneIds);
    if (!targets.length) return [];
    const busy = this.busyScenes(session.engine);
    const already = targets.filter((id) => busy.has(id));
    if (already.length) {
      const n = already.map((id) => project.scenes.findIndex((s) => s.id === id) + 1).join(', ');
      throw new AppError('InvalidInput', `Scene ${n} is already being generated. Wait for it, or cancel it first.`);
    }
    const problems = generationProblems(project, targets, this.keys.customModels());
    if (problems.length) throw problemsError(problems);
    this.provider(project.provider); // MissingKey etc. before anything is written
    const est = await this.estimate(targets, takes);
    if (est.overBudgetUsd > 0) {
      throw new AppError(
        'BudgetExceeded',
        `This would cost ${formatUsd(est.totalUsd)}, which goes over your budget of ${formatUsd(est.budgetUsd ?? 0)} by ${formatUsd(est.overBudgetUsd)} (already spent: ${formatUsd(est.spentUsd)}).`,
      );
    }
    const specs: JobSpec[] = [];
    for (const id of targets) {
      const index = project.scenes.findIndex((s) => s.id === id);
      const scene = project.scenes[index]!;
      const reference = scene.referenceImage ? await this.fittedReference(session, scene.referenceImage, project.size) : null;
      const line = est.lines.find((l) => l.sceneId === id);
      for (let t = 0; t < takes; t++) {
        specs.push({
          sceneId: id,
          sceneNumber: index + 1,
          provider: project.provider,
          model: project.model,
          prompt: fullPrompt(project, scene),
          seconds: scene.seconds,
          size: project.size,
          referenceImage: reference,
          costUsd: line ? roundUsd(line.usd / takes) : 0,
        });
      }
    }
    const jobs = await session.engine.enqueue(specs);
    await session.store.clearSceneErrors(targets);
    return jobs.map((j) => j.id);
  }

  /**
   * The creator's explicit "send it again" for a job whose create may or may not have reached the
   * provider. Its cost is already counted as possibly spent, so a resend must fit the budget once more.
   */
  async resendUnknown(jobId: string) {
    const session = this.current();
    const job = session.engine.get(jobId);
    if (!job) throw new AppError('NotFound', 'That job no longer exists.');
    const budgetUsd = this.opts.settings.get().budgetUsd;
    if (budgetUsd !== null && job.costUsd > 0) {
      const spentUsd = await this.spent(session);
      const over = roundUsd(spentUsd + job.costUsd - budgetUsd);
      if (over > 0) throw new AppError('BudgetExceeded', `Sending it again could cost another ${formatUsd(job.costUsd)}, which goes over your budget of ${formatUsd(budgetUsd)} by ${formatUsd(over)} (already counted: ${formatUsd(spentUsd)}).`);
    }
    return session.engine.resend(jobId);
  }

  /**
   * Copies an image into the project (media/refs/) and makes it the scene's first-frame reference.
   * The file must be a PNG, JPEG or WebP that ffprobe can read; the original is left where it was.
   */
  async setReference(sceneId: string, file: string): Promise<Project> {
    const { store } = this.current();
    const ext = path.extname(file).toLowerCase();
    if (!['.png', '.jpg', '.jpeg', '.webp'].includes(ext)) throw new AppError('InvalidInput', 'A reference image must be a PNG, JPEG or WebP file.');
    const info = await this.ff.probe(file).catch(() => null);
    if (!info?.video || info.video.width < 16 || info.video.height < 16) throw new AppError('MediaInvalid', `${path.basename(file)} is not an image Storyreel can read.`);
    const rel = `media/refs/${sceneId}-${newId('ref').slice(4)}${ext}`;
    await fs.mkdir(path.join(store.dir, 'media', 'refs'), { recursive: true });
    await fs.copyFile(file, path.join(store.dir, rel));
    return store.setReference(sceneId, rel);
  }

  /** Resizes/pads a scene's reference image to the output size once, before it is sent anywhere. */
  private async fittedReference(session: Session, rel: string, size: string): Promise<string> {
    const src = await containedFile(session.store.dir, rel, ['media']);
    if (!src) throw new AppError('InvalidInput', "The reference image must be a file inside the project's media folder.");
    const out = session.store.stateDir('refs', `${path.basename(rel).replace(/\.[^.]+$/, '')}-${size}.png`);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fitImage(this.ff, src, out, size);
    return out;
  }

  // ---- export -----------------------------------------------------------------------------------

  /** Starts an export of the chosen takes; `outFile` (absolute) overrides exports/<title>-<time>.mp4. */
  startExport(outFile?: string): ExportSnapshot {
    const session = this.current();
    const project = session.store.get();
    if (!project.scenes.length) throw new AppError('NothingToExport', 'The storyboard has no scenes yet.');
    const timeline = buildTimeline(project);
    const missing = timeline.scenes.filter((s) => !s.take).map((s) => s.index + 1);
    if (missing.length) throw new AppError('NothingToExport', `Scene ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no chosen take yet.`);
    // Trims and transition effects are stored (format 2) but not yet rendered: refuse rather than export another film.
    const later = [...timeline.scenes.filter((s) => s.take!.in > 0 || s.take!.out < s.take!.seconds).map((s) => `scene ${s.index + 1} has a trim`), ...timeline.boundaries.filter((b) => b.transition !== 'cut').map((b) => `scene ${b.index + 1} has a ${(b.transition as { type: string }).type} into the next`)];
    if (later.length) throw new AppError('NothingToExport', `This version of Storyreel keeps trims and transition effects in the project but cannot export them yet: ${later.join(', ')}. Set them back to a cut and the whole take to export.`);
    const clips = timeline.scenes.map((s) => ({ file: path.join(session.store.dir, s.take!.file), seconds: s.length, label: `Scene ${s.index + 1}'s chosen take` }));
    const total = timeline.total;
    const id = newId('export');
    const slug = project.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'film';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const outAbs = outFile ?? path.join(session.store.dir, 'exports', `${slug}-${stamp}.mp4`);
    const outRel = relativePosix(session.store.dir, outAbs);
    const snapshot: ExportSnapshot = { id, state: 'running', progress: 0, etaSeconds: null, path: null, totalSeconds: total, outputFile: null, error: null, startedAt: new Date().toISOString() };
    const abort = new AbortController();
    const update = (patch: Partial<ExportSnapshot>) => {
      Object.assign(snapshot, patch);
      this.push('export', { ...snapshot });
    };
    let lastPush = 0;
    const done = exportFilm(this.ff, clips, outAbs, project.size, {
      projectDir: session.store.dir,
      signal: abort.signal,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPush < 100 && p.fraction < 1) return;
        lastPush = now;
        update({ progress: Math.max(snapshot.progress, p.fraction), etaSeconds: p.etaSeconds });
      },
    }).then(
      (result) => update({ state: 'done', progress: 1, etaSeconds: 0, path: result.path, outputFile: outRel }),
      (err) => {
        const error = toAppErrorShape(err);
        if (error.code === 'Aborted') update({ state: 'canceled', error: null, etaSeconds: null });
        else {
          this.opts.log(`export ${id} failed: ${error.message} ${error.detail ?? ''}`);
          update({ state: 'failed', error, etaSeconds: null });
        }
      },
    );
    session.exports.set(id, { snapshot, abort, done });
    this.push('export', { ...snapshot });
    return { ...snapshot };
  }

  async waitExport(id: string): Promise<ExportSnapshot> {
    const e = this.current().exports.get(id);
    if (!e) throw new AppError('NotFound', 'That export no longer exists.');
    await e.done;
    return { ...e.snapshot };
  }

  async cancelExport(id: string): Promise<ExportSnapshot> {
    const e = this.current().exports.get(id);
    if (!e) throw new AppError('NotFound', 'That export no longer exists.');
    e.abort.abort();
    await e.done;
    return { ...e.snapshot };
  }

  // ---- the contract -----------------------------------------------------------------------------

  handlers(): Handlers {
    const store = () => this.current().store;
    const view = (project: Project): ProjectView => ({ project, dir: store().dir });
    const validateProjectPatch = (next: Project) => {
      const problems = projectProblems(next, this.keys.customModels());
      if (problems.length) throw problemsError(problems);
    };
    return {
      app: { info: () => this.info() },
      project: {
        get: async () => this.view(),
        update: async (patch) => {
          const current = store().get();
          const next = { ...current, ...patch };
          if (patch.provider && patch.provider !== current.provider && !patch.model) {
            // Switching provider: move to that provider's default model and the nearest allowed size.
            const prof = providerProfile(patch.provider);
            if (prof) next.model = prof.defaultModel;
          }
          const model = modelProfile(next.provider, next.model, this.keys.customModels());
          if (model && !patch.size && !model.sizes.includes(next.size)) next.size = model.sizes[0]!;
          validateProjectPatch(next);
          return view(await store().update({ title: next.title, provider: next.provider, model: next.model, size: next.size, style: next.style }));
        },
        open: async () => {
          const dir = await this.opts.dialogs?.pickFolder('open');
          return dir ? this.openProject(dir) : null;
        },
        create: async ({ title }) => {
          const dir = await this.opts.dialogs?.pickFolder('create');
          return dir ? this.createProject(dir, { title: title ?? path.basename(dir) }) : null;
        },
      },
      scenes: {
        add: async ({ afterId, prompt, seconds }) => view(await store().addScene(afterId, prompt, seconds)),
        update: async ({ id, patch }) => view(await store().updateScene(id, patch)),
        remove: async ({ id }) => {
          const { engine } = this.current();
          for (const job of engine.records()) if (job.sceneId === id && !isTerminal(job.state)) await engine.cancel(job.id);
          return view(await store().removeScene(id));
        },
        move: async ({ id, toIndex }) => view(await store().moveScene(id, toIndex)),
        pickReference: async ({ id }) => {
          store().scene(id);
          const file = await this.opts.dialogs?.pickImage();
          return file ? view(await this.setReference(id, file)) : null;
        },
        clearReference: async ({ id }) => view(await store().setReference(id, null)),
      },
      takes: {
        choose: async ({ sceneId, takeId }) => view(await store().chooseTake(sceneId, takeId)),
        rate: async ({ sceneId, takeId, rating }) => view(await store().rateTake(sceneId, takeId, rating)),
      },
      jobs: {
        generate: async ({ sceneIds, takes }) => ({ jobIds: await this.generate(sceneIds, takes) }),
        list: async () => this.current().engine.list(),
        cancel: async ({ jobId }) => this.current().engine.cancel(jobId),
        resend: async ({ jobId }) => this.resendUnknown(jobId),
        estimate: async ({ sceneIds, takes }) => this.estimate(sceneIds, takes),
      },
      exports: {
        start: async () => this.startExport(),
        cancel: async ({ exportId }) => this.cancelExport(exportId),
        list: async () => [...this.current().exports.values()].map((e) => ({ ...e.snapshot })),
        reveal: async ({ exportId }) => {
          const e = this.current().exports.get(exportId);
          if (!e?.snapshot.outputFile) throw new AppError('NotFound', 'That export has no file yet.');
          const ok = (await this.opts.dialogs?.reveal(path.join(store().dir, e.snapshot.outputFile))) ?? false;
          return { ok };
        },
      },
      settings: {
        update: async (patch) => {
          const saved = await this.keys.vetSettings(patch); // the base URL's form; main's dialog for a new key address or a looser cap
          if (patch.ffmpegPath !== undefined) await this.switchFfmpeg(patch.ffmpegPath);
          this.opts.settings.update(patch);
          await saved();
          return this.info();
        },
      },
      keys: {
        set: ({ provider, key }) => this.keys.setKey(provider, key),
        clear: ({ provider }) => this.keys.clearKey(provider),
        gateway: ({ provider, ...patch }) => this.keys.setGateway(provider, patch),
        confirmAddress: ({ provider }) => this.keys.confirmAddress(provider),
      },
    };
  }

  /** Opens a media URL's file in the open project (regular files under media/ or exports/ only; see serve.ts). */
  mediaFile(urlPath: string): Promise<OpenedFile | null> {
    return openProjectFile(this.session?.store.dir, urlPath);
  }

  async shutdown(): Promise<void> {
    await this.closeProject();
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
