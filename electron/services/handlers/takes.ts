import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';

export function takeHandlers(ctx: HandlerContext): Handlers['takes'] {
  const store = () => ctx.session().store;
  return {
    choose: async ({ sceneId, takeId }) => ({ project: await store().chooseTake(sceneId, takeId), dir: store().dir }),
    rate: async ({ sceneId, takeId, rating }) => ({ project: await store().rateTake(sceneId, takeId, rating), dir: store().dir }),
  };
}
