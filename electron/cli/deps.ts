// The modules the commands use, loaded by the first command that runs (never by --help or --version, so
// the built CLI starts about as fast as node itself: `npm run bench -- cli`). Keep the static imports of
// electron/cli.ts and of what it imports statically (help, args, output) to node:* and types.
async function loadDeps() {
  const [capabilities, contract, errors, jobs, project, timeline, app, engine, planner, registry, log, modules, ffmpeg, store, rules, providerSettings] = await Promise.all([
    import('../../shared/capabilities.ts'),
    import('../../shared/contract.ts'),
    import('../../shared/errors.ts'),
    import('../../shared/jobs.ts'),
    import('../../shared/project.ts'),
    import('../../shared/timeline.ts'),
    import('../services/app.ts'),
    import('../services/jobs/engine.ts'),
    import('../services/generation/planner.ts'),
    import('../services/providers/registry.ts'),
    import('../services/log.ts'),
    import('../services/providers/modules.ts'),
    import('../services/media/ffmpeg.ts'),
    import('../services/projects/store.ts'),
    import('../services/projects/rules.ts'),
    import('../services/providers/provider-settings.ts'),
  ]);
  const { formatUsd, modelProfile, PROVIDER_IDS, PROVIDERS, providerProfile } = capabilities;
  const { CustomModelSchema } = contract;
  const { AppError, toAppErrorShape } = errors;
  const { isTerminal } = jobs;
  const { chosenTakeOf } = project;
  const { buildTimeline } = timeline;
  const { MemorySettings, parseDotenv, Storyreel } = app;
  const { DEFAULT_TIMING } = engine;
  const { GenerationPlanner } = planner;
  const { checkCustomModels, EnvSecrets, parseBaseUrl, parseHeaderLine, parseQueryPair } = registry;
  const { createLog } = log;
  const { providerModule } = modules;
  const { checkFfmpeg, resolveFfmpeg } = ffmpeg;
  const { createProject, loadProject } = store;
  const { applyProjectPatch } = rules;
  const { regionSettings } = providerSettings;
  return { formatUsd, modelProfile, PROVIDER_IDS, PROVIDERS, providerProfile, CustomModelSchema, AppError, toAppErrorShape, isTerminal, chosenTakeOf, buildTimeline, MemorySettings, parseDotenv, Storyreel, DEFAULT_TIMING, GenerationPlanner, checkCustomModels, EnvSecrets, parseBaseUrl, parseHeaderLine, parseQueryPair, createLog, providerModule, checkFfmpeg, resolveFfmpeg, createProject, loadProject, applyProjectPatch, regionSettings };
}

export type Deps = Awaited<ReturnType<typeof loadDeps>>;
let deps: Deps | undefined;
export const load = async (): Promise<Deps> => (deps ??= await loadDeps());

/** The loaded modules, for the functions the commands call after `await load()`. */
export function loaded(): Deps {
  if (!deps) throw new Error('storyreel: internal: a command used a module before loading it');
  return deps;
}
