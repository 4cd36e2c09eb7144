// The renderer's store. The "mirror" half holds main's snapshots exactly as main sent them (project view,
// jobs, exports, app info) and never invents job or export state; the "ui" half holds what only this
// window cares about (selection, toasts). Select narrowly; use useShallow for object selections.
import { create } from 'zustand';
import type { AppInfo, ProjectView, StoryreelApi, EstimateView } from '../../shared/contract.ts';
import type { ExportSnapshot, JobSnapshot } from '../../shared/jobs.ts';
import { isTerminal } from '../../shared/jobs.ts';
import { describeError } from './lib/errors.ts';
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
}

export interface StoreState {
  /** True once the first snapshots have arrived. */
  ready: boolean;
  view: ProjectView | null;
  info: AppInfo | null;
  jobs: Record<string, JobSnapshot>;
  exports: Record<string, ExportSnapshot>;

  selectedSceneId: string | null;
  /** The scene whose deletion waits for confirmation. */
  pendingDelete: string | null;
  /** Paid work that waits for the creator to confirm its cost. */
  pendingSpend: PendingSpend | null;
  toasts: Toast[];

  applyView(view: ProjectView | null): void;
  applyJob(job: JobSnapshot): void;
  applyExport(snapshot: ExportSnapshot): void;
  applyInfo(info: AppInfo): void;
  select(sceneId: string | null): void;
  askDelete(sceneId: string | null): void;
  askSpend(pending: PendingSpend | null): void;
  showError(err: unknown): void;
  dismissToast(id: number): void;
}

let toastSeq = 0;
const MAX_TOASTS = 4;

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
      if (!view) return { view: null, selectedSceneId: null };
      const cur = s.view;
      // Replies and events can cross: never go back to an older snapshot of the same project.
      if (cur && cur.project.id === view.project.id && view.project.updatedAt < cur.project.updatedAt) return {};
      const scenes = view.project.scenes;
      const keep = s.selectedSceneId !== null && scenes.some((sc) => sc.id === s.selectedSceneId);
      return { view, selectedSceneId: keep ? s.selectedSceneId : (scenes[0]?.id ?? null) };
    }),

  applyJob: (job) =>
    set((s) => {
      const cur = s.jobs[job.id];
      if (cur && (job.updatedAt < cur.updatedAt || (isTerminal(cur.state) && !isTerminal(job.state)))) return {};
      return { jobs: { ...s.jobs, [job.id]: job } };
    }),

  applyExport: (snapshot) =>
    set((s) => {
      const cur = s.exports[snapshot.id];
      if (cur && cur.state !== 'running' && snapshot.state === 'running') return {};
      return { exports: { ...s.exports, [snapshot.id]: snapshot } };
    }),

  applyInfo: (info) => set({ info }),

  select: (sceneId) => set({ selectedSceneId: sceneId }),
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

/** Subscribes to main's pushed snapshots, then reads the current ones. Returns the unsubscribe. */
export async function connectStore(api: StoryreelApi): Promise<() => void> {
  const st = useStore.getState();
  const offs = [
    api.on('project', (v) => st.applyView(v)),
    api.on('job', (j) => st.applyJob(j)),
    api.on('export', (e) => st.applyExport(e)),
  ];
  const results = await Promise.allSettled([
    api.app.info({}).then(st.applyInfo),
    api.project.get({}).then(st.applyView),
    api.jobs.list({}).then((jobs) => jobs.forEach(st.applyJob)),
    api.exports.list({}).then((list) => list.forEach(st.applyExport)),
  ]);
  for (const r of results) if (r.status === 'rejected') st.showError(r.reason);
  useStore.setState({ ready: true });
  return () => offs.forEach((off) => off());
}
