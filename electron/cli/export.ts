// `storyreel export <dir>` (electron/cli/export.ts): the chosen takes of a project made into one film, nothing generated. Prints
// the plan (the path each scene takes and why) and progress; exits non-zero naming the scene when a
// take is missing or damaged. It reads project.json and never writes it, so it needs no project lock and
// starts fast: the time of a fast-path export is almost all ffmpeg's (`npm run bench -- export`).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EXPORT_HELP, parseExportFlags } from './export-flags.ts';
import { withNextStep } from './output.ts';

export { EXPORT_HELP };

/** Runs the command; resolves to the exit code (0 done, 1 failed, 2 bad usage, 130 interrupted). */
export async function exportCommand(args: string[]): Promise<number> {
  const say = (s: string): void => void process.stdout.write(`${s}\n`);
  const complain = (s: string): void => void process.stderr.write(`storyreel: ${s}\n`);
  const flags = parseExportFlags(args);
  if ('error' in flags) {
    complain(`${flags.error} Usage:\n${EXPORT_HELP}`);
    return 2;
  }
  const { toAppErrorShape, saysWhatToDo } = await import('../../shared/errors.ts');
  const projectDir = path.resolve(flags.dir);
  const [{ readProject }, { defaultExportPath, filmOf, writeCaptionSidecars }, { exportFilm }, { Ffmpeg, resolveFfmpeg }, { createLog }, { captionCues }, { recordExport }, { cutOf }, { newId, relativePosix }] = await Promise.all([
    import('../services/projects/store.ts'),
    import('../services/export/film.ts'),
    import('../services/media/stitch.ts'),
    import('../services/media/ffmpeg.ts'),
    import('../services/log.ts'),
    import('../services/export/interchange/captions.ts'),
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
    const out = flags.out ? path.resolve(flags.out) : defaultExportPath(projectDir, project.title, project.id);
    const cues = flags.captions ? captionCues(project, timeline) : [];
    if (flags.captions && !cues.length) say('No scene has a caption, so there are none to ' + (flags.captions === 'burn' ? 'draw on the picture.' : 'write beside the film.'));
    await mkdir(path.dirname(out), { recursive: true });
    const log = createLog({ file: path.join(projectDir, '.storyreel', 'logs', 'cli.log') });
    const ff = new Ffmpeg(resolveFfmpeg({ userPath: process.env.STORYREEL_FFMPEG ?? null, resourcesDir: null, env: process.env }), log);
    say(`Exporting ${clips.length} scene(s), ${timeline.total.toFixed(2)} s of film…`);
    let lastPct = -1;
    const result = await exportFilm(ff, clips, out, project.size, {
      projectDir,
      cacheDir: path.join(projectDir, '.storyreel', 'cache'),
      transitions,
      ...(flags.preset ? { aspect: flags.preset } : {}),
      fit: flags.fit,
      quality: flags.quality,
      sound: { loudness: flags.loudness, music: flags.music },
      ...(flags.captions === 'burn' ? { burnCaptions: cues } : {}),
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
    say(`Wrote ${out} (${result.info.durationSeconds.toFixed(2)} s, ${result.info.video?.width}x${result.info.video?.height}, ${result.path === 'fast' ? 'picture stream-copied' : 'rendered'}).`);
    // The film is recorded even when its captions could not be written beside it (that still fails the command).
    let sidecarError: unknown = null;
    const sidecars =
      flags.captions === 'srt' &&
      cues.length > 0 &&
      (await writeCaptionSidecars(project, timeline, out).then(
        (written) => (say(`Wrote the captions beside it: ${written.map((f) => path.basename(f)).join(', ')}.`), true),
        (err: unknown) => ((sidecarError = err), false),
      ));
    const choices = { loudness: flags.loudness ?? null, music: flags.music ? relativePosix(projectDir, flags.music) : null, captions: flags.captions === 'burn' && cues.length ? 'burn' : sidecars ? 'srt' : 'none' } as const;
    await recordExport(projectDir, { id: newId('export'), file, finishedAt: new Date().toISOString(), seconds: result.info.durationSeconds, preset: { size: project.size, aspect: flags.preset ?? null, fit: flags.fit, quality: flags.quality }, cut: cutOf(project), choices }).catch((err: unknown) => log(`could not record the export in exports.json: ${String(err)}`));
    if (sidecarError) throw sidecarError;
    if (flags.packageDir) {
      const { conformFacts, writeConformPackage } = await import('../services/export/interchange/package.ts');
      const facts = await conformFacts(ff, projectDir, timeline);
      const pkg = await writeConformPackage(projectDir, project, timeline, flags.packageDir, { fps: facts.fps, hasAudio: facts.hasAudio, signal: abort.signal });
      say(`Wrote the conform package for an editor: ${pkg.dir} (${pkg.files.filter((f) => !f.startsWith('media/')).join(', ')}).`);
    }
    return 0;
  } catch (err) {
    const e = toAppErrorShape(err);
    if (e.code === 'Aborted' || interrupted) {
      complain('export canceled; no file was written.');
      return 130;
    }
    // The next step in a terminal's words, and only when the message does not already say what to do.
    complain(`export failed: ${saysWhatToDo(e.message) ? e.message : withNextStep(e.message, e.code)}`);
    if (e.code === 'FfmpegFailed' && e.detail) complain(`details:\n${e.detail.split('\n').slice(-24).join('\n')}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
