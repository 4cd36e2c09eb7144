// storyreel — the command-line interface. It runs the very services the app runs (no Electron):
// open the project, resume its ledger, generate what is missing, wait, download, export.
// --help and --version load nothing but Node built-ins; the commands load the services (see loadDeps).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CustomModel } from '../shared/capabilities.ts';
import type { JobSnapshot } from '../shared/jobs.ts';
import type { EngineTiming } from './services/jobs/engine.ts';
import type { GatewaySettings } from './services/providers/registry.ts';

/**
 * The modules the commands use, loaded by the first command that runs (never by --help or --version, so
 * the built CLI starts about as fast as node itself: `npm run bench -- cli`). Keep new static imports in
 * this file to node:* and types; add modules here and take what a function needs from `loaded()`.
 */
async function loadDeps() {
  const [capabilities, contract, errors, jobs, project, timeline, app, engine, registry, log, modules, ffmpeg, store] = await Promise.all([
    import('../shared/capabilities.ts'),
    import('../shared/contract.ts'),
    import('../shared/errors.ts'),
    import('../shared/jobs.ts'),
    import('../shared/project.ts'),
    import('../shared/timeline.ts'),
    import('./services/app.ts'),
    import('./services/jobs/engine.ts'),
    import('./services/providers/registry.ts'),
    import('./services/log.ts'),
    import('./services/providers/modules.ts'),
    import('./services/media/ffmpeg.ts'),
    import('./services/projects/store.ts'),
  ]);
  const { formatUsd, modelProfile, PROVIDER_IDS, providerProfile } = capabilities;
  const { CustomModelSchema } = contract;
  const { NEXT_STEP, toAppErrorShape } = errors;
  const { isTerminal } = jobs;
  const { chosenTakeOf } = project;
  const { buildTimeline } = timeline;
  const { MemorySettings, parseDotenv, Storyreel } = app;
  const { DEFAULT_TIMING } = engine;
  const { checkCustomModels, EnvSecrets, parseBaseUrl, parseHeaderLine, parseQueryPair } = registry;
  const { createLog } = log;
  const { providerModule } = modules;
  const { checkFfmpeg, resolveFfmpeg } = ffmpeg;
  const { createProject } = store;
  return { formatUsd, modelProfile, PROVIDER_IDS, providerProfile, CustomModelSchema, NEXT_STEP, toAppErrorShape, isTerminal, chosenTakeOf, buildTimeline, MemorySettings, parseDotenv, Storyreel, DEFAULT_TIMING, checkCustomModels, EnvSecrets, parseBaseUrl, parseHeaderLine, parseQueryPair, createLog, providerModule, checkFfmpeg, resolveFfmpeg, createProject };
}
let deps: Awaited<ReturnType<typeof loadDeps>> | undefined;
const load = async () => (deps ??= await loadDeps());
/** The loaded modules, for the functions the commands call after `await load()`. */
function loaded(): NonNullable<typeof deps> {
  if (!deps) throw new Error('storyreel: internal: a command used a module before loading it');
  return deps;
}

