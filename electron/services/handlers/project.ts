import path from 'node:path';
import type { Handlers } from '../../../shared/contract.ts';
import { applyProjectPatch } from '../projects/rules.ts';
import type { HandlerContext } from './context.ts';

export function projectHandlers(ctx: HandlerContext): Handlers['project'] {
  return {
    get: async () => ctx.view(),
    update: async (patch) => {
      const { store } = ctx.session();
      return store.update(applyProjectPatch(store.get(), patch, ctx.customModels()));
    },
    open: async () => {
      const dir = await ctx.dialogs?.pickFolder('open');
      return dir ? ctx.openProject(dir) : null;
    },
    create: async ({ title }) => {
      const dir = await ctx.dialogs?.pickFolder('create');
      return dir ? ctx.createProject(dir, { title: title ?? path.basename(dir) }) : null;
    },
  };
}
