// storyreel render <project-dir>: open the project, resume its ledger, generate what is missing (after the
// creator's yes to paid work), wait, download, export, and end with one summary line.
// Every argument is checked before the project is opened, and the plan before anything is sent.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '../../shared/jobs.ts';
import type { Project } from '../../shared/project.ts';
import { dollars, parse, refuse, usage, wholeNumber } from './args.ts';
import { agreeToPaidWork } from './consent.ts';
import { load } from './deps.ts';
import { checked, customModelFlags, gatewayFlags, loadDotenv, timingFromEnv } from './flags.ts';
import { version } from './help.ts';
import { cliCatalogDir } from './models.ts';
import { setLogFile, withNextStep } from './output.ts';
import { clock, Progress } from './progress.ts';

const OPTIONS = {
  out: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
  save: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'base-url': { type: 'string' },
  region: { type: 'string' },
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
} as const;

/** --out: refused before anything is generated unless its folder exists and it is not itself a folder. */
async function checkOut(out: string | undefined, noExport: boolean): Promise<string | undefined> {
  if (out === undefined) return undefined;
  if (noExport) usage('render', '--out and --no-export together: --no-export writes no film. Drop one of them.');
  const file = path.resolve(out);
  const folder = path.dirname(file);
  const parent = await fs.stat(folder).catch(() => null);
  if (!parent) usage('render', `--out ${out}: the folder ${folder} does not exist. Create it first (mkdir -p ${JSON.stringify(folder)}) or choose another --out.`);
  if (!parent.isDirectory()) usage('render', `--out ${out}: ${folder} is a file, not a folder.`);
  if ((await fs.stat(file).catch(() => null))?.isDirectory()) usage('render', `--out ${out} is a folder: give a file name, e.g. --out ${path.join(out, 'film.mp4')}`);
  await fs.access(folder, fs.constants.W_OK).catch(() => usage('render', `--out ${out}: the folder ${folder} cannot be written to. Choose another --out.`));
  return file;
}

