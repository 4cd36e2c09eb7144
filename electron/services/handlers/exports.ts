import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function exportHandlers(ctx: HandlerContext): Handlers['exports'] {
  const open = () => {
    const session = ctx.session();
    return { session, service: ctx.exports(session) };
  };
  return {
    start: async () => {
      const { session, service } = open();
      return session.scoped(service.start());
    },
    cancel: async ({ exportId }) => {
      const { session, service } = open();
      return session.scoped(await service.cancel(exportId));
    },
    list: async () => {
      const { session, service } = open();
      return service.list().map((e) => session.scoped(e));
    },
    reveal: async ({ exportId }) => {
      const file = open().service.outputPath(exportId);
      return { ok: (await ctx.dialogs?.reveal(file)) ?? false };
    },
  };
}
