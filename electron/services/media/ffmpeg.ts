// The one door to ffmpeg and ffprobe: running jobs with our own progress, cancelation and error
// mapping, and probing files. It is the only module that imports fluent-ffmpeg (archived upstream in
// 2025); nothing of its API or types leaves this file, so swapping it for a plain spawn later touches
// nothing else. Finding the binaries (ffmpeg-binaries.ts), the pure text helpers (ffmpeg-text.ts) and
// reading ffprobe's JSON (probe.ts) live beside it and are re-exported here, so callers import one module.
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fluent from 'fluent-ffmpeg';
import { AppError } from '../../../shared/errors.ts';
import { describeSpawnError, execText, versionOf } from './ffmpeg-binaries.ts';
import type { FfmpegPaths } from './ffmpeg-binaries.ts';
import { etaSeconds, filterScriptOption, parseProgressLine, progressFraction, shellEscape } from './ffmpeg-text.ts';
import { probeFile } from './probe.ts';
import type { MediaInfo, ProbeDetails } from './probe.ts';

export { checkFfmpeg, MAX_FFMPEG_PATH_CHARS, resolveFfmpeg, shortPath } from './ffmpeg-binaries.ts';
export type { FfmpegPaths, ResolvedFfmpeg } from './ffmpeg-binaries.ts';
export { escapeFilterValue, etaSeconds, filterScriptOption, parseProgressLine, progressFraction, shellEscape } from './ffmpeg-text.ts';
export { parseProbeJson } from './probe.ts';
export type { AudioStreamInfo, MediaInfo, ProbeDetails, VideoStreamInfo } from './probe.ts';

// ---------------------------------------------------------------------------------------------------
// Running jobs

export interface FfmpegInput {
  path: string;
  /** Options that go before this input's `-i`. */
  options?: string[];
}

export interface FfmpegJob {
  inputs: FfmpegInput[];
  filterComplex?: string;
  outputOptions: string[];
  output: string;
  /** Length of the output in seconds; progress is measured against it. 0 when unknown (stills). */
  totalSeconds: number;
}

export interface FfmpegProgress {
  /** 0..1, never decreasing within one run. */
  fraction: number;
  outSeconds: number;
  speed: number | null;
  etaSeconds: number | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  /** Every stderr line that is not a stats line (what a filter such as loudnorm prints). */
  onLine?: (line: string) => void;
}

/** Options every run gets: no banner noise, and never read stdin (a pipe Node leaves open). */
const GLOBAL_OPTIONS = ['-hide_banner', '-nostdin'];
/**
 * Above this many characters the filter graph goes through a file: Windows caps a whole command line
 * at 32,767 characters, and a normalising export of some 60 clips gets there.
 */
const MAX_COMMAND_CHARS = 24000;
const SIGTERM_GRACE_MS = 1500;
const STDERR_TAIL = 20;

interface Running {
  pid: number | null;
  output: string;
  abort: () => void;
  done: Promise<unknown>;
}

// Module-wide on purpose: on quit every run from every Ffmpeg instance must be stopped.
const running = new Set<Running>();

/** Aborts every running ffmpeg process and waits until each has exited (call on app quit). */
export async function drainAll(): Promise<void> {
  const all = [...running];
  for (const r of all) r.abort();
  await Promise.allSettled(all.map((r) => r.done));
}

/** What is running now; for diagnostics and tests. */
export function runningProcesses(): Array<{ pid: number | null; output: string }> {
  return [...running].map((r) => ({ pid: r.pid, output: r.output }));
}

/** A short, creator-facing reason, guessed from the last lines ffmpeg wrote. */
function explainFailure(tail: string): string {
  if (/No space left on device/i.test(tail)) return 'The disk is full. Free some space and try again.';
  if (/Permission denied|Operation not permitted/i.test(tail)) return 'Storyreel is not allowed to read or write one of the files.';
  if (/Invalid data found|moov atom not found|corrupt|partial file/i.test(tail)) return 'One of the video files is damaged, so ffmpeg could not read it.';
  if (/\.part: (?:Not a directory|No such file or directory|Is a directory)/i.test(tail)) return 'ffmpeg could not write the film: the folder it goes to is gone or is not a folder. Check the exports folder and export again.';
  if (/No such file or directory/i.test(tail)) return 'One of the files ffmpeg needed is missing.';
  return 'ffmpeg stopped with an error while processing the video.';
}

export class Ffmpeg {
  readonly paths: FfmpegPaths;
  private readonly log: (line: string) => void;

