import path from 'node:path';
import type { Handlers } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import { applyProjectPatch } from '../projects/rules.ts';
import type { HandlerContext } from './context.ts';

export function projectHandlers(ctx: HandlerContext): Handlers['project'] {
  return {
    get: async () => ctx.view(),
    update: async (patch) => {
      const { store } = ctx.session();
      const change = await store.update(applyProjectPatch(store.get(), patch, ctx.customModels()));
      if (patch.title !== undefined) ctx.recent.retitle(store.dir, store.get().title);
      return change;
    },
    open: async () => {
      const dir = await ctx.dialogs?.pickFolder('open');
      return dir ? ctx.openProject(dir) : null;
    },
    create: async ({ title }) => {
      const name = title?.trim() || undefined;
      const dir = await ctx.dialogs?.pickFolder('create', name);
      return dir ? ctx.createProject(dir, { title: name ?? path.basename(dir) }) : null;
    },
    recent: async () => ctx.recent.list(),
    openRecent: async ({ dir }) => {
      // Only a folder main put on the list itself: the window cannot name any other folder to open.
      if (!ctx.recent.has(dir)) throw new AppError('NotFound', 'That project is not on the recent list any more. Open it with Open project….');
      try {
        return await ctx.openProject(dir);
      } catch (err) {
        if (err instanceof AppError && err.code === 'NotFound') ctx.recent.remove(dir);
        throw err;
      }
    },
    forgetRecent: async ({ dir }) => {
      ctx.recent.remove(dir);
      return ctx.recent.list();
    },
    close: async () => {
      const open = ctx.view() !== null;
      await ctx.closeProject();
      return { ok: open };
    },
    reveal: async () => ({ ok: (await ctx.dialogs?.reveal(ctx.session().dir)) ?? false }),
  };
}
