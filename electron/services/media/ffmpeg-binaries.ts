// Finding the ffmpeg and ffprobe binaries (the creator's setting, the bundled copy, PATH) and checking
// them once with a sentence a creator can act on. Plain child_process; fluent-ffmpeg stays in ffmpeg.ts.
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';

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

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export function execText(file: string, args: string[], timeoutMs = 15000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function describeSpawnError(tool: 'ffmpeg' | 'ffprobe', file: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const where = path.isAbsolute(file) ? ` at "${shortPath(file)}"` : ' (it is not bundled and not on the PATH)';
  if (code === 'ENOENT') return `Storyreel could not find ${tool}${where}.`;
  if (code === 'EACCES') return `Storyreel is not allowed to run ${tool}${where}; the file is not executable.`;
  if ((err as { killed?: boolean }).killed) return `${tool}${where} did not answer in time.`;
  return `${tool}${where} did not run: ${err instanceof Error ? err.message : String(err)}`;
}

/** "5.1.9-0+deb12u1", "7.1", "N-125551-g…" from the first line of `ffmpeg -version`. */
export const versionOf = (stdout: string): string | null => /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? null;

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
