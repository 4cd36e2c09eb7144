// The renderer's store. The "mirror" half holds main's snapshots exactly as main sent them (project view,
// jobs, exports, app info) and never invents job or export state; the "ui" half holds what only this
// window cares about (selection, toasts). Select narrowly; use useShallow for object selections.
// The mirror is scoped by project: job and export snapshots carry their project's id, those for a project
// this window is not showing are dropped, and the mirror is emptied and read again when the project changes.
import { create } from 'zustand';
import type { DeriveKind } from '../../shared/derive.ts';
import { applyPatches } from '../../shared/change.ts';
import { applyCatalog } from '../../shared/catalog/refreshed.ts';
import type { AppInfo, ProjectChange, ProjectExport, ProjectJob, ProjectView, StoryreelApi, EstimateView } from '../../shared/contract.ts';
import { isTerminal } from '../../shared/jobs.ts';
import { describeError } from './lib/errors.ts';
import { recalledSelection, rememberSelection } from './lib/selection-memory.ts';
import type { ShownError } from './lib/errors.ts';

export interface Toast extends ShownError {
  id: number;
  /** How many times the same error arrived in a row. */
  count: number;
}

export interface PendingSpend {
  sceneIds: string[];
  takes: number | undefined;
  estimate: EstimateView;
  /** A re-roll, remix or extension of one take (sent with takes.derive instead of jobs.generate). */
  derive?: { takeId: string; kind: DeriveKind; takeNumber: number };
}

export interface StoreState {
  /** True once the first snapshots have arrived. */
  ready: boolean;
  view: ProjectView | null;
  info: AppInfo | null;
  /** The open project's jobs and exports only. */
  jobs: Record<string, ProjectJob>;
  exports: Record<string, ProjectExport>;

  selectedSceneId: string | null;
  /** The scene whose deletion waits for confirmation. */
  pendingDelete: string | null;
  /** Paid work that waits for the creator to confirm its cost. */
  pendingSpend: PendingSpend | null;
  toasts: Toast[];

  applyView(view: ProjectView | null): void;
  /** Applies what an edit changed on top of the version held; false when a change in between is missing. */
  applyChange(change: ProjectChange): boolean;
  applyJob(job: ProjectJob): void;
  applyExport(snapshot: ProjectExport): void;
  applyInfo(info: AppInfo): void;
  select(sceneId: string | null): void;
  askDelete(sceneId: string | null): void;
  askSpend(pending: PendingSpend | null): void;
  showError(err: unknown): void;
  dismissToast(id: number): void;
}

/** The selected scene if it is still there, else the one selected last time (before a reload), else the first. */
function keepSelection(selected: string | null, view: ProjectView): string | null {
  const scenes = view.project.scenes;
  if (selected !== null && scenes.some((sc) => sc.id === selected)) return selected;
  const recalled = recalledSelection(view.project.id);
  return recalled !== null && scenes.some((sc) => sc.id === recalled) ? recalled : (scenes[0]?.id ?? null);
}

let toastSeq = 0;
const MAX_TOASTS = 4;
/** How far along an export's states are; an event never moves one back. */
const EXPORT_STAGE: Record<ProjectExport['state'], number> = { queued: 0, running: 1, done: 2, failed: 2, canceled: 2 };

