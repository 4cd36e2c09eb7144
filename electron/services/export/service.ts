// Export as a service: stitches the chosen takes of a session's project into one MP4, keeps each export's
// snapshot in the session (so closing the project cancels it), and reports every change through `push`.
// Exports of a project run one at a time: one asked for while another runs is queued (its cut taken when
// it was asked for), shows its place in the queue, and can be canceled before it starts. A finished film
// is recorded in .storyreel/exports.json with the cut it was made from (history.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, toAppErrorShape } from '../../../shared/errors.ts';
import { cutOf, type PastExport } from '../../../shared/export-history.ts';
import type { ExportSnapshot } from '../../../shared/jobs.ts';
import { newId, relativePosix } from '../fsutil.ts';
import type { SoundFinish } from '../media/film-sound.ts';
import { exportFilm } from '../media/stitch.ts';
import { defaultExportPath, filmOf, writeCaptionSidecars } from './film.ts';
import { listExports, recordExport } from './history.ts';
import { captionCues } from './interchange/captions.ts';
import type { ExportEntry, Session } from '../session.ts';

const waiting = (s: ExportSnapshot): boolean => s.state === 'queued' || s.state === 'running';

export class ExportService {
  constructor(
    private readonly session: Session,
    /** Called with a copy of the snapshot at every change (queued, started, progress, done, failed, canceled). */
    private readonly push: (snapshot: ExportSnapshot) => void,
  ) {}

  /**
   * Starts an export of the chosen takes, or queues it behind the exports already asked for; `outFile`
   * (absolute) overrides exports/<title>-<time>.mp4. The cut is read now: editing while it waits does
   * not change what it makes. `extras`: the sound's finishing (music as an absolute path, checked by the
   * caller) and the captions.
   */
  start(outFile?: string, extras: { sound?: SoundFinish; captions?: 'none' | 'srt' | 'burn' } = {}): ExportSnapshot {
    const session = this.session;
    session.assertOpen();
    const project = session.store.get();
    const { timeline, clips, transitions } = filmOf(project, session.store.dir);
    const cut = cutOf(project);
    const cues = captionCues(project, timeline);
    // What the film is made with, passed to exportFilm and recorded with it alike.
    const frame = { fit: 'fit', quality: 'standard' } as const;
    const id = newId('export');
    const ahead = [...session.exports.values()].filter((e) => waiting(e.snapshot));
    const outAbs = outFile ?? this.freeName(defaultExportPath(session.store.dir, project.title, project.id));
    const outRel = relativePosix(session.store.dir, outAbs);
    const snapshot: ExportSnapshot = { id, state: ahead.length ? 'queued' : 'running', progress: 0, etaSeconds: null, path: null, totalSeconds: timeline.total, outputFile: null, error: null, startedAt: new Date().toISOString() };
    const abort = new AbortController();
    const update = (patch: Partial<ExportSnapshot>) => {
      Object.assign(snapshot, patch);
      this.push({ ...snapshot });
    };
    let lastPush = 0;
    const run = async (): Promise<void> => {
      // Its turn comes when every export asked for before it has ended (done, failed or canceled).
      if (ahead.length) {
        await new Promise<void>((resolve) => {
          abort.signal.addEventListener('abort', () => resolve(), { once: true });
          void Promise.allSettled(ahead.map((e) => e.done)).then(() => resolve());
        });
        if (abort.signal.aborted) throw new AppError('Aborted', 'Canceled.');
        update({ state: 'running', queuePosition: undefined });
        this.renumber();
      }
      const result = await exportFilm(session.ff, clips, outAbs, project.size, {
        projectDir: session.store.dir,
        cacheDir: path.join(session.store.dir, '.storyreel', 'cache'),
        transitions,
        ...frame,
        ...(extras.sound ? { sound: extras.sound } : {}),
        ...(extras.captions === 'burn' ? { burnCaptions: cues } : {}),
        signal: abort.signal,
        log: (line) => session.log(`export ${id}: ${line}`),
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
      });
      // The SRT and VTT beside the film; the film stands without them, so a failure is logged only.
      const sidecars = extras.captions === 'srt' && cues.length > 0 && (await writeCaptionSidecars(project, timeline, outAbs).then(
        () => true,
        (err: unknown) => (session.log(`export ${id}: captions not written: ${String(err)}`), false),
      ));
      const music = extras.sound?.music ? relativePosix(session.store.dir, extras.sound.music) : null;
      const captions = extras.captions === 'burn' && cues.length ? 'burn' : sidecars ? 'srt' : 'none';
      const past: PastExport = { id, file: outRel, finishedAt: new Date().toISOString(), seconds: result.info.durationSeconds, preset: { size: project.size, aspect: null, ...frame }, cut, choices: { loudness: extras.sound?.loudness ?? null, music, captions } };
      // The film is made; a record that cannot be written is logged, not a failed export.
      await recordExport(session.store.dir, past).catch((err: unknown) => session.log(`export ${id}: could not record it in exports.json: ${String(err)}`));
      update({ state: 'done', progress: 1, etaSeconds: 0, path: result.path, outputFile: outRel });
    };
    const done = run().catch((err: unknown) => {
      const error = toAppErrorShape(err);
      if (error.code === 'Aborted') update({ state: 'canceled', error: null, etaSeconds: null, queuePosition: undefined });
      else {
        session.log(`export ${id} failed: ${error.message} ${error.detail ?? ''}`);
        update({ state: 'failed', error, etaSeconds: null });
      }
      this.renumber();
    });
    session.exports.set(id, { snapshot, abort, done, out: outAbs });
    if (ahead.length) snapshot.queuePosition = [...session.exports.values()].filter((e) => e.snapshot.state === 'queued').length;
    this.push({ ...snapshot });
    return { ...snapshot };
  }