const HELP = `storyreel — storyboard → AI video jobs → one stitched MP4

Usage:
  storyreel init <project-dir> [--title T]
      Create an empty project (project.json, media/, exports/).

  storyreel render <project-dir> [options]
      Generate every scene that has no chosen take, wait for the jobs, download the takes,
      and export the film. Unfinished jobs from an earlier run are resumed first, never resent.
      --out FILE            where to write the MP4 (default: <project-dir>/exports/<title>-<time>.mp4)
      --provider ID         preview (offline, default) | openai-videos
      --model NAME          model for the provider (gateways accept any name)
      --base-url URL        /v1/videos base URL (or OPENAI_BASE_URL); https://, or http:// on this
                            computer only. The key is sent to this address and nowhere else.
      --header 'Name: v'    extra header on every request to the gateway (repeatable), e.g.
                            --header 'x-route: team-a'. Values are never printed or logged.
      --auth-header H       how the key is sent: bearer (Authorization: Bearer, default) | api-key
      --query name=value    default query parameter on every request (repeatable), e.g.
                            --query api-version=2025-04-01
      --price-per-second USD  price of a gateway model Storyreel does not know (--model), for the
                            estimate and --max-spend; without it such a model is priced like sora-2
      --durations 5,10      clip lengths (s) that model accepts (default: sora-2's 4,8,12)
      --sizes 1280x720,...  sizes that model accepts (default: sora-2's 1280x720,720x1280)
      --max-spend USD       refuse to submit work that would bring this project's spend over USD
      --concurrency N       jobs at once (1-8)
      --no-export           generate and download only
      --resend-unknown      send again the scenes whose earlier create could not be confirmed (the
                            provider may already have them: they may be billed twice)
      --force-unlock        open the project even though Storyreel on another computer holds its lock
                            (only when that computer is off or done with it)

  storyreel package <project-dir> [--out DIR] [--fps N]
      Write a conform package for an editor (the chosen takes, the cut as OTIO, FCPXML, Premiere XML
      and EDL, the captions as SRT/VTT): storyreel package --help.

  storyreel --help | --version

Keys (openai-videos): OPENAI_API_KEY or STORYREEL_API_KEY, from the environment or a .env file in the
current folder or the project folder. Keys are never written to the project, logs or output.

Exit codes: 0 done · 1 a scene failed or bad input (each failed scene is named with the reason) ·
75 jobs are kept for later: the provider could not be reached (the host is named), or a create could not
be confirmed (run again to check again, or add --resend-unknown) · 130 interrupted (jobs kept; run again).
`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

/**
 * STORYREEL_TIMING='{"unreachableGiveUpMs":5000,...}' shortens the engine's waits and bounds (the README's
 * defaults: unreachable for 2 min → exit 75; an unconfirmed create checked for 10 min). Unknown keys are ignored.
 */
