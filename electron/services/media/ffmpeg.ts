// The one door to ffmpeg and ffprobe: finding the binaries, checking them, running jobs with our own
// progress, cancelation and error mapping, and probing files. It is the only module that imports
// fluent-ffmpeg (archived upstream in 2025); nothing of its API or types leaves this file, so swapping
// it for a plain spawn later touches nothing else.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fluent from 'fluent-ffmpeg';
import { AppError } from '../../../shared/errors.ts';

// ---------------------------------------------------------------------------------------------------
// Finding and checking the binaries

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
}

export interface ResolvedFfmpeg extends FfmpegPaths {
  source: 'setting' | 'bundled' | 'path';
}

const exe = (name: string): string => (process.platform === 'win32' ? `${name}.exe` : name);

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isExecutable(p: string): boolean {
  if (!isFile(p)) return false;
  if (process.platform === 'win32') return true;
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  // Windows spells it "Path"; a plain object passed in tests is not case-insensitive like process.env.
  const value = env.PATH ?? env.Path ?? '';
  for (const dir of value.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Longest ffmpeg path accepted from a setting (longer is refused, and never echoed whole). */
export const MAX_FFMPEG_PATH_CHARS = 1024;

/** A path as it may appear in a message or a log line: never more than a couple of hundred characters. */
export function shortPath(p: string): string {
  return p.length > 200 ? `${p.slice(0, 120)}…${p.slice(-40)} (${p.length} characters)` : p;
}

/** ffmpeg, ffmpeg.exe, ffmpeg-7, ffmpeg7.1 … : what a file must be called before Storyreel runs it. */
const looksLike = (tool: 'ffmpeg' | 'ffprobe', file: string): boolean => new RegExp(`^${tool}(?:[-_.]?[0-9A-Za-z][\\w.-]*)?$`, 'i').test(path.basename(file));

/**
 * Which ffmpeg to use: the user's setting wins (even when it is wrong, so checkFfmpeg can say so
 * instead of silently using another build), then the copy bundled under resources, then PATH.
 */
export function resolveFfmpeg(opts: { userPath?: string | null; resourcesDir?: string | null; env?: NodeJS.ProcessEnv }): ResolvedFfmpeg {
  const userPath = opts.userPath?.trim();
  if (userPath && userPath.length > MAX_FFMPEG_PATH_CHARS) {
    throw new AppError('InvalidInput', `The ffmpeg path is ${userPath.length} characters long; Storyreel accepts at most ${MAX_FFMPEG_PATH_CHARS}.`);
  }
  if (userPath) {
    // A folder is accepted too: people paste the folder they unzipped.
    const isDir = (() => {
      try {
        return statSync(userPath).isDirectory();
      } catch {
        return false;
      }
    })();
    const ffmpeg = isDir ? path.join(userPath, exe('ffmpeg')) : userPath;
    const ext = path.extname(ffmpeg).toLowerCase() === '.exe' ? '.exe' : '';
    return { ffmpeg, ffprobe: path.join(path.dirname(ffmpeg), `ffprobe${ext}`), source: 'setting' };
  }
  if (opts.resourcesDir) {
    const dir = path.join(opts.resourcesDir, 'ffmpeg');
    const ffmpeg = path.join(dir, exe('ffmpeg'));
    if (isFile(ffmpeg)) return { ffmpeg, ffprobe: path.join(dir, exe('ffprobe')), source: 'bundled' };
  }
  const env = opts.env ?? process.env;
  return {
    ffmpeg: findOnPath(exe('ffmpeg'), env) ?? 'ffmpeg',
    ffprobe: findOnPath(exe('ffprobe'), env) ?? 'ffprobe',
    source: 'path',
  };
}

interface ExecResult {
  stdout: string;
  stderr: string;
}

function execText(file: string, args: string[], timeoutMs = 15000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function describeSpawnError(tool: 'ffmpeg' | 'ffprobe', file: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const where = path.isAbsolute(file) ? ` at "${shortPath(file)}"` : ' (it is not bundled and not on the PATH)';
  if (code === 'ENOENT') return `Storyreel could not find ${tool}${where}.`;
  if (code === 'EACCES') return `Storyreel is not allowed to run ${tool}${where}; the file is not executable.`;
  if ((err as { killed?: boolean }).killed) return `${tool}${where} did not answer in time.`;
  return `${tool}${where} did not run: ${err instanceof Error ? err.message : String(err)}`;
}

/** "5.1.9-0+deb12u1", "7.1", "N-125551-g…" from the first line of `ffmpeg -version`. */
const versionOf = (stdout: string): string | null => /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? null;

/** The encoders and filters Storyreel's exports and animatics need; minimal builds lack some. */
const NEEDED_ENCODERS = ['libx264', 'aac'];
const NEEDED_FILTERS = ['drawtext', 'concat', 'apad', 'atrim', 'aresample'];

/** Runs both binaries once; the error is a sentence a creator can act on. */
export async function checkFfmpeg(paths: FfmpegPaths): Promise<{ ok: boolean; version: string | null; error: string | null }> {
  // Nothing is run unless it is named like ffmpeg/ffprobe, and it is used only if it says it is one.
  for (const tool of ['ffmpeg', 'ffprobe'] as const) {
    const file = paths[tool];
    if (file.length > MAX_FFMPEG_PATH_CHARS) return { ok: false, version: null, error: `The ${tool} path is ${file.length} characters long; Storyreel accepts at most ${MAX_FFMPEG_PATH_CHARS}.` };
    if (!looksLike(tool, file)) return { ok: false, version: null, error: `"${shortPath(file)}" is not ${tool}: Storyreel only runs a file named ${tool} (or ${tool}.exe). Choose the ${tool} program or the folder it is in.` };
  }
  let version: string | null = null;
  try {
    const { stdout } = await execText(paths.ffmpeg, ['-hide_banner', '-version']);
    version = versionOf(stdout);
    if (!version || !/^ffmpeg version /.test(stdout)) return { ok: false, version: null, error: `The program at "${shortPath(paths.ffmpeg)}" does not answer -version as ffmpeg does, so Storyreel will not use it.` };
  } catch (err) {
    return { ok: false, version: null, error: describeSpawnError('ffmpeg', paths.ffmpeg, err) };
  }
  try {
    const { stdout } = await execText(paths.ffprobe, ['-hide_banner', '-version']);
    if (!/^ffprobe version /.test(stdout)) return { ok: false, version, error: `The program at "${shortPath(paths.ffprobe)}" does not answer -version as ffprobe does, so Storyreel will not use it.` };
  } catch (err) {
    return { ok: false, version, error: `${describeSpawnError('ffprobe', paths.ffprobe, err)} It must sit next to ffmpeg.` };
  }
  try {
    const [encoders, filters] = await Promise.all([
      execText(paths.ffmpeg, ['-hide_banner', '-encoders']),
      execText(paths.ffmpeg, ['-hide_banner', '-filters']),
    ]);
    const has = (text: string, name: string): boolean => new RegExp(`^\\s*\\S+\\s+${name}\\s`, 'm').test(text);
    const missing = [
      ...NEEDED_ENCODERS.filter((e) => !has(encoders.stdout, e)),
      ...NEEDED_FILTERS.filter((f) => !has(filters.stdout, f)),
    ];
    if (missing.length) {
      return { ok: false, version, error: `This ffmpeg (${version ?? 'unknown version'}) lacks ${missing.join(', ')}, which Storyreel needs. Install a full build of ffmpeg.` };
    }
  } catch (err) {
    return { ok: false, version, error: describeSpawnError('ffmpeg', paths.ffmpeg, err) };
  }
  return { ok: true, version, error: null };
}

// ---------------------------------------------------------------------------------------------------
// Pure helpers (unit-tested)

/**
 * Reads one ffmpeg stats line ("frame=  240 fps=0.0 ... time=00:00:07.97 bitrate=... speed=19.6x").
 * Returns null when the line carries no usable time: no `time=`, `time=N/A`, or a negative time (ffmpeg
 * prints those while the first timestamps are still before zero).
 */
export function parseProgressLine(line: string): { outSeconds: number; speed: number | null } | null {
  const t = /(?:^|\s)time=\s*(-)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)/.exec(line);
  if (!t || t[1]) return null;
  const outSeconds = Number(t[2]) * 3600 + Number(t[3]) * 60 + Number(t[4]);
  if (!Number.isFinite(outSeconds)) return null;
  const s = /(?:^|\s)speed=\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)x/i.exec(line);
  const speed = s ? Number(s[1]) : null;
  return { outSeconds, speed: speed !== null && Number.isFinite(speed) ? speed : null };
}

/** Output time against the known output length, clamped to 0..1 (ffmpeg overshoots by a frame or two). */
export function progressFraction(outSeconds: number, totalSeconds: number): number {
  if (!(totalSeconds > 0) || !Number.isFinite(outSeconds)) return 0;
  return Math.min(1, Math.max(0, outSeconds / totalSeconds));
}

/** Wall-clock seconds left: media seconds left divided by speed (media seconds per wall second). */
export function etaSeconds(outSeconds: number, totalSeconds: number, speed: number | null): number | null {
  if (speed === null || !(speed > 0) || !(totalSeconds > 0) || !Number.isFinite(outSeconds)) return null;
  return Math.max(0, totalSeconds - Math.max(0, outSeconds)) / speed;
}

/**
 * How to pass a filter graph from a file: ffmpeg 7 added `-/filter_complex <file>` and deprecated
 * `-filter_complex_script`, which current development builds ("N-…") no longer accept; releases
 * before 7 know only the old option.
 */
export function filterScriptOption(version: string | null): string {
  if (version && /^N-/.test(version)) return '-/filter_complex';
  const major = version ? Number(/^n?(\d+)\./.exec(version)?.[1]) : NaN;
  return major >= 7 ? '-/filter_complex' : '-filter_complex_script';
}

/** POSIX shell quoting, for logging a command line that can be pasted into a terminal. */
export function shellEscape(args: readonly string[]): string {
  return args.map((a) => (a === '' ? "''" : /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Quotes a value (a file path, usually) for a filter option inside a filtergraph. ffmpeg unescapes
 * twice: once for the option (`\ ' :`), once for the graph (`\ ' [ ] , ;`), so both are applied.
 */
export function escapeFilterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

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

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  fps: number;
  pixFmt: string;
  profile: string | null;
  timeBase: string;
  durationSeconds: number | null;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number | null;
  profile: string | null;
}

export interface MediaInfo {
  durationSeconds: number;
  formatName: string;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
}

/** MediaInfo plus the facts that decide whether two H.264 streams can be joined without re-encoding. */
export interface ProbeDetails {
  info: MediaInfo;
  /** Container stream id of the video (the MP4 track id), for the concat demuxer's exact_stream_id. */
  videoStreamId: number | null;
  /** Hash of the codec extradata (SPS/PPS for H.264): the first clip's is the only one the MP4 keeps. */
  videoExtradataHash: string | null;
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
    const length = (job.filterComplex?.length ?? 0) + job.inputs.reduce((n, i) => n + i.path.length + (i.options ?? []).join(' ').length + 5, 0) + job.outputOptions.join(' ').length;
    if (!job.filterComplex || length <= MAX_COMMAND_CHARS) return this.spawnRun(job, opts);
    const dir = await mkdtemp(path.join(tmpdir(), 'storyreel-filter-'));
    try {
      const script = path.join(dir, 'graph.txt');
      await writeFile(script, job.filterComplex, 'utf8');
      this.log(`filter graph (${job.filterComplex.length} characters) in ${script}:\n${job.filterComplex}`);
      const option = filterScriptOption(await this.version());
      await this.spawnRun({ ...job, filterComplex: undefined, outputOptions: [option, script, ...job.outputOptions] }, opts);
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

  private spawnRun(job: FfmpegJob, opts: RunOptions): Promise<void> {
    const controller = new AbortController();
    const cmd = fluent();
    // fluent keeps this path in a module-wide cache; every run sets it again, so the last Ffmpeg wins.
    // Storyreel has one Ffmpeg at a time, which keeps that harmless.
    cmd.setFfmpegPath(this.paths.ffmpeg);
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
    const args = ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', '-show_data_hash', 'CRC32', file.startsWith('-') ? `file:${file}` : file];
    const { code, stdout, stderr, error } = await runCapture(this.paths.ffprobe, args, opts.signal, 60000);
    if (opts.signal?.aborted) throw new AppError('Aborted', 'Canceled.');
    if (error) {
      const c = (error as { code?: unknown }).code;
      if (c === 'ENOENT' || c === 'EACCES') throw new AppError('FfmpegMissing', describeSpawnError('ffprobe', this.paths.ffprobe, error), { cause: error });
      throw new AppError('MediaInvalid', 'Storyreel could not read this video file.', { detail: error.message, cause: error });
    }
    if (code !== 0) {
      throw new AppError('MediaInvalid', 'This file is not a video Storyreel can read; it may be damaged or incomplete.', { detail: `${file}: ${stderr.trim().split('\n').slice(-STDERR_TAIL).join('\n')}` });
    }
    try {
      return parseProbeJson(stdout);
    } catch (err) {
      throw new AppError('MediaInvalid', 'Storyreel could not read this video file.', { detail: `${file}: ${err instanceof Error ? err.message : String(err)}`, cause: err });
    }
  }
}

function runCapture(file: string, args: string[], signal: AbortSignal | undefined, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; error: Error | null }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 65536) stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let error: Error | null = null;
    child.on('error', (err) => (error = err));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, error: error && !signal?.aborted ? error : null });
    });
  });
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v !== 'unknown' ? v : null);

