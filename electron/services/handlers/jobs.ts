import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function jobHandlers(ctx: HandlerContext): Handlers['jobs'] {
  return {
    generate: async ({ sceneIds, takes }) => ({ jobIds: await ctx.planner(ctx.session()).generate(sceneIds, takes) }),
    list: async () => {
      const session = ctx.session();
      return session.engine.list().map((j) => session.scoped(j));
    },
    cancel: async ({ jobId }) => {
      const session = ctx.session();
      return session.scoped(await session.engine.cancel(jobId));
    },
    resend: async ({ jobId }) => {
      const session = ctx.session();
      return session.scoped(await ctx.planner(session).resend(jobId));
    },
    estimate: async ({ sceneIds, takes }) => ctx.planner(ctx.session()).estimate(sceneIds, takes),
  };
}