function timingFromEnv(env: NodeJS.ProcessEnv): Partial<EngineTiming> | undefined {
  const { DEFAULT_TIMING } = loaded();
  if (!env.STORYREEL_TIMING) return undefined;
  try {
    const raw = JSON.parse(env.STORYREEL_TIMING) as Record<string, unknown>;
    const keys = Object.keys(DEFAULT_TIMING) as Array<keyof EngineTiming>;
    return Object.fromEntries(keys.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as Partial<EngineTiming>;
  } catch {
    fail('STORYREEL_TIMING must be a JSON object, e.g. {"unreachableGiveUpMs": 30000}.', 2);
  }
}

function fail(message: string, code = 1): never {
  process.stderr.write(`storyreel: ${message}\n`);
  process.exit(code);
}

function loadDotenv(dirs: string[]): Record<string, string> {
  const { parseDotenv } = loaded();
  const out: Record<string, string> = {};
  for (const dir of dirs) {
    const file = path.join(dir, '.env');
    // Read in order, so a later folder's .env (the project's) overrides an earlier one's (the current folder's).
    if (existsSync(file)) Object.assign(out, parseDotenv(readFileSync(file, 'utf8')));
  }
  return out;
}

async function init(args: string[]): Promise<void> {
  const { createProject } = await load();
  const { values, positionals } = parseArgs({ args, options: { title: { type: 'string' } }, allowPositionals: true });
  const dir = positionals[0];
  if (!dir) fail('init needs a project folder: storyreel init <project-dir> [--title T]');
  const project = await createProject(path.resolve(dir), { title: values.title ?? path.basename(path.resolve(dir)) });
  process.stdout.write(`Created "${project.title}" in ${path.resolve(dir)} (provider: ${project.provider}, ${project.size}).\n`);
}

async function render(args: string[]): Promise<number> {
  const { formatUsd, PROVIDER_IDS, providerProfile, NEXT_STEP, isTerminal, chosenTakeOf, buildTimeline, MemorySettings, Storyreel, parseBaseUrl, EnvSecrets, createLog, providerModule, checkFfmpeg, resolveFfmpeg } = await load();
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      header: { type: 'string', multiple: true },
      'auth-header': { type: 'string' },
      query: { type: 'string', multiple: true },
      'price-per-second': { type: 'string' },
      durations: { type: 'string' },
      sizes: { type: 'string' },
      'max-spend': { type: 'string' },
      concurrency: { type: 'string' },
      'no-export': { type: 'boolean' },
      'resend-unknown': { type: 'boolean' },
      'force-unlock': { type: 'boolean' },
    },
  });
  const dir = positionals[0];
  if (!dir) fail('render needs a project folder: storyreel render <project-dir>');
  const projectDir = path.resolve(dir);
  const maxSpend = values['max-spend'] === undefined ? null : Number(values['max-spend']);
  if (maxSpend !== null && !(maxSpend >= 0)) fail(`--max-spend must be a number of US dollars, not "${values['max-spend']}".`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 8)) fail('--concurrency must be a whole number from 1 to 8.');
  if (values.provider && !providerProfile(values.provider)) fail(`Unknown provider "${values.provider}". Use one of: ${PROVIDER_IDS.join(', ')}.`, 2);

  // --base-url replaces the chosen provider's host: the /v1/videos setting, or a module's *_BASE_URL.
  const mod = values.provider ? providerModule(values.provider) : undefined;
  const env: NodeJS.ProcessEnv = mod && values['base-url'] ? { ...process.env, [mod.baseUrlEnv[0]!]: values['base-url'] } : process.env;
  const gateway = gatewayFlags(values);
  if (values['base-url'] !== undefined) attempt(() => parseBaseUrl(values['base-url']!));
  // The base URL given here (flag or environment) is the creator's own choice: the key is bound to it.
  const baseUrl = mod ? null : (values['base-url'] ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null);
  const secrets = new EnvSecrets(env, loadDotenv([process.cwd(), projectDir]), { baseUrl, gateway });
  const log = createLog({ file: path.join(projectDir, '.storyreel', 'logs', 'cli.log'), secrets: () => secrets.all() });
  const ffPaths = resolveFfmpeg({ userPath: env.STORYREEL_FFMPEG ?? null, resourcesDir: null, env });
  const ffCheck = await checkFfmpeg(ffPaths);
  if (!ffCheck.ok) fail(`${ffCheck.error ?? 'ffmpeg was not found.'} ${NEXT_STEP.FfmpegMissing}`);

  const settings = new MemorySettings({ budgetUsd: maxSpend, openaiBaseUrl: mod ? null : (values['base-url'] ?? null) });
  const app = new Storyreel({ version: version(), ffmpeg: ffPaths, settings, secrets, log, owner: 'command line', env, concurrency, timing: timingFromEnv(env) });
  const out = (s: string) => process.stdout.write(s + '\n');

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    out('\nStopping. Every job is kept in the project and resumes on the next run.');
    void app.shutdown().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const view = await app.openProject(projectDir, { forceUnlock: values['force-unlock'] === true });
  let project = view.project;
  for (const note of app.current().store.loadNotes) out(`Note: ${note}.`);
  const custom = customModelFlags(values, values.provider ?? project.provider, values.model ?? (values.provider && values.provider !== project.provider ? null : project.model));
  if (custom) settings.update({ customModels: [custom] });
  if (values.provider || values.model || custom) {
    // The same rules as the window: a new provider brings its default model, and the size moves to
    // one the model makes if the current one is not.
    await app.handlers().project.update({ ...(values.provider ? { provider: values.provider } : {}), ...(values.model || custom ? { model: custom?.id ?? values.model } : {}) });
    project = app.current().store.get();
  }
  const sceneLabel = (sceneId: string) => {
    const i = app.current().store.get().scenes.findIndex((s) => s.id === sceneId);
    return i >= 0 ? `scene ${i + 1}` : 'a deleted scene';
  };

  // Progress: one line per state change, and progress in 25 % steps.
  const lastShown = new Map<string, string>();
  app.current().engine.on('job', (job: JobSnapshot) => {
    const pct = Math.floor(job.progress * 4) * 25;
    const key = `${job.state}:${job.state === 'running' || job.state === 'downloading' ? pct : ''}`;
    if (lastShown.get(job.id) === key) return;
    lastShown.set(job.id, key);
    const detail = job.state === 'failed' && job.error ? ` — ${job.error.message}` : job.state === 'running' || job.state === 'downloading' ? ` ${pct}%` : '';
    out(`  ${sceneLabel(job.sceneId)}: ${job.state}${detail}`);
  });

  const resumed = app.current().engine.records().filter((j) => !isTerminal(j.state)).length;
  if (resumed) out(`Resuming ${resumed} job(s) from the last run.`);
  if (values['resend-unknown']) {
    // The creator's explicit word: the earlier create may have reached the provider.
    // A job stopped as unknown last time is being re-checked by now (state submitted, error OutcomeUnknown).
    for (const job of app.current().engine.records().filter((j) => j.state === 'unknown' || (j.state === 'submitted' && j.error?.code === 'OutcomeUnknown'))) {
      await app.resendUnknown(job.id);
      out(`  ${sceneLabel(job.sceneId)}: sent again as you asked (--resend-unknown); it may be billed twice.`);
    }
  }
  const est = await app.estimate([]);
  if (est.lines.length) {
    out(`Generating ${est.lines.length} scene(s) with ${project.provider}/${project.model} at ${project.size}` + (est.totalUsd > 0 ? ` — estimated ${formatUsd(est.totalUsd)} (${est.totalSeconds} s × ${formatUsd(est.pricePerSecond)}/s).` : ' — free.'));
  }
  await app.generate([]);
  await app.current().engine.idle();
  if (interrupted) return 130;

  const session = app.current();
  project = session.store.get();
  // Jobs still kept (not finished, not failed): parked because the provider could not be reached, or
  // stopped because a create could not be confirmed. A re-run resumes them; none is ever resent unasked.
  const kept = session.engine.records().filter((j) => !isTerminal(j.state));
  const missing = project.scenes.map((s, i) => ({ s, n: i + 1 })).filter(({ s }) => !chosenTakeOf(s));
  if (missing.length) {
    for (const { s, n } of missing) {
      const job = kept.filter((j) => j.sceneId === s.id).at(-1);
      let reason: string;
      if (job?.state === 'unknown') reason = `— not confirmed: ${job.error?.message ?? 'the provider could not say whether it received it.'} Run again to check again, or add --resend-unknown to send it again.`;
      else if (job?.state === 'queued') reason = `— not sent: ${job.error?.message ?? 'the provider could not be reached.'} Run again to send it.`;
      else if (job?.state === 'downloading') reason = `— made and paid for, but not downloaded yet: ${job.error?.message ?? 'the download kept failing.'} Run again to download it (nothing is generated again).`;
      else if (job) reason = `— still at the provider: ${job.error?.message ?? 'it could not be reached.'} Run again to resume.`;
      else reason = `failed: ${s.lastError ? `${s.lastError.message} [${s.lastError.code}]` : 'no take was made'}`;
      process.stderr.write(`storyreel: scene ${n} ${reason}\n`);
    }
    const done = project.scenes.length - missing.length;
    process.stderr.write(`storyreel: ${done} of ${project.scenes.length} scene(s) have a take and were kept. Run the same command again to retry only what is missing.\n`);
    await app.shutdown();
    return kept.length && missing.every(({ s }) => kept.some((j) => j.sceneId === s.id)) ? 75 : 1;
  }
  if (values['no-export']) {
    out('All scenes have a take.');
    await app.shutdown();
    return 0;
  }
  // A take made for another size, style, prompt or length is used as it is, but never without a word.
  const { staleWarnings } = await import('../shared/stale.ts');
  for (const warning of staleWarnings(project)) process.stderr.write(`storyreel: warning: ${warning} Generate the scene again to match.\n`);
  out(`Exporting ${project.scenes.length} scene(s), ${buildTimeline(project).total.toFixed(1)} s of film…`);
  let lastPct = -1;
  app.on('event', (event, payload) => {
    if (event !== 'export') return;
    const snap = payload as { progress: number; etaSeconds: number | null };
    const pct = Math.floor(snap.progress * 10) * 10;
    if (pct !== lastPct) {
      lastPct = pct;
      out(`  export ${pct}%${snap.etaSeconds ? ` (about ${Math.ceil(snap.etaSeconds)} s left)` : ''}`);
    }
  });
  const started = app.startExport(values.out ? path.resolve(values.out) : undefined);
  const result = await app.waitExport(started.id);
  await app.shutdown();
  if (result.state !== 'done') {
    const e = result.error;
    fail(e ? `export failed: ${e.message} ${e.detail ?? ''}` : 'export was canceled.');
  }
  const file = values.out ? path.resolve(values.out) : path.join(projectDir, result.outputFile!);
  out(`Wrote ${file} (${result.totalSeconds.toFixed(1)} s, ${result.path === 'fast' ? 'video stream-copied' : 'normalized'}).`);
  return 0;
}

