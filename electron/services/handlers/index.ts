// Every contract group bound to its handler module.
import type { Handlers } from '../../../shared/contract.ts';
import type { HandlerContext } from './context.ts';
import { cleanupHandlers } from './cleanup.ts';
import { exportHandlers } from './exports.ts';
import { historyHandlers } from './history.ts';
import { jobHandlers } from './jobs.ts';
import { projectHandlers } from './project.ts';
import { sceneHandlers } from './scenes.ts';
import { settingsHandlers, type SettingsContext } from './settings.ts';
import { shotListHandlers } from './shotlist.ts';
import { bibleHandlers, composerHandlers, enhanceHandlers } from './bible.ts';
import { takeHandlers } from './takes.ts';

export function buildHandlers(ctx: HandlerContext, settings: SettingsContext): Handlers {
  return {
    app: {
      info: () => ctx.info(),
      diagnostics: async ({ includePrompts }) => ({ text: await ctx.diagnostics(includePrompts) }),
      update: async ({ action }) => {
        const u = ctx.updates;
        if (!u) return { status: 'none', current: (await ctx.info()).version, version: null, releaseUrl: null, canInstall: false, progress: 0, error: null };
        if (action === 'check') return u.check();
        if (action === 'download') return u.download();
        if (action === 'install') return u.install();
        if (action === 'dismiss') return u.dismiss();
        return u.state();
      },
    },
    project: projectHandlers(ctx),
    scenes: sceneHandlers(ctx),
    takes: takeHandlers(ctx),
    jobs: jobHandlers(ctx),
    exports: exportHandlers(ctx),
    history: historyHandlers(ctx),
    ...settingsHandlers(ctx, settings),
    cleanup: cleanupHandlers(ctx),
    models: { refresh: ({ provider }) => ctx.refreshModels(provider) },
    shotList: shotListHandlers(ctx),
    bible: bibleHandlers(ctx),
    composer: composerHandlers(ctx),
    enhance: enhanceHandlers(ctx, settings.enhancer),
  };
}
