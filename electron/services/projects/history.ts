// Undo and redo of the creator's changes, kept in main beside the store (main owns the truth; the window
// only asks). A step is recorded from each change whose origin is 'user', as the fields that change wrote
// (their value before and after), never as a snapshot of the project: undoing a step writes its "before"
// values back to those fields only, so a take that arrived from a provider in between is never undone away,
// and a scene the creator did not touch is never rewritten. Undo and redo go through store.mutate, so main
// validates the result exactly as it validates any edit.
import { EventEmitter } from 'node:events';
import type { ProjectChange } from '../../../shared/change.ts';
import { AppError } from '../../../shared/errors.ts';
import type { Project, Scene, Take } from '../../../shared/project.ts';
import type { ProjectStore } from './store.ts';

type Fields = Record<string, unknown>;

/** A scene's own fields a creator edits (not its takes, id or last error). */
const SKIP_SCENE = new Set(['id', 'takes', 'lastError']);
const SKIP_PROJECT = new Set(['scenes', 'updatedAt', 'id', 'formatVersion', 'createdAt']);

interface SceneEdit {
  id: string;
  before: Fields;
  after: Fields;
  /** Per take id: that take's fields before and after (rating, trim…). */
  takes: Record<string, { before: Fields; after: Fields }>;
}

export interface HistoryStep {
  /** "Delete scene 3", "Edit scene 2", "Move scene 4". */
  label: string;
  project: { before: Fields; after: Fields } | null;
  scenes: SceneEdit[];
  /** Scenes the step added (with where), and removed (whole, with where they were). */
  added: Array<{ scene: Scene; index: number }>;
  removed: Array<{ scene: Scene; index: number }>;
  order: { before: string[]; after: string[] } | null;
  /** Merge key and time, for typing bursts: consecutive edits of the same field of one scene. */
  mergeKey: string | null;
  at: number;
}

