import type { Handlers, ProjectView } from '../../../shared/contract.ts';
import type { Project } from '../../../shared/project.ts';
import { importReference } from '../generation/references.ts';
import type { HandlerContext } from './context.ts';

export function sceneHandlers(ctx: HandlerContext): Handlers['scenes'] {
  const store = () => ctx.session().store;
  const view = (project: Project): ProjectView => ({ project, dir: store().dir });
  return {
    add: async ({ afterId, prompt, seconds }) => view(await store().addScene(afterId, prompt, seconds)),
    update: async ({ id, patch }) => view(await store().updateScene(id, patch)),
    remove: async ({ id }) => view(await ctx.session().removeScene(id)),
    move: async ({ id, toIndex }) => view(await store().moveScene(id, toIndex)),
    pickReference: async ({ id }) => {
      const session = ctx.session();
      session.store.scene(id);
      const file = await ctx.dialogs?.pickImage();
      return file ? view(await importReference(session, id, file)) : null;
    },
    clearReference: async ({ id }) => view(await store().setReference(id, null)),
  };
}
