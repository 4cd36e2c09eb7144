import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function exportHandlers(ctx: HandlerContext): Handlers['exports'] {
  const service = () => ctx.exports(ctx.session());
  return {
    start: async () => service().start(),
    cancel: async ({ exportId }) => service().cancel(exportId),
    list: async () => service().list(),
    reveal: async ({ exportId }) => {
      const file = service().outputPath(exportId);
      return { ok: (await ctx.dialogs?.reveal(file)) ?? false };
    },
  };
}
