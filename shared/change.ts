// Edits as patches. Main sends what a change did to the project, not the whole project: the fields that
// changed, each scene that changed (whole, by id), and the scene order when it changed. Every change says
// where it came from: the creator ('user', undoable later), the system ('system': a take arriving, an error
// recorded; never undone), or a step of a longer action ('step', with the action named in `label`).
// Versions: each change moves the project from `from` to `version`; a window applies a change only on top
// of the version it holds, and reads the whole project again when it finds a gap.
import { z } from 'zod';
import { SceneSchema, type Project, type Scene } from './project.ts';

export const CHANGE_ORIGINS = ['user', 'system', 'step'] as const;
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];

/** Every top-level field of a project except its scenes. */
export type ProjectFields = Omit<Project, 'scenes'>;
/** Top-level fields are checked by the store before a change exists (ProjectSchema and its rules); on the wire, an object. */
const FieldsPatchSchema = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Partial<ProjectFields>>;

export const ProjectPatchSchema = z.discriminatedUnion('op', [
  /** Top-level fields that changed. */
  z.object({ op: z.literal('fields'), fields: FieldsPatchSchema }),
  /** A scene that changed or was added, whole; it replaces the scene with its id. */
  z.object({ op: z.literal('scene'), scene: SceneSchema }),
  /** The scenes in film order; a scene not listed was removed. */
  z.object({ op: z.literal('order'), ids: z.array(z.string()) }),
]);
export type ProjectPatch = z.infer<typeof ProjectPatchSchema>;

export const ProjectChangeSchema = z.object({
  projectId: z.string(),
  from: z.number().int(),
  version: z.number().int(),
  origin: z.enum(CHANGE_ORIGINS),
  /** What changed, in words ("Edit scene"); for a step, the longer action it belongs to ("Generate"). */
  label: z.string(),
  patches: z.array(ProjectPatchSchema),
});
export type ProjectChange = z.infer<typeof ProjectChangeSchema>;

export interface ChangeMeta {
  origin: ChangeOrigin;
  label: string;
}

/** The patches that turn `before` into `after`, where unchanged scenes are the same objects (structural sharing). */
export function diffProject(before: Project, after: Project): ProjectPatch[] {
  const patches: ProjectPatch[] = [];
  const fields: Partial<ProjectFields> = {};
  for (const key of Object.keys(after) as Array<keyof Project>) {
    if (key !== 'scenes' && after[key] !== before[key]) (fields as Record<string, unknown>)[key] = after[key];
  }
  if (Object.keys(fields).length) patches.push({ op: 'fields', fields });
  const old = new Map(before.scenes.map((s) => [s.id, s]));
  for (const scene of after.scenes) if (old.get(scene.id) !== scene) patches.push({ op: 'scene', scene });
  const sameOrder = before.scenes.length === after.scenes.length && after.scenes.every((s, i) => s.id === before.scenes[i]!.id);
  if (!sameOrder) patches.push({ op: 'order', ids: after.scenes.map((s) => s.id) });
  return patches;
}

/** Applies patches to a project, sharing every scene they do not name. Pure. */
export function applyPatches(project: Project, patches: readonly ProjectPatch[]): Project {
  let next: Project = { ...project };
  let byId: Map<string, Scene> | null = null;
  let order: string[] | null = null;
  for (const p of patches) {
    if (p.op === 'fields') next = { ...next, ...p.fields };
    else if (p.op === 'scene') {
      byId ??= new Map(next.scenes.map((s) => [s.id, s]));
      if (!byId.has(p.scene.id)) (order ??= next.scenes.map((s) => s.id)).push(p.scene.id);
      byId.set(p.scene.id, p.scene);
    } else order = [...p.ids];
  }
  if (byId || order) {
    const map = byId ?? new Map(next.scenes.map((s) => [s.id, s]));
    next.scenes = (order ?? next.scenes.map((s) => s.id)).map((id) => map.get(id)).filter((s): s is Scene => !!s);
  }
  return next;
}
