import type { Handlers } from '../../../shared/contract.ts';
import { addBibleImage, setComposer, updateBible } from '../projects/bible.ts';
import type { PromptEnhancer } from '../enhance/service.ts';
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

export function enhanceHandlers(ctx: HandlerContext, enhancer: PromptEnhancer): Handlers['enhance'] {
  return {
    status: async () => enhancer.status(),
    configure: (patch) => enhancer.configure(patch),
    setKey: ({ key }) => enhancer.setKey(key),
    clearKey: () => enhancer.clearKey(),
    storeKey: () => enhancer.storeKey(),
    confirmAddress: () => enhancer.confirmAddress(),
    run: async ({ sceneId }) => {
      const project = ctx.session().store.get();
      const scene = ctx.session().store.scene(sceneId);
      return { before: scene.prompt, after: await enhancer.enhance(scene.prompt, { style: project.style, seconds: scene.seconds }) };
    },
  };
}