/** Runs a check that throws an AppError, and exits 1 with its message instead. */
function attempt<T>(fn: () => T): T {
  const { toAppErrorShape } = loaded();
  try {
    return fn();
  } catch (err) {
    fail(toAppErrorShape(err).message);
  }
}

/** --header, --auth-header and --query: how the gateway wants to be spoken to. */
function gatewayFlags(values: { header?: string[] | undefined; 'auth-header'?: string | undefined; query?: string[] | undefined }): GatewaySettings {
  const { parseHeaderLine, parseQueryPair } = loaded();
  const auth = values['auth-header'] ?? 'bearer';
  if (auth !== 'bearer' && auth !== 'api-key') fail(`--auth-header must be bearer or api-key, not "${auth}".`);
  return {
    authHeader: auth,
    headers: Object.fromEntries((values.header ?? []).map((line) => attempt(() => parseHeaderLine(line)))),
    query: Object.fromEntries((values.query ?? []).map((pair) => attempt(() => parseQueryPair(pair)))),
  };
}

/** --price-per-second, --durations, --sizes: the creator's description of a gateway model. */
function customModelFlags(values: { 'price-per-second'?: string | undefined; durations?: string | undefined; sizes?: string | undefined }, provider: string, model: string | null): CustomModel | null {
  const { modelProfile, CustomModelSchema, checkCustomModels } = loaded();
  const price = values['price-per-second'];
  if (price === undefined && values.durations === undefined && values.sizes === undefined) return null;
  if (!model) fail('--price-per-second, --durations and --sizes describe a gateway model: name it with --model.');
  const fallback = modelProfile(provider, model);
  if (price === undefined) fail(`--durations and --sizes need --price-per-second too, so ${model} is estimated at its own price.`);
  const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));
  const parsed = CustomModelSchema.safeParse({
    provider,
    id: model,
    pricePerSecond: Number(price),
    durations: list(values.durations)?.map(Number) ?? fallback?.durations ?? [],
    sizes: list(values.sizes) ?? fallback?.sizes ?? [],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { pricePerSecond: '--price-per-second', durations: '--durations', sizes: '--sizes' }[String(issue?.path[0]) as 'sizes'] ?? '--model';
    fail(`${flag}: ${issue?.message ?? 'invalid value'} (e.g. --price-per-second 0.05 --durations 5,10 --sizes 1280x720,1920x1080).`);
  }
  attempt(() => checkCustomModels([parsed.data]));
  return parsed.data;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  if (cmd === 'init') {
    await init(rest);
    return 0;
  }
  if (cmd === 'render') return render(rest);
  if (cmd === 'package') return (await import('./cli/package.ts')).runPackage(rest);
  fail(`Unknown command "${cmd}". Run storyreel --help.`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const { NEXT_STEP, toAppErrorShape } = await import('../shared/errors.ts');
    const e = toAppErrorShape(err);
    const next = NEXT_STEP[e.code as keyof typeof NEXT_STEP];
    process.stderr.write(`storyreel: ${e.message}${next ? ` ${next}` : ''}${e.code === 'Internal' && e.detail ? `\n  (${e.detail})` : ''}\n`);
    process.exit(1);
  },
);

