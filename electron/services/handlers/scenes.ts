import type { Handlers } from '../../../shared/contract.ts';
import { projectProblems, sceneTarget } from '../../../shared/capabilities.ts';
import { AppError } from '../../../shared/errors.ts';
import { keyframeBlocked } from '../../../shared/continuity.ts';
import { importKeyframe, importReference } from '../generation/references.ts';
import { problemsError } from '../projects/rules.ts';
import { patchedTarget } from '../projects/store.ts';
import { checkTransition, duplicateScenes, moveScenes, removeScenes, snapLengths, splitScene } from '../projects/craft.ts';
import type { HandlerContext } from './context.ts';

/** A scene's own provider/model must exist and make the project's frame size; refused in words otherwise. */
function checkSceneTarget(ctx: HandlerContext, id: string, patch: { provider?: string | null; model?: string | null }): void {
  const project = ctx.session().store.get();
  const scene = ctx.session().store.scene(id);
  const target = sceneTarget(project, patchedTarget(scene, patch));
  const problems = projectProblems({ ...project, ...target }, ctx.customModels());
  if (problems.length) throw problemsError(problems);
}

export function sceneHandlers(ctx: HandlerContext): Handlers['scenes'] {
  const store = () => ctx.session().store;
  return {
    add: async ({ afterId, prompt, seconds }) => store().addScene(afterId, prompt, seconds),
    update: async ({ id, patch }) => {
      if (patch.provider !== undefined || patch.model !== undefined) checkSceneTarget(ctx, id, patch);
      if (patch.transition) checkTransition(store(), id, patch.transition);
      return store().updateScene(id, patch);
    },
    remove: async ({ id }) => ctx.session().removeScene(id),
    move: async ({ id, toIndex }) => store().moveScene(id, toIndex),
    pickReference: async ({ id }) => {
      const session = ctx.session();
      session.store.scene(id);
      const file = await ctx.dialogs?.pickImage();
      return file ? importReference(session, id, file) : null;
    },
    clearReference: async ({ id }) => store().setReference(id, null),
    pickKeyframe: async ({ id }) => {
      const session = ctx.session();
      session.store.scene(id);
      // Refused before the picker opens: the creator learns which model can before choosing a picture.
      const blocked = keyframeBlocked(session.store.get(), id);
      if (blocked) throw new AppError('UnsupportedByModel', blocked);
      const file = await ctx.dialogs?.pickImage();
      return file ? importKeyframe(session, id, file) : null;
    },
    clearKeyframe: async ({ id }) => store().setBoundaryKeyframe(id, null),
    duplicate: async ({ ids }) => duplicateScenes(store(), ids),
    split: async ({ id, at }) => splitScene(store(), id, at),
    removeMany: async ({ ids }) => {
      const session = ctx.session();
      ids.forEach((id) => session.store.scene(id));
      await session.cancelJobsOf(ids);
      return removeScenes(session.store, ids);
    },
    moveMany: async ({ ids, toIndex }) => moveScenes(store(), ids, toIndex),
    snapLengths: async () => snapLengths(store(), ctx.customModels()),
  };
}
