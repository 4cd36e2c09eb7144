// Undo/redo and the autosave state, as the window sees them. The history itself lives in main
// (electron/services/projects/history.ts): main owns the project and already sees every change with its
// origin, so it can record the creator's steps field by field and leave provider-arrived takes alone, and it
// validates an undo like any other edit. The window mirrors the two labels and sends the two commands.
//
// Keys: Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (and Ctrl+Y) act on the storyboard unless a text field has the
// focus, where they stay the field's own text undo. Chromium keeps one undo stack per page, so without this a
// Ctrl+Z pressed on the strip would undo the last typing in a field that is no longer focused (and that field
// would save the result): the keydown is taken here, and any history edit aimed at an unfocused field is refused.
import { create } from 'zustand';
import type { HistoryState, ProjectChange, StoryreelApi } from '../../../shared/contract.ts';
import { getApi } from '../api.ts';
import { resyncProject, useStore } from '../store.ts';
import { onMenuCommand } from '../menu-commands.ts';

export type SaveState = { kind: 'saved' } | { kind: 'saving' } | { kind: 'failed'; reason: string };

interface UndoState extends HistoryState {
  save: SaveState;
  /** Edits sent and not answered yet. */
  inFlight: number;
}

export const useUndo = create<UndoState>()(() => ({ undo: null, redo: null, save: { kind: 'saved' }, inFlight: 0 }));

/** Wraps a call that edits the project, so the autosave indicator says Saving… until main has written it. */
export async function tracked<T>(p: Promise<T>): Promise<T> {
  useUndo.setState((s) => ({ inFlight: s.inFlight + 1, save: { kind: 'saving' } }));
  try {
    const value = await p;
    useUndo.setState((s) => ({ inFlight: s.inFlight - 1, save: s.inFlight - 1 > 0 ? s.save : s.save.kind === 'failed' ? s.save : { kind: 'saved' } }));
    return value;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    useUndo.setState((s) => ({ inFlight: s.inFlight - 1, save: { kind: 'failed', reason } }));
    throw err;
  }
}

/** A draft typed but not sent yet also counts as not saved (hooks.ts useDraft reports it). */
let unsentDrafts = 0;
export function noteUnsent(delta: number): void {
  unsentDrafts = Math.max(0, unsentDrafts + delta);
  if (unsentDrafts > 0) useUndo.setState((s) => (s.save.kind === 'failed' ? {} : { save: { kind: 'saving' } }));
  else useUndo.setState((s) => (s.inFlight === 0 && s.save.kind === 'saving' ? { save: { kind: 'saved' } } : {}));
}

/** Resolves once every edit sent has been answered, so an undo never overtakes the edit it should undo. */
function idle(): Promise<void> {
  if (useUndo.getState().inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const off = useUndo.subscribe((s) => {
      if (s.inFlight === 0) {
        off();
        resolve();
      }
    });
  });
}

async function replay(run: () => Promise<ProjectChange | null>): Promise<void> {
  const store = useStore.getState();
  await idle();
  try {
    const change = await tracked(run());
    if (change && !store.applyChange(change)) await resyncProject(getApi());
  } catch (err) {
    store.showError(err);
  }
}

export const undo = () => replay(() => getApi().history.undo({}));
export const redo = () => replay(() => getApi().history.redo({}));

/** Text fields keep their own undo while they have the focus. */
export function isTextField(el: Element | null): boolean {
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement) return !el.readOnly;
  if (el instanceof HTMLInputElement) return !el.readOnly && !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image'].includes(el.type);
  return false;
}

/** Which history command a key press asks for, if any. */
export function undoKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (k === 'y' && !e.shiftKey) return 'redo';
  return null;
}

/** Installs the keys and the guard, follows main's history labels. Returns the uninstall. */
export function connectUndo(api: StoryreelApi): () => void {
  const onKey = (e: KeyboardEvent) => {
    const cmd = undoKey(e);
    if (!cmd || isTextField(document.activeElement)) return;
    // Not a field's own undo: the page's editing undo must not run (it would edit a field that is not focused).
    e.preventDefault();
    if (useStore.getState().pendingDelete || useStore.getState().pendingSpend) return; // a dialog is open
    void (cmd === 'undo' ? undo() : redo());
  };
  const onBeforeInput = (e: InputEvent) => {
    if ((e.inputType === 'historyUndo' || e.inputType === 'historyRedo') && e.target !== document.activeElement) e.preventDefault();
  };
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('beforeinput', onBeforeInput, true);
  const readState = () =>
    api.history.state({}).then(
      (s) => useUndo.setState(s),
      () => useUndo.setState({ undo: null, redo: null }),
    );
  const offs = [
    // The Edit menu's Undo/Redo (and, on macOS, Cmd+Z, which the menu takes before the page sees it).
    onMenuCommand('undo', () => void undo()),
    onMenuCommand('redo', () => void redo()),
    api.on('history', (s) => useUndo.setState(s)),
    useStore.subscribe((s, prev) => {
      if (s.view?.project.id !== prev.view?.project.id) void readState();
    }),
  ];
  if (useStore.getState().view) void readState();
  return () => {
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('beforeinput', onBeforeInput, true);
    offs.forEach((off) => off());
  };
}
