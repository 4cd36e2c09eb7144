// ffprobe for assertions in tests: streams and duration of a media file, straight from the real ffprobe.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ProbedStreams {
  duration: number;
  video: Array<{ codec: string; width: number; height: number }>;
  audio: Array<{ codec: string; duration: number; sampleRate: number }>;
}

export async function probeStreams(file: string): Promise<ProbedStreams> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  const data = JSON.parse(stdout) as { format: { duration: string }; streams: Array<Record<string, string | number>> };
  return {
    duration: Number(data.format.duration),
    video: data.streams.filter((s) => s.codec_type === 'video').map((s) => ({ codec: String(s.codec_name), width: Number(s.width), height: Number(s.height) })),
    audio: data.streams.filter((s) => s.codec_type === 'audio').map((s) => ({ codec: String(s.codec_name), duration: Number(s.duration), sampleRate: Number(s.sample_rate) })),
  };
}
