import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function historyHandlers(ctx: HandlerContext): Handlers['history'] {
  return {
    undo: async () => ctx.session().history.undo(),
    redo: async () => ctx.session().history.redo(),
    state: async () => ctx.session().history.state(),
  };
}
