import type { Handlers } from '../../../shared/contract.ts';
import { trimTake } from '../projects/craft.ts';
import type { HandlerContext } from './context.ts';

export function takeHandlers(ctx: HandlerContext): Handlers['takes'] {
  const store = () => ctx.session().store;
  return {
    choose: async ({ sceneId, takeId }) => store().chooseTake(sceneId, takeId),
    rate: async ({ sceneId, takeId, rating }) => store().rateTake(sceneId, takeId, rating),
    trim: async ({ sceneId, takeId, trim }) => trimTake(store(), sceneId, takeId, trim),
    score: async ({ sceneId, takeId, scores }) => store().scoreTake(sceneId, takeId, scores),
    chooseBest: async () => store().chooseBestTakes(),
    derive: async ({ sceneId, takeId, kind }) => ({ jobIds: await ctx.planner(ctx.session()).derive(sceneId, takeId, kind) }),
    deriveEstimate: async ({ sceneId, takeId, kind }) => ctx.planner(ctx.session()).deriveEstimate(sceneId, takeId, kind),
  };
}
