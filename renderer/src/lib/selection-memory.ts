// The selected scene, remembered per project in this window's storage, so a reload (or reopening the project)
// comes back to the scene the creator was on instead of scene 1. Storage may be missing (tests under Node)
// or full: then nothing is remembered, and nothing breaks.
const KEY = 'storyreel.selectedScene.';

interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStorage | null {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

export function rememberSelection(projectId: string, sceneId: string | null): void {
  try {
    if (sceneId) storage()?.setItem(KEY + projectId, sceneId);
  } catch {
    // full or refused: the selection is simply not kept
  }
}

export function recalledSelection(projectId: string): string | null {
  try {
    return storage()?.getItem(KEY + projectId) ?? null;
  } catch {
    return null;
  }
}
