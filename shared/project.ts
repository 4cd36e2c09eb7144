// The project format (project.json), version 2. Declared once here; main validates every load and save
// with it, the renderer gets its types from it. Reading a file (older versions, words for every problem)
// is in project-file.ts; bump PROJECT_FORMAT_VERSION and add a step to project-migrations.ts when the
// format changes.
//
// The file is meant to be written by hand too: every scene field but `prompt` and `seconds` has a
// default, so `{"prompt": "…", "seconds": 8}` is a scene. In memory every field is present. Fields this
// version does not know are kept, at every level, and written back on save.
import { z } from 'zod';
import { BibleSchema, composePrompt, type Bible } from './bible.ts';
import { ComposerSchema } from './composer.ts';

export const PROJECT_FORMAT_VERSION = 2;
export const PROJECT_FILE = 'project.json';
export const MAX_PROMPT_CHARS = 32000;
export const MAX_CAPTION_CHARS = 2000;
export const MAX_SCENE_SECONDS = 120;
export const MAX_TRANSITION_SECONDS = 60;
export const MIN_SIDE = 16;
export const MAX_SIDE = 8192;

/** A time-ordered id with a random tail, like the ones main makes (`scene_…`); no Node needed. */
export function generateId(prefix: string): string {
  const tail = Array.from({ length: 10 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}_${Date.now().toString(36)}${tail}`;
}

/** "WIDTHxHEIGHT", even sides from 16 to 8192 pixels (H.264 in 4:2:0 needs even sides). */
export const SizeSchema = z
  .string()
  .regex(/^\d{2,5}x\d{2,5}$/, 'must look like 1280x720')
  .refine((s) => s.split('x').every((n) => Number(n) >= MIN_SIDE && Number(n) <= MAX_SIDE && Number(n) % 2 === 0), {
    message: `must have even sides from ${MIN_SIDE} to ${MAX_SIDE} pixels, e.g. 1280x720`,
  });

export const TRANSITION_TYPES = ['crossfade', 'fade-black', 'dip-white', 'wipe-left', 'wipe-right', 'slide-left', 'slide-right'] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];
/** Into the next scene: a cut, or an effect that overlaps the two scenes by `seconds`. */
export const TransitionSchema = z.union([
  z.literal('cut'),
  z.object({ type: z.enum(TRANSITION_TYPES), seconds: z.number().positive().max(MAX_TRANSITION_SECONDS) }).loose(),
]);
export type Transition = z.infer<typeof TransitionSchema>;
/** The same, as the window may send it: no extra fields. */
export const TransitionPatchSchema = z.union([z.literal('cut'), z.object({ type: z.enum(TRANSITION_TYPES), seconds: z.number().positive().max(MAX_TRANSITION_SECONDS) }).strict()]);

export const CONTINUITY_MODES = ['none', 'previous-last-frame'] as const;
export const ContinuitySchema = z.enum(CONTINUITY_MODES);
export type Continuity = z.infer<typeof ContinuitySchema>;

/** The part of a take the film uses, in seconds from the take's start. */
export const TrimSchema = z.object({ in: z.number().nonnegative(), out: z.number().positive() }).loose();
export type Trim = z.infer<typeof TrimSchema>;

export const SCORE_CRITERIA = ['visual', 'adherence', 'consistency', 'narrative'] as const;
export type ScoreCriterion = (typeof SCORE_CRITERIA)[number];
const Score = z.number().int().min(1).max(10).nullable().optional();
export const ScoresSchema = z.object({ visual: Score, adherence: Score, consistency: Score, narrative: Score }).loose();
export type Scores = z.infer<typeof ScoresSchema>;

export const TAKE_SOURCES = ['reroll', 'remix', 'extend'] as const;
/** How a take came to be: what was asked and sent, and which take it was made from. */
export const ProvenanceSchema = z
  .object({
    /** The scene's own prompt and the project's style when it was sent (the take's `prompt` is what was sent). */
    scenePrompt: z.string(),
    style: z.string(),
    /** The length asked for (the take's `seconds` is what came back). */
    seconds: z.number().nonnegative(),
    /** Images sent with it, by role; project-relative. */
    images: z.array(z.object({ role: z.enum(['first-frame', 'last-frame', 'reference']), file: z.string() }).loose()).default(() => []),
    seed: z.number().int().nullable().default(null),
    /** From the first create to the take on disk. */
    elapsedMs: z.number().nonnegative().nullable().default(null),
    /** A remix/extension/re-roll of another take of the scene. */
    from: z.object({ kind: z.enum(TAKE_SOURCES), takeId: z.string() }).loose().nullable().default(null),
    /** The take whose last frame became this take's first frame (continuity). */
    continuityFrom: z.object({ sceneId: z.string(), takeId: z.string() }).loose().nullable().default(null),
  })
  .loose();
export type Provenance = z.infer<typeof ProvenanceSchema>;

const TakeFields = {
  id: z.string().min(1),
  jobId: z.string().min(1),
  provider: z.string(),
  model: z.string(),
  /** Relative to the project folder, always under media/. */
  file: z.string(),
  thumbnail: z.string().nullable(),
  /** Duration measured with ffprobe after download. */
  seconds: z.number().nonnegative(),
  size: SizeSchema,
  prompt: z.string(),
  providerJobId: z.string().nullable(),
  costUsd: z.number().nonnegative(),
  createdAt: z.string(),
  rating: z.number().int().min(0).max(5),
  /** The part of this take the film uses when it is the chosen one; absent = all of it. */
  trim: TrimSchema.optional(),
  /** Made with continuity: the previous scene's take whose frame it started from (at `atSeconds`; `exact`: the provider's own last frame). */
  continuityFrom: z.object({ sceneId: z.string(), takeId: z.string(), atSeconds: z.number().nonnegative(), exact: z.boolean() }).loose().optional(),
  /** 1–10 on each criterion creators judge a generation by (shared/rating.ts); absent = scored by `rating` alone. */
  scores: ScoresSchema.optional(),
  /** What the take was made with and from (shared/stale.ts); absent on takes made before it was kept. */
  provenance: ProvenanceSchema.optional(),
};
const TakeObject = z.object(TakeFields);
export type Take = z.infer<typeof TakeObject>;
export const TakeSchema = TakeObject.loose() as unknown as z.ZodType<Take, z.input<typeof TakeObject>>;

export const SceneErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  at: z.string(),
});

const SceneFields = {
  id: z
    .string()
    .min(1)
    .default(() => generateId('scene')),
  prompt: z.string().max(MAX_PROMPT_CHARS),
  seconds: z.number().int().positive().max(MAX_SCENE_SECONDS),
  transition: TransitionSchema.default('cut'),
  /** Text shown during the scene, or null. */
  caption: z.string().max(MAX_CAPTION_CHARS).nullable().default(null),
  /** "previous-last-frame": start from the last frame of the scene before. */
  continuity: ContinuitySchema.default('none'),
  /** Overrides the project's provider / model for this scene; absent = the project's. */
  provider: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  /** Optional first-frame reference image, relative to the project folder (media/refs/...). */
  referenceImage: z.string().nullable().default(null),
  /** An image shared with the next scene: this scene's last frame and the next one's first (media/refs/...). */
  boundaryKeyframe: z.string().nullable().optional(),
  takes: z.array(TakeSchema).default(() => []),
  chosenTake: z.string().nullable().default(null),
  /** Who put the chosen take in the film: 'creator' (by hand) is never replaced by an arriving take. */
  chosenBy: z.enum(['auto', 'creator']).optional(),
  /** Why the last generation of this scene failed, in words; cleared when a take arrives. */
  lastError: SceneErrorSchema.nullable().default(null),
  /** The prompt composer's parts (shared/composer.ts), when the prompt was composed from them. */
  composer: ComposerSchema.optional(),
};
const SceneObject = z.object(SceneFields);
export type Scene = z.output<typeof SceneObject>;
export type SceneInput = z.input<typeof SceneObject>;
export const SceneSchema = SceneObject.loose() as unknown as z.ZodType<Scene, SceneInput>;

const ProjectFields = {
  formatVersion: z.literal(PROJECT_FORMAT_VERSION),
  id: z
    .string()
    .min(1)
    .default(() => generateId('proj')),
  title: z.string().max(200).default('Untitled film'),
  provider: z.string().min(1).default('preview'),
  /** Absent: the provider's default model (filled in by the reader, which knows the providers). */
  model: z.string().min(1),
  size: SizeSchema.default('1280x720'),
  /** Text appended to every scene's prompt. */
  style: z.string().max(4000).default(''),
  scenes: z.array(SceneSchema).default(() => []),
  /** Characters, props, locations, looks and style presets (shared/bible.ts); absent = none. */
  bible: BibleSchema.optional(),
  createdAt: z.string().default(() => new Date().toISOString()),
  updatedAt: z.string().default(() => new Date().toISOString()),
};
const ProjectObject = z.object(ProjectFields);
export type Project = z.output<typeof ProjectObject>;
export type ProjectInput = z.input<typeof ProjectObject>;
/**
 * One project, as the file holds it and as it crosses IPC. Unknown fields pass through (the types do not
 * name them, so code cannot come to rely on them). Cross-field rules (unique ids, trims inside their
 * take) are checked by `projectRuleProblems`.
 */
export const ProjectSchema = ProjectObject.loose() as unknown as z.ZodType<Project, ProjectInput>;

/** Rules one field cannot check alone. Each problem has a path into the project and a sentence. */
export function projectRuleProblems(project: unknown): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const scenes = (project as { scenes?: unknown } | null)?.scenes;
  if (!Array.isArray(scenes)) return problems;
  const sceneIds = new Map<string, number>();
  const takeIds = new Map<string, string>();
  scenes.forEach((scene: unknown, i) => {
    if (!scene || typeof scene !== 'object') return;
    const s = scene as { id?: unknown; takes?: unknown };
    if (typeof s.id === 'string') {
      const first = sceneIds.get(s.id);
      if (first !== undefined) problems.push({ path: ['scenes', i, 'id'], message: `has the same id as scene ${first + 1} ("${s.id}"); every scene needs its own id` });
      else sceneIds.set(s.id, i);
    }
    if (!Array.isArray(s.takes)) return;
    s.takes.forEach((take: unknown, t) => {
      if (!take || typeof take !== 'object') return;
      const k = take as { id?: unknown; seconds?: unknown; trim?: unknown };
      if (typeof k.id === 'string') {
        const first = takeIds.get(k.id);
        if (first !== undefined) problems.push({ path: ['scenes', i, 'takes', t, 'id'], message: `has the same id as ${first} ("${k.id}"); every take needs its own id` });
        else takeIds.set(k.id, `scene ${i + 1}, take ${t + 1}`);
      }
      const trim = k.trim as { in?: unknown; out?: unknown } | undefined;
      if (trim && typeof trim === 'object' && typeof trim.in === 'number' && typeof trim.out === 'number' && trim.out <= trim.in) {
        problems.push({ path: ['scenes', i, 'takes', t, 'trim'], message: `ends (out ${trim.out} s) before it starts (in ${trim.in} s)` });
      }
    });
  });
  return problems;
}

/**
 * The prompt actually sent for a scene: the scene's own text, the bible entries it names, then the
 * project's style and presets (composePrompt in bible.ts). Every caller uses this one function.
 */
export function fullPrompt(project: Pick<Project, 'style'> & { bible?: Bible | undefined }, scene: Pick<Scene, 'prompt'>): string {
  return composePrompt(project, scene);
}

export function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new Error(`Not a size: ${size}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function chosenTakeOf(scene: Pick<Scene, 'takes' | 'chosenTake'>): Take | null {
  if (!scene.chosenTake) return null;
  return scene.takes.find((t) => t.id === scene.chosenTake) ?? null;
}
