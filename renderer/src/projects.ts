// Projects as a desktop app has them: new (asking for the title), open, open recent, close, reveal. The
// window's own state for them (the new-project dialog, the recent list shown on the Welcome screen) lives
// in this small store; the project itself is main's and arrives through the main store (store.ts).
import { create } from 'zustand';
import type { RecentProjectView } from '../../shared/contract.ts';
import { createProject } from './actions.ts';
import { getApi } from './api.ts';
import { useStore } from './store.ts';

interface ProjectsUi {
  /** The new-project dialog is open. */
  asking: boolean;
  /** The recent projects as main last listed them; null until read. */
  recent: RecentProjectView[] | null;
}

export const useProjects = create<ProjectsUi>()(() => ({ asking: false, recent: null }));

const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await run();
  } catch (err) {
    useStore.getState().showError(err);
    return undefined;
  }
};

/** Asks for the new film's title (the dialog), then main asks where to save it. */
export const askNewProject = () => useProjects.setState({ asking: true });
export const cancelNewProject = () => useProjects.setState({ asking: false });

export async function createTitledProject(title: string): Promise<boolean> {
  useProjects.setState({ asking: false });
  const view = await createProject(title.trim() || 'Untitled film');
  return !!view;
}

export async function refreshRecent(): Promise<void> {
  const recent = await attempt(() => getApi().project.recent({}));
  if (recent) useProjects.setState({ recent });
}

export async function openRecent(dir: string): Promise<void> {
  const view = await attempt(() => getApi().project.openRecent({ dir }));
  if (view) useStore.getState().applyView(view);
  else await refreshRecent(); // it may have been moved away: the list drops it
}

export async function forgetRecent(dir: string): Promise<void> {
  const recent = await attempt(() => getApi().project.forgetRecent({ dir }));
  if (recent) useProjects.setState({ recent });
}

/** Closes the open project; main tells every window, which then shows the Welcome screen. */
export async function closeProject(): Promise<void> {
  const done = await attempt(() => getApi().project.close({}));
  if (done) useStore.getState().applyView(null);
}

export const revealProject = () => attempt(() => getApi().project.reveal({}));
