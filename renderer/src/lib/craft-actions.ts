// The storyboard's own edits beyond one field (duplicate, split, delete and move several): one call each,
// so each is one change and one undo step in main. Failures become toasts, as in actions.ts.
import type { CallOutput, ProjectChange } from '../../../shared/contract.ts';
import { getApi } from '../api.ts';
import { resyncProject, useStore } from '../store.ts';
import { usePicked } from './selection.ts';
import { tracked } from './undo.ts';

async function edit(run: () => Promise<ProjectChange>): Promise<ProjectChange | undefined> {
  const st = useStore.getState();
  try {
    const change = await tracked(run());
    if (!st.applyChange(change)) await resyncProject(getApi());
    return change;
  } catch (err) {
    st.showError(err);
    return undefined;
  }
}

export const duplicateScenes = (ids: string[]) => edit(() => getApi().scenes.duplicate({ ids }));
export const splitScene = (id: string, at: number) => edit(() => getApi().scenes.split({ id, at }));
export const moveMany = (ids: string[], toIndex: number) => edit(() => getApi().scenes.moveMany({ ids, toIndex }));

/** "Snap to nearest" in one change; what it changed, or undefined when the call failed (a toast says why). */
export async function snapLengths(): Promise<CallOutput<'scenes', 'snapLengths'> | undefined> {
  const st = useStore.getState();
  try {
    const result = await tracked(getApi().scenes.snapLengths({}));
    if (result.change && !st.applyChange(result.change)) await resyncProject(getApi());
    return result;
  } catch (err) {
    st.showError(err);
    return undefined;
  }
}

export async function removeMany(ids: string[]): Promise<void> {
  const order = useStore.getState().view?.project.scenes.map((s) => s.id) ?? [];
  const gone = new Set(ids);
  const last = Math.max(...ids.map((id) => order.indexOf(id)));
  const neighbour = order.slice(last + 1).find((id) => !gone.has(id)) ?? [...order].reverse().find((id) => !gone.has(id)) ?? null;
  if (await edit(() => getApi().scenes.removeMany({ ids }))) {
    usePicked.setState({ ids: [] });
    useStore.getState().select(neighbour);
  }
}
