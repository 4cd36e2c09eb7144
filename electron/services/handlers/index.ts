// Every contract group bound to its handler module.
import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';
import { exportHandlers } from './exports.ts';
import { jobHandlers } from './jobs.ts';
import { projectHandlers } from './project.ts';
import { sceneHandlers } from './scenes.ts';
import { settingsHandlers, type SettingsContext } from './settings.ts';
import { takeHandlers } from './takes.ts';

export function buildHandlers(ctx: HandlerContext, settings: SettingsContext): Handlers {
  return {
    app: { info: () => ctx.info(), diagnostics: async ({ includePrompts }) => ({ text: await ctx.diagnostics(includePrompts) }) },
    project: projectHandlers(ctx),
    scenes: sceneHandlers(ctx),
    takes: takeHandlers(ctx),
    jobs: jobHandlers(ctx),
    exports: exportHandlers(ctx),
    ...settingsHandlers(ctx, settings),
  };
}
