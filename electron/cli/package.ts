// storyreel package <project-dir> [--out DIR] [--fps N]: the conform package for editors (the chosen takes
// plus the cut as OTIO, FCPXML, Premiere XML, EDL and captions), from the project as it is on disk.
// Nothing is generated and the project is only read. Loaded by cli.ts only when this command runs.
import path from 'node:path';
import { parseArgs } from 'node:util';

export const PACKAGE_HELP = `  storyreel package <project-dir> [--out DIR] [--fps N]
      Write a conform package for an editor: the chosen takes copied with stable names, and the cut
      as film.otio, film.fcpxml, film.xml (Premiere), film.edl, film.srt and film.vtt, with a README.
      --out DIR             a new folder for it (default: <project-dir>/exports/<title>-package-<time>)
      --fps N               the cut's frame rate (default: the chosen takes' own)
`;

/** Runs the command; returns the exit code (0 written, 1 refused with the reason, 2 bad usage, 130 stopped). */
export async function runPackage(args: string[], io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  let values: { out?: string | undefined; fps?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, fps: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    io.err(`storyreel: ${(err as Error).message}\n${PACKAGE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(`Usage:\n${PACKAGE_HELP}`);
    return 0;
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) {
    io.err(`storyreel: package needs one project folder.\n${PACKAGE_HELP}`);
    return 2;
  }
  const fpsFlag = values.fps === undefined ? null : Number(values.fps);
  if (fpsFlag !== null && !(fpsFlag > 0 && fpsFlag <= 240)) {
    io.err(`storyreel: --fps must be a frame rate such as 24, 25, 29.97 or 30, not "${values.fps}".\n`);
    return 2;
  }
  const [{ toAppErrorShape }, { readProject }, { buildTimeline }, { Ffmpeg, resolveFfmpeg }, { conformFacts, defaultPackageDir, writeConformPackage }] = await Promise.all([
    import('../../shared/errors.ts'),
    import('../services/projects/store.ts'),
    import('../../shared/timeline.ts'),
    import('../services/media/ffmpeg.ts'),
    import('../services/export/interchange/package.ts'),
  ]);
  const projectDir = path.resolve(dir);
  // Ctrl-C stops the copying; the package folder is then not written at all (no half of it is left).
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const project = await readProject(projectDir);
    const timeline = buildTimeline(project);
    const ff = new Ffmpeg(resolveFfmpeg({ userPath: process.env.STORYREEL_FFMPEG ?? null, env: process.env }));
    const facts = await conformFacts(ff, projectDir, timeline);
    const fps = fpsFlag ?? facts.fps;
    const outDir = values.out ? path.resolve(values.out) : defaultPackageDir(projectDir, project.title);
    const result = await writeConformPackage(projectDir, project, timeline, outDir, { fps, hasAudio: facts.hasAudio, signal: stop.signal });
    const { cut } = result;
    io.out(`Conform package for "${project.title}": ${cut.clips.length} scene(s), ${cut.frames} frames at ${cut.rate.ntsc ? `${cut.rate.num}/${cut.rate.den}` : cut.rate.fps} fps, ${cut.transitions.length} transition(s).\n`);
    for (const c of cut.clips) io.out(`  scene ${c.index + 1}: ${c.media.relPath}  source ${c.sourceIn}–${c.sourceOut}, film ${c.recordIn}–${c.recordOut}\n`);
    io.out(`Wrote ${result.dir}\n  ${result.files.filter((f) => !f.startsWith('media/')).join(', ')} and ${cut.clips.length} take(s) in media/.\n`);
    return 0;
  } catch (err) {
    const e = toAppErrorShape(err);
    io.err(`storyreel: ${e.message}${e.code === 'Internal' && e.detail ? `\n  (${e.detail})` : ''}\n`);
    return e.code === 'Aborted' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