  constructor(paths: FfmpegPaths, log?: (line: string) => void) {
    this.paths = { ffmpeg: paths.ffmpeg, ffprobe: paths.ffprobe };
    this.log = log ?? (() => {});
  }

  /**
   * Runs one ffmpeg process. Resolves when it exited cleanly; rejects with AppError Aborted (when
   * `signal` fired, after the process is gone), FfmpegMissing, or FfmpegFailed (detail = stderr tail).
   */
  async run(job: FfmpegJob, opts: RunOptions = {}): Promise<void> {
    if (opts.signal?.aborted) throw new AppError('Aborted', 'Canceled.');
    const checked = await this.checkRunnable();
    const length = (job.filterComplex?.length ?? 0) + job.inputs.reduce((n, i) => n + i.path.length + (i.options ?? []).join(' ').length + 5, 0) + job.outputOptions.join(' ').length;
    if (!job.filterComplex || length <= MAX_COMMAND_CHARS) return this.spawnRun(job, opts, checked);
    const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-filter-'));
    try {
      const script = path.join(dir, 'graph.txt');
      await writeFile(script, job.filterComplex, 'utf8');
      this.log(`filter graph (${job.filterComplex.length} characters) in ${script}:\n${job.filterComplex}`);
      const option = filterScriptOption(await this.version());
      await this.spawnRun({ ...job, filterComplex: undefined, outputOptions: [option, script, ...job.outputOptions] }, opts, checked);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private versionText: Promise<string | null> | null = null;

  /** The version ffmpeg reports, asked once per instance. */
  private version(): Promise<string | null> {
    this.versionText ??= execText(this.paths.ffmpeg, ['-hide_banner', '-version']).then(
      ({ stdout }) => versionOf(stdout),
      () => null,
    );
    return this.versionText;
  }

  /**
   * A missing or unrunnable ffmpeg, said as FfmpegMissing before anything is spawned. fluent-ffmpeg's own
   * check used to find it (its `ffmpeg -formats` failed cleanly); without that check, a run whose spawn
   * fails hits a bug in fluent (it throws from its exit handler), so the path is checked here on every run:
   * an absolute path must be an executable file. A bare name (found on PATH) keeps fluent's check: false.
   */
  private async checkRunnable(): Promise<boolean> {
    if (!path.isAbsolute(this.paths.ffmpeg)) return false;
    try {
      await access(this.paths.ffmpeg, fsConstants.X_OK);
    } catch (err) {
      const message = describeSpawnError('ffmpeg', this.paths.ffmpeg, err);
      this.log(message);
      throw new AppError('FfmpegMissing', message, { detail: err instanceof Error ? err.message : String(err), cause: err });
    }
    return true;
  }

  private spawnRun(job: FfmpegJob, opts: RunOptions, checked: boolean): Promise<void> {
    const controller = new AbortController();
    const cmd = fluent();
    // fluent keeps this path in a module-wide cache; every run sets it again, so the last Ffmpeg wins.
    // Storyreel has one Ffmpeg at a time, which keeps that harmless.
    cmd.setFfmpegPath(this.paths.ffmpeg);
    // Before its first run in a process, fluent runs `ffmpeg -formats` and `ffmpeg -encoders` to check the
    // formats and encoders named, and to add "-strict experimental" after an experimental -acodec/-vcodec
    // (these jobs say -c:a/-c:v, which it does not look at). The CLI is a new process on every export, so
    // each paid for two more ffmpeg starts, a sixth of a fast-path export. ffmpeg refuses what it lacks on
    // its own, in words that reach the creator through the run's error (checkFfmpeg names missing encoders
    // up front), so both are skipped once checkRunnable has seen the binary.
    if (checked) {
      const quick = cmd as unknown as { _checkCapabilities: (done: (err?: Error) => void) => void; availableEncoders: (done: (err: Error | null, encoders: object) => void) => void };
      quick._checkCapabilities = (done) => done();
      quick.availableEncoders = (done) => done(null, {});
    }
    // fluent splits a lone "-flag value" string on its space; passing several arguments turns that off.
    const addOptions = (add: (...o: string[]) => unknown, options: string[]): void => {
      if (options.length === 1 && options[0]?.includes(' ')) throw new Error(`Ambiguous single ffmpeg option: ${options[0]}`);
      if (options.length) add(...options);
    };
    job.inputs.forEach((input, i) => {
      cmd.input(input.path);
      addOptions((...o) => cmd.inputOptions(...o), [...(i === 0 ? GLOBAL_OPTIONS : []), ...(input.options ?? [])]);
    });
    if (job.inputs.length === 0) addOptions((...o) => cmd.outputOptions(...o), GLOBAL_OPTIONS);
    if (job.filterComplex) cmd.complexFilter(job.filterComplex);
    addOptions((...o) => cmd.outputOptions(...o), job.outputOptions);
    cmd.output(job.output);

    const args = cmd._getArguments();
    this.log(`$ ${shellEscape([this.paths.ffmpeg, ...args])}`);

    const tail: string[] = [];
    let lastStats = '';
    let fraction = 0;
    let started = false;
    const startedAt = Date.now();

    const entry: Running = { pid: null, output: job.output, abort: () => controller.abort(), done: Promise.resolve() };
    const onOuterAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

    let settled = false;
    let killTimer: NodeJS.Timeout | null = null;
    const kill = (): void => {
      if (!started || settled) return;
      // SIGTERM lets ffmpeg close its files; a process stuck in I/O gets SIGKILL after a short grace.
      cmd.kill('SIGTERM');
      killTimer = setTimeout(() => {
        if (!settled) cmd.kill('SIGKILL');
      }, SIGTERM_GRACE_MS);
    };
    controller.signal.addEventListener('abort', kill, { once: true });

    const done = new Promise<void>((resolve, reject) => {
      const finish = (err: AppError | null): void => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', onOuterAbort);
        running.delete(entry);
        if (err) reject(err);
        else resolve();
      };

      cmd.on('start', () => {
        started = true;
        entry.pid = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc?.pid ?? null;
        // Aborted while fluent was still preparing: stop the process it just spawned.
        if (controller.signal.aborted) kill();
      });
      cmd.on('stderr', (line: string) => {
        const p = parseProgressLine(line);
        if (!p) {
          opts.onLine?.(line);
          if (line.trim()) {
            tail.push(line);
            if (tail.length > STDERR_TAIL) tail.shift();
          }
          return;
        }
        lastStats = line.trim();
        const f = progressFraction(p.outSeconds, job.totalSeconds);
        // Stats can step back a frame when streams interleave; the bar never should.
        if (f < fraction) return;
        fraction = f;
        opts.onProgress?.({ fraction, outSeconds: p.outSeconds, speed: p.speed, etaSeconds: etaSeconds(p.outSeconds, job.totalSeconds, p.speed) });
      });
      cmd.on('error', (err: Error) => {
        if (controller.signal.aborted) {
          this.log(`ffmpeg canceled: ${job.output}`);
          return finish(new AppError('Aborted', 'Canceled.'));
        }
        const code = (err as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'EACCES' || /Cannot find ffmpeg/.test(err.message)) {
          const message = describeSpawnError('ffmpeg', this.paths.ffmpeg, err);
          this.log(message);
          return finish(new AppError('FfmpegMissing', message, { detail: err.message, cause: err }));
        }
        const detail = [...tail, ...(lastStats ? [lastStats] : []), err.message].join('\n');
        this.log(`ffmpeg failed: ${err.message}\n${tail.join('\n')}`);
        // The command line comes first in the detail, so a bug report can re-run exactly what failed.
        finish(new AppError('FfmpegFailed', explainFailure(detail), { detail: `$ ${shellEscape([this.paths.ffmpeg, ...args]).slice(0, 20000)}\n${detail}`, cause: err }));
      });
      cmd.on('end', () => {
        if (controller.signal.aborted) return finish(new AppError('Aborted', 'Canceled.'));
        this.log(`ffmpeg done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${job.output}`);
        if (fraction < 1) {
          fraction = 1;
          opts.onProgress?.({ fraction: 1, outSeconds: job.totalSeconds, speed: null, etaSeconds: 0 });
        }
        finish(null);
      });
    });
    entry.done = done.catch(() => {});
    running.add(entry);
    // A signal that fired between the check in run() and here.
    if (opts.signal?.aborted) controller.abort();
    cmd.run();
    return done;
  }

  /** ffprobe facts about a file. Rejects with MediaInvalid when ffprobe cannot read it. */
  async probe(file: string, opts: { signal?: AbortSignal } = {}): Promise<MediaInfo> {
    return (await this.probeDetails(file, opts)).info;
  }

  async probeDetails(file: string, opts: { signal?: AbortSignal } = {}): Promise<ProbeDetails> {
    return probeFile(this.paths.ffprobe, file, opts);
  }
}
