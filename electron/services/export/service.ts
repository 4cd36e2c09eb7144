// Export as a service: stitches the chosen takes of a session's project into one MP4, keeps each export's
// snapshot in the session (so closing the project cancels it), and reports every change through `push`.
import path from 'node:path';
import { AppError, toAppErrorShape } from '../../../shared/errors.ts';
import type { ExportSnapshot } from '../../../shared/jobs.ts';
import { buildTimeline } from '../../../shared/timeline.ts';
import { newId, relativePosix } from '../fsutil.ts';
import { exportStem } from '../projects/naming.ts';
import { exportFilm } from '../media/stitch.ts';
import type { Session } from '../session.ts';

export class ExportService {
  constructor(
    private readonly session: Session,
    /** Called with a copy of the snapshot at every change (started, progress, done, failed, canceled). */
    private readonly push: (snapshot: ExportSnapshot) => void,
  ) {}

  /** Starts an export of the chosen takes; `outFile` (absolute) overrides exports/<title>-<time>.mp4. */
  start(outFile?: string): ExportSnapshot {
    const session = this.session;
    session.assertOpen();
    const project = session.store.get();
    if (!project.scenes.length) throw new AppError('NothingToExport', 'The storyboard has no scenes yet.');
    const timeline = buildTimeline(project);
    const missing = timeline.scenes.filter((s) => !s.take).map((s) => s.index + 1);
    if (missing.length) throw new AppError('NothingToExport', `Scene ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no chosen take yet.`);
    // Trims and transition effects are stored (format 2) but not yet rendered: refuse rather than export another film.
    const later = [...timeline.scenes.filter((s) => s.take!.in > 0 || s.take!.out < s.take!.seconds).map((s) => `scene ${s.index + 1} has a trim`), ...timeline.boundaries.filter((b) => b.transition !== 'cut').map((b) => `scene ${b.index + 1} has a ${(b.transition as { type: string }).type} into the next`)];
    if (later.length) throw new AppError('NothingToExport', `This version of Storyreel keeps trims and transition effects in the project but cannot export them yet: ${later.join(', ')}. Set them back to a cut and the whole take to export.`);
    const clips = timeline.scenes.map((s) => ({ file: path.join(session.store.dir, s.take!.file), seconds: s.length, label: `Scene ${s.index + 1}'s chosen take` }));
    const total = timeline.total;
    const id = newId('export');
    const slug = exportStem(project.title, project.id); // a CJK or Arabic title: named by the project's id, not a bare 'film'
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const outAbs = outFile ?? path.join(session.store.dir, 'exports', `${slug}-${stamp}.mp4`);
    const outRel = relativePosix(session.store.dir, outAbs);
    const snapshot: ExportSnapshot = { id, state: 'running', progress: 0, etaSeconds: null, path: null, totalSeconds: total, outputFile: null, error: null, startedAt: new Date().toISOString() };
    const abort = new AbortController();
    const update = (patch: Partial<ExportSnapshot>) => {
      Object.assign(snapshot, patch);
      this.push({ ...snapshot });
    };
    let lastPush = 0;
    const done = exportFilm(session.ff, clips, outAbs, project.size, {
      projectDir: session.store.dir,
      signal: abort.signal,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPush < 100 && p.fraction < 1) return;
        lastPush = now;
        update({ progress: Math.max(snapshot.progress, p.fraction), etaSeconds: p.etaSeconds });
      },
    }).then(
      (result) => update({ state: 'done', progress: 1, etaSeconds: 0, path: result.path, outputFile: outRel }),
      (err) => {
        const error = toAppErrorShape(err);
        if (error.code === 'Aborted') update({ state: 'canceled', error: null, etaSeconds: null });
        else {
          session.log(`export ${id} failed: ${error.message} ${error.detail ?? ''}`);
          update({ state: 'failed', error, etaSeconds: null });
        }
      },
    );
    session.exports.set(id, { snapshot, abort, done });
    this.push({ ...snapshot });
    return { ...snapshot };
  }

  private entry(id: string) {
    const e = this.session.exports.get(id);
    if (!e) throw new AppError('NotFound', 'That export no longer exists.');
    return e;
  }

  async wait(id: string): Promise<ExportSnapshot> {
    const e = this.entry(id);
    await e.done;
    return { ...e.snapshot };
  }

  async cancel(id: string): Promise<ExportSnapshot> {
    const e = this.entry(id);
    e.abort.abort();
    await e.done;
    return { ...e.snapshot };
  }

  list(): ExportSnapshot[] {
    return [...this.session.exports.values()].map((e) => ({ ...e.snapshot }));
  }

  /** The absolute path of a finished export's file. */
  outputPath(id: string): string {
    const e = this.session.exports.get(id);
    if (!e?.snapshot.outputFile) throw new AppError('NotFound', 'That export has no file yet.');
    return path.join(this.session.store.dir, e.snapshot.outputFile);
  }
}
