// Export as a service: stitches the chosen takes of a session's project into one MP4, keeps each export's
// snapshot in the session (so closing the project cancels it), and reports every change through `push`.
import path from 'node:path';
import { AppError, toAppErrorShape } from '../../../shared/errors.ts';
import type { ExportSnapshot } from '../../../shared/jobs.ts';
import { newId, relativePosix } from '../fsutil.ts';
import type { SoundFinish } from '../media/film-sound.ts';
import { exportFilm } from '../media/stitch.ts';
import { defaultExportPath, filmOf, writeCaptionSidecars } from './film.ts';
import { captionCues } from './interchange/captions.ts';
import type { Session } from '../session.ts';

export class ExportService {
  constructor(
    private readonly session: Session,
    /** Called with a copy of the snapshot at every change (started, progress, done, failed, canceled). */
    private readonly push: (snapshot: ExportSnapshot) => void,
  ) {}

  /**
   * Starts an export of the chosen takes; `outFile` (absolute) overrides exports/<title>-<time>.mp4.
   * `extras`: the sound's finishing (music as an absolute path, checked by the caller) and the captions.
   */
  start(outFile?: string, extras: { sound?: SoundFinish; captions?: 'none' | 'srt' | 'burn' } = {}): ExportSnapshot {
    const session = this.session;
    session.assertOpen();
    const project = session.store.get();
    const { timeline, clips, transitions } = filmOf(project, session.store.dir);
    const total = timeline.total;
    const id = newId('export');
    const outAbs = outFile ?? defaultExportPath(session.store.dir, project.title, project.id);
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
      cacheDir: path.join(session.store.dir, '.storyreel', 'cache'),
      transitions,
      ...(extras.sound ? { sound: extras.sound } : {}),
      ...(extras.captions === 'burn' ? { burnCaptions: captionCues(project, timeline) } : {}),
      signal: abort.signal,
      onPlan: (plan) => {
        session.log(`export ${id}: ${plan.reason}\n${plan.segments.map((s) => `  scene ${s.scene}: ${s.path} — ${s.reason}`).join('\n')}`);
        update({ plan: plan.segments, planReason: plan.reason, totalSeconds: plan.totalSeconds });
      },
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastPush < 100 && p.fraction < 1) return;
        lastPush = now;
        update({ progress: Math.max(snapshot.progress, p.fraction), etaSeconds: p.etaSeconds });
      },
    }).then(
      async (result) => {
        // The SRT and VTT beside the film; the film stands without them, so a failure is logged only.
        if (extras.captions === 'srt' && captionCues(project, timeline).length) await writeCaptionSidecars(project, timeline, outAbs).catch((err: unknown) => session.log(`export ${id}: captions not written: ${String(err)}`));
        update({ state: 'done', progress: 1, etaSeconds: 0, path: result.path, outputFile: outRel });
      },
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
