import type { Handlers } from '../../../shared/contract.ts';
import { addBibleImage, updateBible } from '../projects/bible.ts';
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
