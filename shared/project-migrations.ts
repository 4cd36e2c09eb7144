// Older project.json formats, brought up to the current one step by step. Each step takes the parsed
// JSON of version N and returns version N + 1; it never drops a field it does not know. Pure.
import { PROJECT_FORMAT_VERSION } from './project.ts';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);

export const MIGRATIONS: Readonly<Record<number, (raw: Json) => Json>> = {
  /**
   * 1 → 2: scenes gain `caption` (null) and `continuity` ("none"); `transition` may now also be an
   * effect object; scenes may name their own `provider`/`model`; takes may carry a `trim`. Nothing is
   * renamed, so a v1 film renders the same in v2.
   */
  1: (raw) => ({
    ...raw,
    formatVersion: 2,
    scenes: Array.isArray(raw.scenes)
      ? raw.scenes.map((s: unknown) => (isObject(s) ? { ...s, caption: s.caption ?? null, continuity: s.continuity ?? 'none' } : s))
      : raw.scenes,
  }),
};

/** Runs every step from `from` to the current version. `from` must be 1..PROJECT_FORMAT_VERSION. */
export function migrateProject(raw: Json, from: number): Json {
  let out = raw;
  for (let v = from; v < PROJECT_FORMAT_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`No migration from project format ${v}`);
    out = step(out);
  }
  return out;
}
