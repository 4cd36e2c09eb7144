import type { Handlers } from '../../../shared/contract.ts';
import { addBibleImage, setComposer, updateBible } from '../projects/bible.ts';
import type { HandlerContext } from './context.ts';

export function bibleHandlers(ctx: HandlerContext): Handlers['bible'] {
  return {
    update: async (edit) => updateBible(ctx.session().store, edit),
    pickImage: async ({ entryId }) => {
      const session = ctx.session();
      const file = await ctx.dialogs?.pickImage();
      return file ? addBibleImage(session, entryId, file) : null;
    },
  };
}

export function composerHandlers(ctx: HandlerContext): Handlers['composer'] {
  return {
    set: async ({ sceneId, parts }) => setComposer(ctx.session().store, sceneId, parts),
  };
}
