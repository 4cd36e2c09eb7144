// An open project (ProjectStore) owns project.json: it validates every change, refuses corrupt or newer
// files without touching them, and saves atomically after every change, one write at a time. The folder
// layout, new projects and reading project.json are in files.ts; a scene edit's shape in scene-patch.ts.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { diffProject, type ChangeMeta, type ProjectChange } from '../../../shared/change.ts';
import { AppError, isDiskFull } from '../../../shared/errors.ts';
import { listProblems, projectProblems, type LoadedProject } from '../../../shared/project-file.ts';
import { MAX_PROMPT_CHARS, PROJECT_FILE, PROJECT_FORMAT_VERSION, projectRuleProblems, ProjectSchema, type Project, type Scene, type Take } from '../../../shared/project.ts';
import { exists, writeFileAtomic, writeJsonAtomic } from '../fsutil.ts';
import { bestTakesCut, mergeScores, starsFor } from '../../../shared/rating.ts';
import type { ScoreCriterion } from '../../../shared/project.ts';
import { EXPORTS_DIR, loadProject, MEDIA_DIR, newScene, STATE_DIR } from './files.ts';
import { patchedTarget, type ScenePatch } from './scene-patch.ts';

export { blankProject, createProject, EXPORTS_DIR, loadProject, MEDIA_DIR, newScene, readProject, STATE_DIR, type NewProjectOptions } from './files.ts';
export { patchedTarget, type ScenePatch } from './scene-patch.ts';

/** Changes made by the creator in the window (or the CLI acting for them). */
const user = (label: string): ChangeMeta => ({ origin: 'user', label });
const system = (label: string): ChangeMeta => ({ origin: 'system', label });

/** Versions count up across every project opened in this process, so a reopened project's are never older. */
let clock = 0;

function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  }
  return value;
}

/**
 * An open project: the in-memory copy is the truth; every change is saved, in order, atomically.
 * Snapshots are immutable (frozen) and share every scene a change did not touch, so a change is told to
 * listeners as patches (what changed), never as the whole project.
 */
export class ProjectStore extends EventEmitter<{ change: [ProjectChange] }> {
  private project: Project;
  private current: number;
  private writing: Promise<void> = Promise.resolve();
  private pendingWrite = false;
  private lastError: unknown = null;

  /** What loading found, until saveLoadRepairs() has dealt with it. */
  private loaded: (LoadedProject & { bytes: Uint8Array }) | null;
  readonly loadNotes: readonly string[];

  private constructor(
    readonly dir: string,
    loaded: LoadedProject & { bytes: Uint8Array },
  ) {
    super();
    this.project = freeze(loaded.project);
    this.current = ++clock;
    this.loaded = loaded;
    this.loadNotes = loaded.notes;
  }

  static async open(dir: string): Promise<ProjectStore> {
    const abs = path.resolve(dir);
    const loaded = await loadProject(abs);
    await Promise.all([MEDIA_DIR, EXPORTS_DIR, STATE_DIR].map((d) => fs.mkdir(path.join(abs, d), { recursive: true })));
    return new ProjectStore(abs, loaded);
  }