export const useStore = create<StoreState>()((set) => ({
  ready: false,
  view: null,
  info: null,
  jobs: {},
  exports: {},
  selectedSceneId: null,
  pendingDelete: null,
  pendingSpend: null,
  toasts: [],

  applyView: (view) =>
    set((s) => {
      // Another project (or none): nothing mirrored from the last one stays (connectStore reads the new one's).
      const other = { jobs: {}, exports: {}, pendingSpend: null, pendingDelete: null };
      if (!view) return { view: null, selectedSceneId: null, ...(s.view ? other : {}) };
      const cur = s.view;
      const same = cur !== null && cur.project.id === view.project.id;
      // Replies and events can cross: never go back to an older snapshot of the same project.
      if (same && view.version < cur.version) return {};
      // "No project is open" said before this one opened no longer holds.
      const toasts = s.toasts.some((t) => t.code === 'NoProject') ? { toasts: s.toasts.filter((t) => t.code !== 'NoProject') } : {};
      return { view, selectedSceneId: keepSelection(s.selectedSceneId, view), ...(same ? {} : other), ...toasts };
    }),

  applyChange: (change) => {
    let applied = true;
    set((s) => {
      const cur = s.view;
      // Another project's change, or one already applied (the reply and the event carry the same change).
      if (!cur || cur.project.id !== change.projectId || change.version <= cur.version) return {};
      if (change.from !== cur.version) {
        applied = false; // a change in between is missing: the caller reads the whole project again
        return {};
      }
      const view = { ...cur, project: applyPatches(cur.project, change.patches), version: change.version };
      return { view, selectedSceneId: keepSelection(s.selectedSceneId, view) };
    });
    return applied;
  },

  applyJob: (job) =>
    set((s) => {
      if (job.projectId !== s.view?.project.id) return {}; // another project's (e.g. a late event from the one just closed)
      const cur = s.jobs[job.id];
      if (cur && (job.updatedAt < cur.updatedAt || (isTerminal(cur.state) && !isTerminal(job.state)))) return {};
      return { jobs: { ...s.jobs, [job.id]: job } };
    }),

  applyExport: (snapshot) =>
    set((s) => {
      if (snapshot.projectId !== s.view?.project.id) return {};
      const cur = s.exports[snapshot.id];
      // An export only moves forward (queued → running → done/failed/canceled); a late event is dropped.
      if (cur && EXPORT_STAGE[snapshot.state] < EXPORT_STAGE[cur.state]) return {};
      return { exports: { ...s.exports, [snapshot.id]: snapshot } };
    }),

  applyInfo: (info) => {
    // Model lists main read live (OpenRouter's): the pickers, lengths and checks here follow them too.
    for (const c of info.catalogs ?? []) applyCatalog(c);
    set({ info });
  },

  select: (sceneId) =>
    set((s) => {
      if (s.view) rememberSelection(s.view.project.id, sceneId);
      return { selectedSceneId: sceneId };
    }),
  askDelete: (sceneId) => set({ pendingDelete: sceneId }),
  askSpend: (pending) => set({ pendingSpend: pending }),

  showError: (err) => {
    const shown = describeError(err);
    if (!shown) return; // aborts are silent
    set((s) => {
      const last = s.toasts.at(-1);
      if (last && last.code === shown.code && last.message === shown.message) {
        return { toasts: [...s.toasts.slice(0, -1), { ...last, count: last.count + 1 }] };
      }
      return { toasts: [...s.toasts, { ...shown, id: ++toastSeq, count: 1 }].slice(-MAX_TOASTS) };
    });
  },

  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/** Reads the whole project again (after a gap in the changes). */
export async function resyncProject(api: StoryreelApi): Promise<void> {
  try {
    useStore.getState().applyView(await api.project.get({}));
  } catch (err) {
    useStore.getState().showError(err);
  }
}

/** Reads the open project's jobs and exports into the mirror (snapshots of another project are dropped there). */
async function readJobsAndExports(api: StoryreelApi): Promise<void> {
  const st = useStore.getState();
  const results = await Promise.allSettled([api.jobs.list({}).then((jobs) => jobs.forEach(st.applyJob)), api.exports.list({}).then((list) => list.forEach(st.applyExport))]);
  for (const r of results) if (r.status === 'rejected') st.showError(r.reason);
}

/**
 * Subscribes to main's pushed snapshots, then reads the current ones. Whenever the project shown changes
 * (at start, or after opening another), its jobs and exports are read again: events that arrived for it
 * before its view did were dropped. Returns the unsubscribe.
 */
export async function connectStore(api: StoryreelApi): Promise<() => void> {
  const st = useStore.getState();
  const offs = [
    api.on('project', (v) => st.applyView(v)),
    api.on('change', (c) => {
      if (!st.applyChange(c)) void resyncProject(api);
    }),
    api.on('job', (j) => st.applyJob(j)),
    api.on('export', (e) => st.applyExport(e)),
  ];
  let reading: Promise<void> = Promise.resolve();
  offs.push(
    useStore.subscribe((s, prev) => {
      if (s.view && s.view.project.id !== prev.view?.project.id) reading = readJobsAndExports(api);
    }),
  );
  const results = await Promise.allSettled([api.app.info({}).then(st.applyInfo), api.project.get({}).then(st.applyView)]);
  for (const r of results) if (r.status === 'rejected') st.showError(r.reason);
  await reading;
  useStore.setState({ ready: true });
  return () => offs.forEach((off) => off());
}