export interface HistoryState {
  undo: string | null;
  redo: string | null;
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

function fieldDiff(before: object, after: object, skip: ReadonlySet<string>): { before: Fields; after: Fields } | null {
  const b: Fields = {};
  const a: Fields = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    if (skip.has(k)) continue;
    const vb = (before as Fields)[k];
    const va = (after as Fields)[k];
    if (!same(vb, va)) {
      b[k] = vb;
      a[k] = va;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

function takeDiffs(before: readonly Take[], after: readonly Take[]): SceneEdit['takes'] {
  const out: SceneEdit['takes'] = {};
  const old = new Map(before.map((t) => [t.id, t]));
  for (const t of after) {
    const o = old.get(t.id);
    const d = o && o !== t ? fieldDiff(o, t, new Set(['id'])) : null;
    if (d) out[t.id] = d;
  }
  return out;
}

/** What a change did, field by field, from the project before it to the project after it. */
export function describeStep(before: Project, after: Project, label: string, now: number): HistoryStep | null {
  const project = fieldDiff(before, after, SKIP_PROJECT);
  const oldIndex = new Map(before.scenes.map((s, i) => [s.id, i]));
  const newIndex = new Map(after.scenes.map((s, i) => [s.id, i]));
  const scenes: SceneEdit[] = [];
  for (const s of after.scenes) {
    const i = oldIndex.get(s.id);
    const o = i === undefined ? undefined : before.scenes[i];
    if (!o || o === s) continue;
    const own = fieldDiff(o, s, SKIP_SCENE);
    const takes = takeDiffs(o.takes, s.takes);
    if (own || Object.keys(takes).length) scenes.push({ id: s.id, before: own?.before ?? {}, after: own?.after ?? {}, takes });
  }
  const added = after.scenes.flatMap((scene, index) => (oldIndex.has(scene.id) ? [] : [{ scene, index }]));
  const removed = before.scenes.flatMap((scene, index) => (newIndex.has(scene.id) ? [] : [{ scene, index }]));
  const kept = before.scenes.filter((s) => newIndex.has(s.id)).map((s) => s.id);
  const keptAfter = after.scenes.filter((s) => oldIndex.has(s.id)).map((s) => s.id);
  const moved = !same(kept, keptAfter);
  const order = moved || added.length || removed.length ? { before: before.scenes.map((s) => s.id), after: after.scenes.map((s) => s.id) } : null;
  if (!project && !scenes.length && !order) return null;

  // Which scene the step is about, by its number before the change (what the creator saw).
  const subjects = new Set([...scenes.map((s) => s.id), ...removed.map((r) => r.scene.id)]);
  if (moved && !removed.length && !added.length) {
    for (const id of kept) if (kept.indexOf(id) !== keptAfter.indexOf(id)) subjects.add(id);
  }
  let words = label;
  if (!added.length && subjects.size >= 1) {
    const nums = [...subjects].map((id) => (oldIndex.get(id) ?? 0) + 1).sort((x, y) => x - y);
    // A move names the scene that travelled: the one whose neighbours changed (the first, for a swap).
    const shown = moved && !removed.length ? [(oldIndex.get(movedScene(kept, keptAfter)) ?? 0) + 1 ] : nums;
    const base = label.replace(/ scenes?$/i, '');
    const what = shown.length === 1 ? `scene ${shown[0]}` : `${shown.length} scenes`;
    words = base !== label ? `${base} ${what}` : `${label} (${what})`;
  }
  const single = scenes.length === 1 && !order && !project ? scenes[0]! : null;
  const textOnly = single && !Object.keys(single.takes).length && Object.keys(single.after).every((k) => k === 'prompt' || k === 'caption');
  const mergeKey = textOnly ? `${single.id}:${Object.keys(single.after).sort().join(',')}` : null;
  return { label: words, project, scenes, added, removed, order, mergeKey, at: now };
}

/** The scene that moved: the one whose index changed the most. */
function movedScene(before: string[], after: string[]): string {
  let best = before[0] ?? '';
  let dist = -1;
  for (const id of before) {
    const d = Math.abs(before.indexOf(id) - after.indexOf(id));
    if (d > dist) {
      best = id;
      dist = d;
    }
  }
  return best;
}

/** Puts `ids` in the order `wanted`, keeping any scene `wanted` does not know after its current neighbour. */
function reorder(current: Scene[], wanted: readonly string[]): Scene[] {
  const byId = new Map(current.map((s) => [s.id, s]));
  const out = wanted.filter((id) => byId.has(id));
  current.forEach((s, i) => {
    if (out.includes(s.id)) return;
    const prev = current[i - 1];
    const at = prev ? out.indexOf(prev.id) + 1 : 0;
    out.splice(at, 0, s.id);
  });
  return out.map((id) => byId.get(id)!);
}

/** How long a pause may be inside one typing burst (the window sends text after 400 ms of quiet). */
export const BURST_MS = 1500;
const MAX_STEPS = 200;

export class ProjectHistory extends EventEmitter<{ state: [HistoryState] }> {
  private undoStack: HistoryStep[] = [];
  private redoStack: HistoryStep[] = [];
  private last: Project;
  private applying = false;

  constructor(
    private readonly store: ProjectStore,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.last = store.get();
    store.on('change', (change) => this.observe(change));
  }

  state(): HistoryState {
    const u = this.undoStack.at(-1);
    const r = this.redoStack.at(-1);
    return { undo: u ? `Undo ${lower(u.label)}` : null, redo: r ? `Redo ${lower(r.label)}` : null };
  }

  private observe(change: ProjectChange): void {
    const before = this.last;
    this.last = this.store.get();
    if (this.applying || change.origin !== 'user') return;
    const step = describeStep(before, this.last, change.label, this.now());
    if (!step) return;
    const top = this.undoStack.at(-1);
    if (top && step.mergeKey && top.mergeKey === step.mergeKey && step.at - top.at <= BURST_MS && !this.redoStack.length) {
      // The same field of the same scene, still being typed: one step from the first keystroke to the last.
      const edit = top.scenes[0]!;
      edit.after = step.scenes[0]!.after;
      top.at = step.at;
    } else {
      this.undoStack.push(step);
      if (this.undoStack.length > MAX_STEPS) this.undoStack.shift();
    }
    this.redoStack = [];
    this.emit('state', this.state());
  }

  async undo(): Promise<ProjectChange | null> {
    return this.replay(this.undoStack, this.redoStack, 'before', 'Undo');
  }

  async redo(): Promise<ProjectChange | null> {
    return this.replay(this.redoStack, this.undoStack, 'after', 'Redo');
  }

  private async replay(from: HistoryStep[], to: HistoryStep[], side: 'before' | 'after', verb: string): Promise<ProjectChange | null> {
    const step = from.at(-1);
    if (!step) return null;
    const touched = [...step.scenes.map((s) => s.id)];
    this.applying = true;
    let change: ProjectChange;
    try {
      change = await this.store.mutate({ origin: 'user', label: `${verb} ${lower(step.label)}` }, touched, (draft) => apply(draft, step, side));
    } finally {
      this.applying = false;
    }
    from.pop();
    step.mergeKey = null; // a step that went back and forth is not typed onto any more
    to.push(step);
    this.emit('state', this.state());
    return change;
  }
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Writes one side of a step into a draft: the fields it recorded, the scenes it added or removed, the order. */
function apply(draft: Project, step: HistoryStep, side: 'before' | 'after'): void {
  if (step.project) Object.assign(draft, step.project[side]);
  for (const edit of step.scenes) {
    const scene = draft.scenes.find((s) => s.id === edit.id);
    if (!scene) continue; // deleted since: nothing of it to put back
    Object.assign(scene, edit[side]);
    for (const [takeId, d] of Object.entries(edit.takes)) {
      const take = scene.takes.find((t) => t.id === takeId);
      if (!take) continue;
      for (const [k, v] of Object.entries(d[side])) {
        if (v === undefined) delete (take as Fields)[k];
        else (take as Fields)[k] = v;
      }
    }
    for (const [k, v] of Object.entries(edit[side])) if (v === undefined) delete (scene as Fields)[k];
    // A chosen take that no longer exists is no choice.
    if (scene.chosenTake && !scene.takes.some((t) => t.id === scene.chosenTake)) scene.chosenTake = null;
  }
  const toAdd = side === 'before' ? step.removed : step.added;
  const toDrop = side === 'before' ? step.added : step.removed;
  for (const { scene } of toDrop) {
    const now = draft.scenes.find((s) => s.id === scene.id);
    if (!now) continue;
    if (now.takes.some((t) => !scene.takes.some((k) => k.id === t.id))) {
      throw new AppError('InvalidInput', 'A take arrived for that scene since; it was kept. Delete the scene yourself if you no longer want it.');
    }
    draft.scenes = draft.scenes.filter((s) => s.id !== scene.id);
  }
  for (const { scene, index } of toAdd) {
    if (draft.scenes.some((s) => s.id === scene.id)) continue;
    draft.scenes.splice(Math.min(index, draft.scenes.length), 0, scene);
  }
  if (step.order) draft.scenes = reorder(draft.scenes, step.order[side]);
}
