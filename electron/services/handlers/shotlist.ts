import type { Handlers } from '../../../shared/contract.ts';
import { importShotList } from '../projects/import-shotlist.ts';
import type { HandlerContext } from './context.ts';

export function shotListHandlers(ctx: HandlerContext): Handlers['shotList'] {
  return {
    import: async ({ text, afterId }) => importShotList(ctx.session().store, text, { afterId: afterId ?? null, custom: ctx.customModels() }),
  };
}
