// `storyreel export <dir>` (electron/cli/export.ts): the chosen takes of a project made into one film, nothing generated. Prints
// the plan (the path each scene takes and why) and progress; exits non-zero naming the scene when a
// take is missing or damaged. It reads project.json and never writes it, so it needs no project lock and
// starts fast: the time of a fast-path export is almost all ffmpeg's (`npm run bench -- export`).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const EXPORT_HELP = `  storyreel export <project-dir> [options]
      Export the chosen takes (trims and transitions included) without generating anything.
      --out FILE            where to write the MP4 (default: <project-dir>/exports/<title>-<time>.mp4)
      --preset 16:9|9:16|1:1  the film's shape (default: the project's size)
      --fit | --fill        fit each take inside the frame (bars) or fill it (cropped); default fit
      --quality Q           draft | standard (default) | high
`;

const PRESETS = ['16:9', '9:16', '1:1'] as const;

/** Runs the command; resolves to the exit code (0 done, 1 failed, 2 bad usage, 130 interrupted). */
export async function exportCommand(args: string[]): Promise<number> {
  const say = (s: string): void => void process.stdout.write(`${s}\n`);
  const complain = (s: string): void => void process.stderr.write(`storyreel: ${s}\n`);
  let values: { out?: string | undefined; preset?: string | undefined; fit?: boolean | undefined; fill?: boolean | undefined; quality?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, preset: { type: 'string' }, fit: { type: 'boolean' }, fill: { type: 'boolean' }, quality: { type: 'string' } } }));
  } catch (err) {
    complain(`${err instanceof Error ? err.message : String(err)}. Usage:\n${EXPORT_HELP}`);
    return 2;
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) {
    complain(`export needs one project folder. Usage:\n${EXPORT_HELP}`);
    return 2;
  }
  const preset = values.preset;
  if (preset !== undefined && !(PRESETS as readonly string[]).includes(preset)) {
    complain(`--preset must be one of ${PRESETS.join(', ')}, not "${preset}".`);
    return 2;
  }
  if (values.fit && values.fill) {
    complain('choose --fit or --fill, not both.');
    return 2;
  }
  const [{ QUALITIES }, { toAppErrorShape, NEXT_STEP }] = await Promise.all([import('../services/media/film-graph.ts'), import('../../shared/errors.ts')]);
  const quality = values.quality ?? 'standard';
  if (!(QUALITIES as readonly string[]).includes(quality)) {
    complain(`--quality must be one of ${QUALITIES.join(', ')}, not "${quality}".`);
    return 2;
  }

  const projectDir = path.resolve(dir);
  const [{ readProject }, { defaultExportPath, filmOf }, { exportFilm }, { Ffmpeg, resolveFfmpeg }, { createLog }, { recordExport }, { cutOf }, { newId, relativePosix }] = await Promise.all([
    import('../services/projects/store.ts'),
    import('../services/export/film.ts'),
    import('../services/media/stitch.ts'),
    import('../services/media/ffmpeg.ts'),
    import('../services/log.ts'),
    import('../services/export/history.ts'),
    import('../../shared/export-history.ts'),
    import('../services/fsutil.ts'),
  ]);
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('\nStopping the export; nothing is kept.');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const project = await readProject(projectDir);
    const { clips, transitions, timeline } = filmOf(project, projectDir);
    const out = values.out ? path.resolve(values.out) : defaultExportPath(projectDir, project.title, project.id);
    await mkdir(path.dirname(out), { recursive: true });
    const log = createLog({ file: path.join(projectDir, '.storyreel', 'logs', 'cli.log') });
    const ff = new Ffmpeg(resolveFfmpeg({ userPath: process.env.STORYREEL_FFMPEG ?? null, resourcesDir: null, env: process.env }), log);
    say(`Exporting ${clips.length} scene(s), ${timeline.total.toFixed(2)} s of film…`);
    let lastPct = -1;
    const result = await exportFilm(ff, clips, out, project.size, {
      projectDir,
      cacheDir: path.join(projectDir, '.storyreel', 'cache'),
      transitions,
      ...(preset ? { aspect: preset as (typeof PRESETS)[number] } : {}),
      fit: values.fill ? 'fill' : 'fit',
      quality: quality as (typeof QUALITIES)[number],
      signal: abort.signal,
      log,
      onPlan: (plan) => {
        say(`Plan: ${plan.reason}.`);
        for (const s of plan.segments) say(`  scene ${s.scene}: ${s.path} — ${s.reason}`);
        log(`export plan: ${plan.reason}; ${plan.segments.map((s) => `scene ${s.scene} ${s.path} (${s.reason})`).join('; ')}`);
      },
      onProgress: (p) => {
        const pct = Math.floor(p.fraction * 10) * 10;
        if (pct === lastPct) return;
        lastPct = pct;
        say(`  export ${pct}%${p.etaSeconds ? ` (about ${Math.ceil(p.etaSeconds)} s left)` : ''}`);
      },
    });
    // Listed in the app's past exports with the cut it came from (a film outside the project folder too).
    const file = relativePosix(projectDir, out);
    await recordExport(projectDir, { id: newId('export'), file, finishedAt: new Date().toISOString(), seconds: result.info.durationSeconds, preset: { size: project.size, aspect: preset ?? null, fit: values.fill ? 'fill' : 'fit', quality }, cut: cutOf(project) }).catch((err: unknown) => log(`could not record the export in exports.json: ${String(err)}`));
    say(`Wrote ${out} (${result.info.durationSeconds.toFixed(2)} s, ${result.info.video?.width}x${result.info.video?.height}, ${result.path === 'fast' ? 'picture stream-copied' : 'rendered'}).`);
    return 0;
  } catch (err) {
    const e = toAppErrorShape(err);
    if (e.code === 'Aborted' || interrupted) {
      complain('export canceled; no file was written.');
      return 130;
    }
    const next = NEXT_STEP[e.code as keyof typeof NEXT_STEP];
    complain(`export failed: ${e.message}${next ? ` ${next}` : ''}`);
    if (e.code === 'FfmpegFailed' && e.detail) complain(`details:\n${e.detail.split('\n').slice(-24).join('\n')}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
