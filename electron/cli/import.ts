// `storyreel import` and `storyreel generate`: a shot list into a project, and generation without export.
// Loaded by cli.ts only when one of these commands runs (so --help stays fast); they use the same services
// as the window (projects/import-shotlist.ts, the planner's admission and budget rules).
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatUsd } from '../../shared/capabilities.ts';
import { toAppErrorShape } from '../../shared/errors.ts';
import { isTerminal, type JobSnapshot } from '../../shared/jobs.ts';
import { MemorySettings, parseDotenv, Storyreel, EnvSecrets } from '../services/app.ts';
import { createLog } from '../services/log.ts';
import { checkFfmpeg, resolveFfmpeg } from '../services/media/ffmpeg.ts';
import { importShotList } from '../services/projects/import-shotlist.ts';
import { acquireLock } from '../services/projects/lock.ts';
import { ProjectStore } from '../services/projects/store.ts';
import { parse, usage, UsageError } from './args.ts';
import { version } from './help.ts';
import { cliCatalogDir } from './models.ts';

/** "1,3-5" → [1, 3, 4, 5]; scene numbers as the window shows them (from 1). */
export function parseSceneList(spec: string, count: number): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) usage('generate', `--scenes takes scene numbers and ranges like 1,3-5, not "${part}".`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to < from) usage('generate', `--scenes: "${part}" is not a range of scene numbers (they start at 1).`);
    if (to > count) usage('generate', `--scenes: the project has ${count} scene${count === 1 ? '' : 's'}, so there is no scene ${to}.`);
    for (let n = from; n <= to; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('import', args, { after: { type: 'string' } }, { min: 2, max: 2, names: 'a project folder and a shot-list file' });
  const [dir, file] = positionals as [string, string];
  let text: string;
  try {
    text = await fs.readFile(path.resolve(file), 'utf8');
  } catch {
    usage('import', `cannot read the shot list ${file}.`);
  }
  const store = await ProjectStore.open(path.resolve(dir));
  // The window or a render may have the project open: the lock keeps two writers apart.
  const lock = await acquireLock(store.stateDir(), 'command line');
  try {
    await store.saveLoadRepairs();
    let afterId: string | null = null;
    if (values.after !== undefined) {
      const n = Number(values.after);
      const scenes = store.get().scenes;
      if (!Number.isInteger(n) || n < 0 || n > scenes.length) usage('import', `--after must be a scene number from 0 to ${scenes.length}.`);
      afterId = n === 0 ? null : scenes[n - 1]!.id;
      if (n === 0 && scenes.length) usage('import', '--after 0 is not supported yet; leave --after out to add at the end.');
    }
    const result = await importShotList(store, text, { afterId });
    await store.flush();
    const all = store.get().scenes;
    const first = all.findIndex((s) => s.id === result.added[0]) + 1;
    process.stdout.write(`Imported ${result.summary}: scene${result.added.length === 1 ? '' : 's'} ${first}${result.added.length > 1 ? `–${first + result.added.length - 1}` : ''} of ${all.length}.\n`);
    for (const note of result.notes) process.stdout.write(`Note: ${note}\n`);
    return 0;
  } finally {
    await lock.release();
  }
}

export async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('generate', args, { scenes: { type: 'string' }, takes: { type: 'string' }, 'max-spend': { type: 'string' }, 'force-unlock': { type: 'boolean' } }, { min: 1, max: 1, names: 'a project folder' });
  const dir = positionals[0]!;
  const takes = values.takes === undefined ? 1 : Number(values.takes);
  if (!Number.isInteger(takes) || takes < 1 || takes > 4) usage('generate', `--takes must be a whole number from 1 to 4, not "${values.takes}".`);
  const maxSpend = values['max-spend'] === undefined ? null : Number(values['max-spend']);
  if (maxSpend !== null && !(maxSpend >= 0)) usage('generate', `--max-spend must be a number of US dollars, not "${values['max-spend']}".`);
  // The list's form is checked before anything opens; the scene numbers once the project is read.
  if (values.scenes !== undefined) parseSceneList(values.scenes, Infinity);
  const projectDir = path.resolve(dir);
  if (!existsSync(path.join(projectDir, 'project.json'))) usage('generate', `there is no Storyreel project in ${projectDir}.`);

  const env = process.env;
  const dotenv: Record<string, string> = {};
  for (const d of [process.cwd(), projectDir]) if (existsSync(path.join(d, '.env'))) Object.assign(dotenv, parseDotenv(readFileSync(path.join(d, '.env'), 'utf8')));
  const secrets = new EnvSecrets(env, dotenv);
  const log = createLog({ file: path.join(projectDir, '.storyreel', 'logs', 'cli.log'), secrets: () => secrets.all() });
  const ffmpeg = resolveFfmpeg({ userPath: env.STORYREEL_FFMPEG ?? null, resourcesDir: null, env });
  const check = await checkFfmpeg(ffmpeg);
  if (!check.ok) throw new Error(check.error ?? 'ffmpeg was not found.');
  const app = new Storyreel({ version: version(), ffmpeg, settings: new MemorySettings({ budgetUsd: maxSpend }), secrets, log, owner: 'command line', env, catalogDir: cliCatalogDir(env) });
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    const view = await app.openProject(projectDir, { forceUnlock: values['force-unlock'] === true });
    const scenes = view.project.scenes;
    if (!scenes.length) usage('generate', 'the project has no scenes; add some first (storyreel import <project-dir> <shot-list-file>).');
    const numbers = values.scenes === undefined ? null : parseSceneList(values.scenes, scenes.length);
    const ids = numbers ? numbers.map((n) => scenes[n - 1]!.id) : [];
    const label = (id: string) => `scene ${app.current().store.get().scenes.findIndex((s) => s.id === id) + 1}`;
    app.current().engine.on('job', (job: JobSnapshot) => {
      if (job.state === 'ready' || job.state === 'failed' || job.state === 'canceled') out(`  ${label(job.sceneId)}: ${job.state}${job.error ? ` — ${job.error.message}` : ''}`);
    });
    const est = await app.estimate(ids, takes);
    if (est.blocked) throw Object.assign(new Error(est.blocked.message), { code: est.blocked.code });
    if (!est.lines.length) {
      out('Every scene already has a take; name scenes with --scenes to make more.');
      return 0;
    }
    out(`Generating ${est.lines.length} scene(s) × ${takes} take(s)` + (est.totalUsd > 0 ? ` — estimated ${formatUsd(est.totalUsd)}.` : ' — free.'));
    const jobIds = await app.generate(ids, takes);
    await app.current().engine.idle();
    const jobs = app.current().engine.records().filter((j) => jobIds.includes(j.id));
    const failed = jobs.filter((j) => j.state === 'failed' || j.state === 'canceled');
    const kept = jobs.filter((j) => !isTerminal(j.state));
    out(`${jobs.length - failed.length - kept.length} of ${jobs.length} take(s) ready; nothing exported (storyreel render exports).`);
    if (kept.length) out(`${kept.length} job(s) are kept for later; run the same command again to resume them.`);
    return failed.length ? 1 : kept.length ? 75 : 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    process.stderr.write(`storyreel: ${toAppErrorShape(err).message}\n`);
    return 1;
  } finally {
    await app.shutdown();
  }
}
