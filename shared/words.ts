// Lists of numbers in words, the same in the window, the CLI and main's messages.

/** "2", "2 and 5", "2, 3 and 5". */
export function listNumbers(ns: readonly number[]): string {
  return ns.length < 2 ? ns.join('') : `${ns.slice(0, -1).join(', ')} and ${ns.at(-1)}`;
}

/** "Scene 3" / "Scenes 2, 4 and 7" ('' for none). Numbers are 1-based. */
export function listScenes(ns: readonly number[]): string {
  if (ns.length === 0) return '';
  return `${ns.length === 1 ? 'Scene' : 'Scenes'} ${listNumbers(ns)}`;
}
