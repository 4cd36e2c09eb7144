// ffprobe: running it on a file and reading its JSON into the facts exports and checks need.
import { spawn } from 'node:child_process';
import { AppError } from '../../../shared/errors.ts';
import { describeSpawnError } from './ffmpeg-binaries.ts';

const STDERR_TAIL = 20;

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

/** ffprobe facts about a file. Rejects with MediaInvalid when ffprobe cannot read it. */
export async function probeFile(ffprobe: string, file: string, opts: { signal?: AbortSignal } = {}): Promise<ProbeDetails> {
  const args = ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', '-show_data_hash', 'CRC32', file.startsWith('-') ? `file:${file}` : file];
  const { code, stdout, stderr, error } = await runCapture(ffprobe, args, opts.signal, 60000);
  if (opts.signal?.aborted) throw new AppError('Aborted', 'Canceled.');
  if (error) {
    const c = (error as { code?: unknown }).code;
    if (c === 'ENOENT' || c === 'EACCES') throw new AppError('FfmpegMissing', describeSpawnError('ffprobe', ffprobe, error), { cause: error });
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

/** Runs `file` with `args` and collects what it prints; never rejects (a spawn error is in `error`). */
export function runCapture(file: string, args: string[], signal: AbortSignal | undefined, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; error: Error | null }> {
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