  /**
   * Writes what loading changed, once, before anything else happens to the project: scene ids that
   * jobs will refer to, a repaired chosen take, the current format. Call it after the lock is ours.
   * A file from an older format is kept beside the ledger first (.storyreel/project.v1.json).
   */
  async saveLoadRepairs(log?: (line: string) => void): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (!loaded) return;
    for (const note of loaded.notes) log?.(`project ${this.dir}: ${note}`);
    if (!loaded.needsSave) return;
    if (loaded.fromVersion < PROJECT_FORMAT_VERSION) {
      const backup = this.stateDir(`project.v${loaded.fromVersion}.json`);
      if (!(await exists(backup))) await writeFileAtomic(backup, loaded.bytes);
    }
    await this.save();
    await this.flush();
  }

  get(): Project {
    return this.project;
  }

  /** The version of the snapshot get() returns. */
  get version(): number {
    return this.current;
  }

  stateDir(...parts: string[]): string {
    return path.join(this.dir, STATE_DIR, ...parts);
  }

  /**
   * Applies a change, validates the result (schema and cross-field rules), saves it and tells listeners
   * what changed. `touched` names the scenes `fn` may write to (they are copied first); every other scene
   * is shared with the last snapshot, and is frozen, so writing to it throws.
   */
  async mutate(meta: ChangeMeta, touched: readonly string[], fn: (draft: Project) => void): Promise<ProjectChange> {
    const before = this.project;
    const ids = new Set(touched);
    const draft: Project = { ...before, scenes: before.scenes.map((s) => (ids.has(s.id) ? structuredClone(s) : s)) };
    fn(draft);
    draft.updatedAt = new Date().toISOString();
    const next = this.validated(before, draft);
    const patches = diffProject(before, next);
    const change: ProjectChange = { projectId: next.id, from: this.current, version: ++clock, origin: meta.origin, label: meta.label, patches };
    this.project = freeze(next);
    this.current = change.version;
    this.emit('change', change);
    try {
      await this.save();
    } catch (err) {
      await this.showWhatIsOnDisk(meta.label);
      if (isDiskFull(err)) throw new AppError('DiskFull', `The disk is full, so "${meta.label}" was not saved. The project is as it was last saved.`, { detail: (err as Error).message, cause: err });
      throw err;
    }
    return change;
  }

  /**
   * After a failed save: the in-memory project goes back to what project.json holds, and listeners are told,
   * so the window never shows an edit that closing would silently drop. (If the file cannot be read either,
   * the memory keeps the edit and the next save tries again.)
   */
  private async showWhatIsOnDisk(label: string): Promise<void> {
    let onDisk: Project;
    try {
      onDisk = (await loadProject(this.dir)).project;
    } catch {
      return;
    }
    const before = this.project;
    const patches = diffProject(before, onDisk);
    if (!patches.length) return;
    const change: ProjectChange = { projectId: onDisk.id, from: this.current, version: ++clock, origin: 'system', label: `Not saved: ${label}`, patches };
    this.project = freeze(onDisk);
    this.current = change.version;
    this.emit('change', change);
  }

  /**
   * The draft, checked as loading checks a file (schema and cross-field rules), as a validated copy in which
   * every scene the change did not touch stays the very object it was. Those scenes were valid in the last
   * snapshot and the schema checks each scene on its own, so only the project's own fields and the changed
   * scenes go through the schema; the cross-field rules see the whole draft. Any problem: the full check
   * says what, in words.
   */
  private validated(before: Project, draft: Project): Project {
    const old = new Set(before.scenes);
    const changed = draft.scenes.filter((s) => !old.has(s));
    const quick = ProjectSchema.safeParse({ ...draft, scenes: changed });
    if (quick.success && !projectRuleProblems(draft).length) {
      const parsed = new Map(changed.map((s, i) => [s, quick.data.scenes[i]!]));
      return { ...quick.data, scenes: draft.scenes.map((s) => parsed.get(s) ?? s) };
    }
    const checked = projectProblems(draft);
    if (!checked.project) throw new AppError('InvalidInput', `That change would make the project invalid. ${listProblems(checked.problems)}`.trim());
    return checked.project;
  }

  /** Saves the latest state; concurrent calls coalesce into one more write after the current one. */
  save(): Promise<void> {
    if (this.pendingWrite) return this.writing;
    this.pendingWrite = true;
    // After a failed write (a full disk) the chain must go on: `.then` on a rejected promise would skip every
    // later save for as long as the project stays open.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      this.pendingWrite = false;
      try {
        await writeJsonAtomic(path.join(this.dir, PROJECT_FILE), this.project);
        this.lastError = null;
      } catch (err) {
        this.lastError = err;
        throw err;
      }
    });
    return this.writing;
  }

  async flush(): Promise<void> {
    await this.writing.catch(() => undefined);
    if (this.lastError) throw this.lastError;
  }

  scene(id: string): Scene {
    const scene = this.project.scenes.find((s) => s.id === id);
    if (!scene) throw new AppError('NotFound', 'That scene no longer exists.');
    return scene;
  }

  async update(patch: Partial<Pick<Project, 'title' | 'provider' | 'model' | 'size' | 'style'>>, meta = user('Edit project settings')): Promise<ProjectChange> {
    return this.mutate(meta, [], (p) => Object.assign(p, patch));
  }

  async addScene(afterId: string | null | undefined, prompt = '', seconds?: number, meta = user('Add scene')): Promise<ProjectChange> {
    return this.mutate(meta, [], (p) => {
      const at = afterId ? p.scenes.findIndex((s) => s.id === afterId) + 1 : p.scenes.length;
      if (afterId && at === 0) throw new AppError('NotFound', 'The scene to insert after no longer exists.');
      const previous = p.scenes[at - 1];
      p.scenes.splice(at, 0, newScene(prompt.slice(0, MAX_PROMPT_CHARS), seconds ?? previous?.seconds ?? 4));
    });
  }

  async updateScene(id: string, patch: ScenePatch, meta = user('Edit scene')): Promise<ProjectChange> {
    this.scene(id);
    return this.mutate(meta, [id], (p) => {
      const scene = p.scenes.find((s) => s.id === id)!;
      const { provider, model, ...rest } = patch;
      Object.assign(scene, rest);
      if (provider === undefined && model === undefined) return;
      const target = patchedTarget(scene, { provider, model });
      delete scene.provider;
      delete scene.model;
      Object.assign(scene, target);
    });
  }

  /** Sets (or clears) a scene's reference image, a path relative to the project folder. */
  async setReference(id: string, rel: string | null, meta = user(rel ? 'Set reference image' : 'Remove reference image')): Promise<ProjectChange> {
    this.scene(id);
    return this.mutate(meta, [id], (p) => {
      p.scenes.find((s) => s.id === id)!.referenceImage = rel;
    });
  }

  /** The image this scene shares with the next one: its last frame and the next scene's first (null removes it). */
  async setBoundaryKeyframe(id: string, rel: string | null, meta = user(rel ? 'Set shared keyframe' : 'Remove shared keyframe')): Promise<ProjectChange> {
    this.scene(id);
    return this.mutate(meta, [id], (p) => {
      p.scenes.find((s) => s.id === id)!.boundaryKeyframe = rel;
    });
  }

  async removeScene(id: string, meta = user('Delete scene')): Promise<ProjectChange> {
    this.scene(id);
    return this.mutate(meta, [], (p) => {
      p.scenes = p.scenes.filter((s) => s.id !== id);
    });
  }

  async moveScene(id: string, toIndex: number, meta = user('Move scene')): Promise<ProjectChange> {
    this.scene(id);
    return this.mutate(meta, [], (p) => {
      const from = p.scenes.findIndex((s) => s.id === id);
      const [scene] = p.scenes.splice(from, 1);
      p.scenes.splice(Math.min(Math.max(0, toIndex), p.scenes.length), 0, scene!);
    });
  }

  async chooseTake(sceneId: string, takeId: string | null, meta = user('Choose take')): Promise<ProjectChange> {
    const scene = this.scene(sceneId);
    if (takeId && !scene.takes.some((t) => t.id === takeId)) throw new AppError('NotFound', 'That take no longer exists.');
    return this.mutate(meta, [sceneId], (p) => {
      const s = p.scenes.find((x) => x.id === sceneId)!;
      s.chosenTake = takeId;
      // Picked by hand: an arriving take never replaces it (addTake).
      if (takeId) s.chosenBy = 'creator';
      else delete s.chosenBy;
    });
  }

  /** Scores a take on the four criteria (shared/rating.ts); stars follow, for readers that know only stars. */
  async scoreTake(sceneId: string, takeId: string, patch: Partial<Record<ScoreCriterion, number | null>>, meta = user('Score take')): Promise<ProjectChange> {
    const scene = this.scene(sceneId);
    const take = scene.takes.find((t) => t.id === takeId);
    if (!take) throw new AppError('NotFound', 'That take no longer exists.');
    const scores = mergeScores(take, patch);
    return this.mutate(meta, [sceneId], (p) => {
      const t = p.scenes.find((s) => s.id === sceneId)!.takes.find((x) => x.id === takeId)!;
      t.scores = scores;
      t.rating = starsFor(scores);
    });
  }

  /** The "best takes" rough cut: the highest-scored take of every scene goes into the film, as one change. */
  async chooseBestTakes(meta = user('Choose the best takes')): Promise<ProjectChange> {
    const cut = bestTakesCut(this.project);
    return this.mutate(meta, cut.map((c) => c.sceneId), (p) => {
      for (const c of cut) {
        const s = p.scenes.find((x) => x.id === c.sceneId)!;
        s.chosenTake = c.takeId;
        s.chosenBy = 'creator';
      }
    });
  }

  async rateTake(sceneId: string, takeId: string, rating: number, meta = user('Rate take')): Promise<ProjectChange> {
    const scene = this.scene(sceneId);
    if (!scene.takes.some((t) => t.id === takeId)) throw new AppError('NotFound', 'That take no longer exists.');
    return this.mutate(meta, [sceneId], (p) => {
      const t = p.scenes.find((s) => s.id === sceneId)!.takes.find((x) => x.id === takeId)!;
      t.rating = rating;
      delete t.scores; // stars are now the whole judgment (shared/rating.ts reads them as scores)
    });
  }

  /**
   * Adds a downloaded take. Idempotent per job (a resumed download must not add it twice).
   * A scene with no chosen take (or one that points at no take) gets this one, and so does a scene whose take
   * was put in the film automatically by another provider/model (regenerating the board on a new provider).
   * Returns false when the scene is gone.
   */
  async addTake(sceneId: string, take: Take): Promise<boolean> {
    const scene = this.project.scenes.find((s) => s.id === sceneId);
    if (!scene) return false;
    if (scene.takes.some((t) => t.jobId === take.jobId)) return true;
    await this.mutate(system('A take arrived'), [sceneId], (p) => {
      const s = p.scenes.find((x) => x.id === sceneId)!;
      s.takes.push(take);
      if (takeReplacesChosen(s, take)) {
        s.chosenTake = take.id;
        s.chosenBy = 'auto';
      }
      s.lastError = null;
    });
    return true;
  }

  async recordSceneError(sceneId: string, error: { code: string; message: string } | null): Promise<void> {
    if (!this.project.scenes.some((s) => s.id === sceneId)) return;
    await this.mutate(system('A generation failed'), [sceneId], (p) => {
      p.scenes.find((s) => s.id === sceneId)!.lastError = error ? { ...error, at: new Date().toISOString() } : null;
    });
  }

  /** Clears the last error of the given scenes in one save; no write at all when none has one. */
  async clearSceneErrors(sceneIds: readonly string[], meta: ChangeMeta = { origin: 'step', label: 'Generate' }): Promise<void> {
    const ids = new Set(sceneIds);
    const touched = this.project.scenes.filter((s) => ids.has(s.id) && s.lastError).map((s) => s.id);
    if (!touched.length) return;
    await this.mutate(meta, touched, (p) => {
      for (const s of p.scenes) if (ids.has(s.id) && s.lastError) s.lastError = null;
    });
  }
}

/** Whether an arriving take goes into the film in place of the scene's chosen one (see addTake). */
function takeReplacesChosen(scene: Scene, take: Take): boolean {
  const chosen = scene.takes.find((t) => t.id === scene.chosenTake);
  if (!chosen) return true;
  if (scene.chosenBy === 'creator') return false;
  return chosen.provider !== take.provider || chosen.model !== take.model;
}