function rate(v: unknown): number | null {
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v) : null;
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

type Json = Record<string, unknown>;

/** Exported for tests; turns `ffprobe -print_format json -show_format -show_streams` output into ProbeDetails. */
export function parseProbeJson(text: string): ProbeDetails {
  const data = JSON.parse(text) as { format?: Json; streams?: Json[] };
  const format = data.format;
  if (!format) throw new Error('ffprobe printed no format');
  const streams = Array.isArray(data.streams) ? data.streams : [];
  // Cover art in MP4/M4A shows up as a one-frame "video" stream; it is not the picture.
  const v = streams.find((s) => s.codec_type === 'video' && (s.disposition as Json | undefined)?.attached_pic !== 1);
  const a = streams.find((s) => s.codec_type === 'audio');
  const video: VideoStreamInfo | null = v
    ? {
        codec: str(v.codec_name) ?? 'unknown',
        width: num(v.width) ?? 0,
        height: num(v.height) ?? 0,
        fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) ?? 0,
        pixFmt: str(v.pix_fmt) ?? 'unknown',
        profile: str(v.profile),
        timeBase: str(v.time_base) ?? '',
        durationSeconds: num(v.duration),
      }
    : null;
  const audio: AudioStreamInfo | null = a
    ? {
        codec: str(a.codec_name) ?? 'unknown',
        sampleRate: num(a.sample_rate) ?? 0,
        channels: num(a.channels) ?? 0,
        durationSeconds: num(a.duration),
        profile: str(a.profile),
      }
    : null;
  const durationSeconds = num(format.duration) ?? Math.max(0, video?.durationSeconds ?? 0, audio?.durationSeconds ?? 0);
  return {
    info: { durationSeconds, formatName: str(format.format_name) ?? 'unknown', video, audio },
    videoStreamId: v ? (num(typeof v.id === 'string' && v.id.startsWith('0x') ? parseInt(v.id, 16) : v.id) ?? null) : null,
    videoExtradataHash: v ? str(v.extradata_hash) : null,
  };
}
