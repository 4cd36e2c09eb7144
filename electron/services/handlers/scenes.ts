import type { Handlers } from '../../../shared/contract.ts';
import { importReference } from '../generation/references.ts';
import type { HandlerContext } from './context.ts';

export function sceneHandlers(ctx: HandlerContext): Handlers['scenes'] {
  const store = () => ctx.session().store;
  return {
    add: async ({ afterId, prompt, seconds }) => store().addScene(afterId, prompt, seconds),
    update: async ({ id, patch }) => store().updateScene(id, patch),
    remove: async ({ id }) => ctx.session().removeScene(id),
    move: async ({ id, toIndex }) => store().moveScene(id, toIndex),
    pickReference: async ({ id }) => {
      const session = ctx.session();
      session.store.scene(id);
      const file = await ctx.dialogs?.pickImage();
      return file ? importReference(session, id, file) : null;
    },
    clearReference: async ({ id }) => store().setReference(id, null),
  };
}