export async function render(args: string[]): Promise<number> {
  const { values, positionals } = parse('render', args, OPTIONS, { min: 1, max: 1, names: 'a project folder' });
  const d = await load();
  const given = positionals[0]!;
  const projectDir = path.resolve(given);
  const maxSpend = dollars('render', '--max-spend', values['max-spend']);
  const concurrency = wholeNumber('render', '--concurrency', values.concurrency, 1, 8);
  if (values.provider && !d.providerProfile(values.provider)) usage('render', `Unknown provider "${values.provider}". Use one of: ${d.PROVIDER_IDS.join(', ')}.`);
  if (values.save && !values.provider && !values.model) usage('render', '--save keeps --provider and --model in project.json: give at least one of them.');
  const gateway = gatewayFlags(values);
  if (values['base-url'] !== undefined) checked(() => d.parseBaseUrl(values['base-url']!));
  // --region cn: Ark on Volcengine (Beijing) instead of BytePlus; any provider whose profile lists the region.
  const providerSettings = values.region !== undefined ? checked(() => d.regionSettings(values.region!)) : {};
  const outFile = await checkOut(values.out, values['no-export'] === true);
  // The project is read (never written) before the lock and the services, so a missing or damaged one is
  // said at once; the custom model flags need its provider.
  const onDisk = (await d.loadProject(projectDir)).project;
  const provider = values.provider ?? onDisk.provider;
  const custom = customModelFlags(values, provider, values.model ?? (values.provider && values.provider !== onDisk.provider ? null : onDisk.model));
  // --provider and --model: the same rules as the window (a new provider brings its default model, and the
  // size moves to one the model makes), checked now; kept in project.json only with --save.
  const patch = values.provider || values.model || custom ? { ...(values.provider ? { provider: values.provider } : {}), ...(values.model || custom ? { model: custom?.id ?? values.model } : {}) } : null;
  const runSettings = patch ? d.applyProjectPatch(onDisk, patch, custom ? [custom] : []) : null;
  // The run's model sets how many jobs run at once (the stored project's model would, otherwise).
  const jobsAtOnce = concurrency ?? (runSettings ? d.modelProfile(runSettings.provider, runSettings.model, custom ? [custom] : [])?.concurrency : undefined);

  // --base-url replaces the chosen provider's host: the /v1/videos setting, or a module's *_BASE_URL.
  const mod = values.provider ? d.providerModule(values.provider) : undefined;
  const env: NodeJS.ProcessEnv = mod && values['base-url'] ? { ...process.env, [mod.baseUrlEnv[0]!]: values['base-url'] } : process.env;
  // The base URL given here (flag or environment) is the creator's own choice: the key is bound to it.
  const baseUrl = mod ? null : (values['base-url'] ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null);
  const secrets = new d.EnvSecrets(env, loadDotenv([process.cwd(), projectDir]), { baseUrl, gateway });
  const logFile = path.join(projectDir, '.storyreel', 'logs', 'cli.log');
  const log = d.createLog({ file: logFile, secrets: () => secrets.all() });
  setLogFile(logFile);
  const ffPaths = d.resolveFfmpeg({ userPath: env.STORYREEL_FFMPEG ?? null, resourcesDir: null, env });
  const ffCheck = await d.checkFfmpeg(ffPaths);
  if (!ffCheck.ok) refuse(withNextStep(ffCheck.error ?? 'ffmpeg was not found.', 'FfmpegMissing'));

  const settings = new d.MemorySettings({ budgetUsd: maxSpend, openaiBaseUrl: mod ? null : (values['base-url'] ?? null), providers: providerSettings });
  if (custom) settings.update({ customModels: [custom] });
  const app = new d.Storyreel({ version: version(), ffmpeg: ffPaths, settings, secrets, log, owner: 'command line', env, concurrency: jobsAtOnce, timing: timingFromEnv(env), catalogDir: cliCatalogDir(env) });
  const progress = new Progress(process.stdout, (sceneId) => {
    const i = app.current().store.get().scenes.findIndex((s) => s.id === sceneId);
    return i >= 0 ? `scene ${i + 1}` : 'a deleted scene';
  });
  const out = (s: string) => progress.say(s);

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.end();
    process.stdout.write('\nStopping. Every job is kept in the project and resumes on the next run.\n');
    void app.shutdown().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await app.openProject(projectDir, { forceUnlock: values['force-unlock'] === true });
  try {
    return await run();
  } finally {
    progress.end();
    await app.shutdown();
  }

  async function run(): Promise<number> {
    const session = app.current();
    if (!session.store.get().scenes.length) refuse(`${path.join(projectDir, 'project.json')} has no scenes, so there is nothing to render. Add scenes to it (see "Project format" in the README), then run: storyreel render ${given}`);
    for (const note of session.store.loadNotes) out(`Note: ${note}.`);
    // --provider and --model: written with --save; otherwise this run's view of the project, never saved.
    let view: ((p: Project) => Project) | undefined;
    if (patch && values.save) {
      await app.handlers().project.update(patch);
      out(`Saved in project.json: ${session.store.get().provider}/${session.store.get().model} at ${session.store.get().size}.`);
    } else if (runSettings) {
      view = (p) => ({ ...p, provider: runSettings.provider, model: runSettings.model, size: runSettings.size });
    }
    const planner = new d.GenerationPlanner(session, { budgetUsd: () => settings.get().budgetUsd, customModels: () => app.keys.customModels(), view });
    const project = () => (view ? view(session.store.get()) : session.store.get());
    session.engine.on('job', (job: JobSnapshot) => progress.job(job));

    const resumed = session.engine.records().filter((j) => !d.isTerminal(j.state));
    if (resumed.length) out(`Resuming ${resumed.length} job(s) from the last run.`);
    for (const job of resumed) progress.job(job);
    if (values['resend-unknown']) {
      // The creator's explicit word: the earlier create may have reached the provider.
      // A job stopped as unknown last time is being re-checked by now (state submitted, error OutcomeUnknown).
      for (const job of session.engine.records().filter((j) => j.state === 'unknown' || (j.state === 'submitted' && j.error?.code === 'OutcomeUnknown'))) {
        await planner.resend(job.id);
        out(`  ${sceneLabel(job.sceneId)}: sent again as you asked (--resend-unknown); it may be billed twice.`);
      }
    }
    const est = await planner.estimate([]);
    if (est.lines.length) {
      if (est.blocked) refuse(blockedMessage(est.blocked, project().provider));
      const p = project();
      const n = `${est.lines.length} scene(s) with ${p.provider}/${p.model} at ${p.size}`;
      const price = ` — estimated ${d.formatUsd(est.totalUsd)} (${est.totalSeconds} s × ${d.formatUsd(est.pricePerSecond)}/s)`;
      if (est.overBudgetUsd > 0) {
        const over = `${d.formatUsd(est.totalUsd)}, which goes over your budget of ${d.formatUsd(est.budgetUsd ?? 0)} by ${d.formatUsd(est.overBudgetUsd)} (--max-spend; already spent on this project: ${d.formatUsd(est.spentUsd)})`;
        refuse(withNextStep(`Generating ${n} would cost ${over}. Nothing was sent.`, 'BudgetExceeded'));
      }
      let asked = false;
      if (est.totalUsd > 0) {
        asked = await agreeToPaidWork({ yes: values.yes === true, maxSpend, what: `${n}${price}`, totalUsd: d.formatUsd(est.totalUsd), command: `storyreel render ${given}` });
      }
      // After a yes to the question the estimate is on screen already.
      out(`Generating ${n}${asked ? '.' : est.totalUsd > 0 ? `${price}.` : ' — free.'}`);
      progress.expect(resumed.length + est.lines.length);
      for (const id of await planner.generate([])) progress.job(session.engine.get(id)!);
    }
    await session.engine.idle();
    if (interrupted) return 130;
    progress.end();

    const final = session.store.get();
    const total = final.scenes.length;
    // Jobs still kept (not finished, not failed): parked because the provider could not be reached, or
    // stopped because a create could not be confirmed. A re-run resumes them; none is ever resent unasked.
    const kept = session.engine.records().filter((j) => !d.isTerminal(j.state));
    const missing = final.scenes.map((s, i) => ({ s, n: i + 1 })).filter(({ s }) => !d.chosenTakeOf(s));
    if (missing.length) {
      for (const { s, n } of missing) {
        const job = kept.filter((j) => j.sceneId === s.id).at(-1);
        let reason: string;
        if (job?.state === 'unknown') reason = `— not confirmed: ${job.error?.message ?? 'the provider could not say whether it received it.'} Run again to check again, or add --resend-unknown to send it again.`;
        else if (job?.state === 'queued') reason = `— not sent: ${job.error?.message ?? 'the provider could not be reached.'} Run again to send it.`;
        else if (job?.state === 'downloading') reason = `— made and paid for, but not downloaded yet: ${job.error?.message ?? 'the download kept failing.'} Run again to download it (nothing is generated again).`;
        else if (job) reason = `— still at the provider: ${job.error?.message ?? 'it could not be reached.'} Run again to resume.`;
        else if (s.takes.length) reason = `has ${s.takes.length} take${s.takes.length === 1 ? '' : 's'} and none is in the film. Choose one in the app (or set its "chosenTake" in project.json to one of its take ids), then run the same command again.`;
        else reason = `failed: ${s.lastError ? `${s.lastError.message} [${s.lastError.code}]` : 'no take was made'}`;
        process.stderr.write(`storyreel: scene ${n} ${reason}\n`);
      }
      const onlyPicks = missing.every(({ s }) => s.takes.length > 0);
      process.stderr.write(
        onlyPicks
          ? `storyreel: ${total - missing.length} of ${total} scene(s) have a take in the film; nothing was exported.\n`
          : `storyreel: ${total - missing.length} of ${total} scene(s) have a take and were kept. Run the same command again to retry only what is missing.\n`,
      );
      return kept.length && missing.every(({ s }) => kept.some((j) => j.sceneId === s.id)) ? 75 : 1;
    }
    if (values['no-export']) {
      out(`${total} of ${total} scenes ready (not exported: --no-export).`);
      return 0;
    }
    // A take made for another size, style, prompt or length is used as it is, but never without a word.
    const { staleWarnings } = await import('../../shared/stale.ts');
    for (const warning of staleWarnings(final)) process.stderr.write(`storyreel: warning: ${warning} Generate the scene again to match.\n`);
    out(`Exporting ${total} scene(s), ${d.buildTimeline(final).total.toFixed(1)} s of film…`);
    app.on('event', (event, payload) => {
      if (event !== 'export') return;
      const snap = payload as { progress: number; etaSeconds: number | null };
      progress.export(snap.progress, snap.etaSeconds);
    });
    const started = app.startExport(outFile);
    const result = await app.waitExport(started.id);
    progress.end();
    if (result.state !== 'done') {
      const e = result.error;
      refuse(e ? `The export failed: ${withNextStep(`${e.message}${e.detail ? ` (${e.detail})` : ''}`, e.code)}` : 'The export was canceled.');
    }
    const file = outFile ?? path.join(projectDir, result.outputFile!);
    out(`Wrote ${file} (${result.totalSeconds.toFixed(1)} s, ${result.path === 'fast' ? 'video stream-copied' : 'normalized'}).`);
    out(`${total} of ${total} scenes ready, ${clock(result.totalSeconds)} exported to ${file}`);
    return 0;
  }

  function sceneLabel(sceneId: string): string {
    const i = app.current().store.get().scenes.findIndex((s) => s.id === sceneId);
    return i >= 0 ? `scene ${i + 1}` : 'a deleted scene';
  }

  /** Why the plan cannot be sent, in the command line's words (a missing key names the variable to set). */
  function blockedMessage(e: { code: string; message: string }, provider: string): string {
    if (e.code === 'MissingKey') {
      const keyVar = d.providerModule(provider)?.keyEnv[0] ?? 'OPENAI_API_KEY';
      return `No API key is set for ${provider}, so nothing was sent. Set it for this command: ${keyVar}=… storyreel render ${given} (or put ${keyVar}=… in ${path.join(given, '.env')}), or add --provider preview to render offline for free.`;
    }
    return withNextStep(e.message, e.code as 'InvalidInput');
  }
}
