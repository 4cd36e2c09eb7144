// Several scenes picked at once on the strip (Ctrl/Cmd+click toggles, Shift+click takes the range from the
// selected scene). The store's selectedSceneId stays "the one the editor shows"; this adds the others.
import { create } from 'zustand';

interface Picked {
  ids: string[];
}

export const usePicked = create<Picked>()(() => ({ ids: [] }));

/** The scenes an action applies to, in film order: the picked ones, or else the selected one. */
export function targets(order: readonly string[], picked: readonly string[], selected: string | null): string[] {
  const set = new Set(picked);
  if (selected && set.size) set.add(selected);
  if (!set.size) return selected ? [selected] : [];
  return order.filter((id) => set.has(id));
}

/** The picked set after a click on `id` with the given modifiers (the anchor is the selected scene). */
export function pickAfterClick(order: readonly string[], picked: readonly string[], anchor: string | null, id: string, mods: { toggle: boolean; range: boolean }): string[] {
  if (mods.range && anchor) {
    const a = order.indexOf(anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) return order.slice(Math.min(a, b), Math.max(a, b) + 1);
  }
  if (mods.toggle) {
    const base = picked.length ? picked : anchor ? [anchor] : [];
    return base.includes(id) ? base.filter((x) => x !== id) : [...base, id];
  }
  return [];
}
