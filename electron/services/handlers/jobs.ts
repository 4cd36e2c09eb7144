import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function jobHandlers(ctx: HandlerContext): Handlers['jobs'] {
  return {
    generate: async ({ sceneIds, takes }) => ({ jobIds: await ctx.planner(ctx.session()).generate(sceneIds, takes) }),
    list: async () => ctx.session().engine.list(),
    cancel: async ({ jobId }) => ctx.session().engine.cancel(jobId),
    resend: async ({ jobId }) => ctx.planner(ctx.session()).resend(jobId),
    estimate: async ({ sceneIds, takes }) => ctx.planner(ctx.session()).estimate(sceneIds, takes),
  };
}
