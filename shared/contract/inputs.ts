// The pieces the contract's calls are written with: call(), the empty and id inputs, and the inputs more than
// one call takes (a scene patch, a take's scores, a trim, a derive).
import { z } from 'zod';
import { DERIVE_KINDS } from '../derive.ts';
import { ContinuitySchema, MAX_CAPTION_CHARS, MAX_PROMPT_CHARS, TransitionPatchSchema } from '../project.ts';

export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
export const None = z.object({}).strict();
export const Id = z.string().min(1).max(200);

export const ScorePatchSchema = z
  .object({ visual: z.number().int().min(1).max(10).nullable(), adherence: z.number().int().min(1).max(10).nullable(), consistency: z.number().int().min(1).max(10).nullable(), narrative: z.number().int().min(1).max(10).nullable() })
  .partial()
  .strict();

export const DeriveInput = z.object({ sceneId: Id, takeId: Id, kind: z.enum(DERIVE_KINDS) }).strict();

export const ScenePatch = z
  .object({
    prompt: z.string().max(MAX_PROMPT_CHARS),
    seconds: z.number().int().positive().max(120),
    transition: TransitionPatchSchema,
    /** Text shown during the scene (captions sidecars, burn-in); null clears it. */
    caption: z.string().max(MAX_CAPTION_CHARS).nullable(),
    continuity: ContinuitySchema,
    /** The scene's own provider / model; null goes back to the project's. */
    provider: z.string().min(1).max(100).nullable(),
    model: z.string().min(1).max(200).nullable(),
  })
  .partial()
  .strict();

export const Ids = z.array(Id).min(1).max(500);
/** The part of a take the film uses, in seconds from the take's start; null = all of it. */
export const TrimInput = z.object({ in: z.number().nonnegative().max(3600), out: z.number().positive().max(3600) }).strict().nullable();
