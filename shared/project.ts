// The project format (project.json). Declared once here; main validates every load and save with it,
// the renderer gets its types from it. Bump PROJECT_FORMAT_VERSION and add a migration when it changes.
import { z } from 'zod';

export const PROJECT_FORMAT_VERSION = 1;
export const PROJECT_FILE = 'project.json';
export const MAX_PROMPT_CHARS = 32000;

export const SizeSchema = z.string().regex(/^\d{2,5}x\d{2,5}$/, 'size must look like 1280x720');
export const TransitionSchema = z.enum(['cut']);
export type Transition = z.infer<typeof TransitionSchema>;

export const TakeSchema = z.object({
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
});
export type Take = z.infer<typeof TakeSchema>;

export const SceneErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  at: z.string(),
});

export const SceneSchema = z.object({
  id: z.string().min(1),
  prompt: z.string().max(MAX_PROMPT_CHARS),
  seconds: z.number().int().positive().max(120),
  transition: TransitionSchema,
  /** Optional first-frame reference image, relative to the project folder (media/refs/...). */
  referenceImage: z.string().nullable(),
  takes: z.array(TakeSchema),
  chosenTake: z.string().nullable(),
  /** Why the last generation of this scene failed, in words; cleared when a take arrives. */
  lastError: SceneErrorSchema.nullable(),
});
export type Scene = z.infer<typeof SceneSchema>;

export const ProjectSchema = z.object({
  formatVersion: z.literal(PROJECT_FORMAT_VERSION),
  id: z.string().min(1),
  title: z.string().max(200),
  provider: z.string().min(1),
  model: z.string().min(1),
  size: SizeSchema,
  /** Text appended to every scene's prompt. */
  style: z.string().max(4000),
  scenes: z.array(SceneSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof ProjectSchema>;

/** The prompt actually sent for a scene: the scene's own text, then the project's style. */
export function fullPrompt(project: Pick<Project, 'style'>, scene: Pick<Scene, 'prompt'>): string {
  const style = project.style.trim();
  const prompt = scene.prompt.trim();
  if (!style) return prompt;
  if (!prompt) return style;
  return `${prompt}\n\nStyle: ${style}`;
}

export function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new Error(`Not a size: ${size}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function chosenTakeOf(scene: Scene): Take | null {
  if (!scene.chosenTake) return null;
  return scene.takes.find((t) => t.id === scene.chosenTake) ?? null;
}

export function totalSeconds(project: Pick<Project, 'scenes'>): number {
  return project.scenes.reduce((sum, s) => sum + s.seconds, 0);
}