  /** Gives the queued exports their places again (1 = next) and reports the ones that moved. */
  private renumber(): void {
    let place = 0;
    for (const e of this.session.exports.values()) {
      if (e.snapshot.state !== 'queued') continue;
      place += 1;
      if (e.snapshot.queuePosition === place) continue;
      e.snapshot.queuePosition = place;
      this.push({ ...e.snapshot });
    }
  }

  /** `want`, or want-2.mp4, want-3.mp4 … when an export of this session is already headed there. */
  private freeName(want: string): string {
    const taken = new Set([...this.session.exports.values()].filter((e) => e.snapshot.state !== 'canceled' && e.snapshot.state !== 'failed').map((e) => e.out));
    const ext = path.extname(want);
    let name = want;
    for (let k = 2; taken.has(name); k++) name = `${want.slice(0, -ext.length)}-${k}${ext}`;
    return name;
  }

  private entry(id: string): ExportEntry {
    const e = this.session.exports.get(id);
    if (!e) throw new AppError('NotFound', 'That export no longer exists.');
    return e;
  }

  async wait(id: string): Promise<ExportSnapshot> {
    const e = this.entry(id);
    await e.done;
    return { ...e.snapshot };
  }

  /** Stops a running export (nothing is kept) or takes a queued one out of the queue. */
  async cancel(id: string): Promise<ExportSnapshot> {
    const e = this.entry(id);
    e.abort.abort();
    await e.done;
    return { ...e.snapshot };
  }

  list(): ExportSnapshot[] {
    return [...this.session.exports.values()].map((e) => ({ ...e.snapshot }));
  }

  /** Films exported before, newest first, with the cut each came from (files since deleted are marked). */
  history(): Promise<PastExport[]> {
    this.session.assertOpen();
    return listExports(this.session.store.dir);
  }

  /**
   * The absolute path of a past export's file (exports.json), once it is checked to be a file still
   * there; a film moved or deleted since is said in words.
   */
  async pastExportPath(id: string): Promise<string> {
    this.session.assertOpen();
    const past = (await listExports(this.session.store.dir)).find((e) => e.id === id);
    if (!past) throw new AppError('NotFound', 'That export is no longer in the list of past exports.');
    const file = path.resolve(this.session.store.dir, past.file);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new AppError('NotFound', `${path.basename(past.file)} is no longer where it was exported: it was moved or deleted. Export the film again to have it.`, { detail: past.file.slice(0, 1000) });
    return file;
  }

  /** The absolute path of a finished export's file. */
  outputPath(id: string): string {
    const e = this.session.exports.get(id);
    if (!e?.snapshot.outputFile) throw new AppError('NotFound', 'That export has no file yet.');
    return path.join(this.session.store.dir, e.snapshot.outputFile);
  }
}
