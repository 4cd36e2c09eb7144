// Real media for the emulators: tiny MP4s (video + audio) and PNG frames rendered by ffmpeg, cached in memory
// and on disk per (seconds, size, audio). Same recipe as the /v1/videos emulator (testsrc2 + sine, x264
// ultrafast at a high CRF), so a file is a few tens of kilobytes per second and renders in well under a second.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export { imageInfo, makeSolidPng } from '../openai-videos/server.ts';
export type { ImageInfo } from '../openai-videos/server.ts';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

const RENDER_VERSION = 'k1';

export class MediaKit {
  private mem = new Map<string, Promise<Buffer>>();
  constructor(
    private ffmpeg = '/usr/bin/ffmpeg',
    private dir = path.join(os.tmpdir(), 'storyreel-emulator-media'),
  ) {}

  private cached(key: string, ext: string, render: (out: string) => Promise<void>): Promise<Buffer> {
    let p = this.mem.get(key);
    if (!p) {
      p = (async () => {
        const file = path.join(this.dir, `${key}.${ext}`);
        try {
          return await fs.promises.readFile(file);
        } catch {
          /* not cached yet */
        }
        await fs.promises.mkdir(this.dir, { recursive: true });
        const tmp = path.join(this.dir, `${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp.${ext}`);
        try {
          await render(tmp);
          await fs.promises.rename(tmp, file);
        } finally {
          await fs.promises.rm(tmp, { force: true });
        }
        return fs.promises.readFile(file);
      })();
      p.catch(() => this.mem.delete(key));
      this.mem.set(key, p);
    }
    return p;
  }

  private videoFile(seconds: number, w: number, h: number, audio: boolean): string {
    return `${RENDER_VERSION}-${seconds}s-${w}x${h}-${audio ? 'a' : 'n'}`;
  }

  /** An MP4 of `seconds` at w×h, 12 fps, with a 440 Hz mono AAC track when `audio`. */
  video(seconds: number, w: number, h: number, audio = true): Promise<Buffer> {
    const key = this.videoFile(seconds, w, h, audio);
    return this.cached(key, 'mp4', (out) =>
      run(this.ffmpeg, [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=12:d=${seconds}`,
        ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=22050:duration=${seconds}`] : []),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '45', '-pix_fmt', 'yuv420p', '-g', '24',
        ...(audio ? ['-c:a', 'aac', '-b:a', '32k', '-ac', '1', '-shortest'] : ['-an']),
        '-movflags', '+faststart', '-f', 'mp4', out,
      ]),
    );
  }

  /** The exact last frame of that video, as a PNG (Ark's `return_last_frame`). */
  async lastFrame(seconds: number, w: number, h: number, audio = true): Promise<Buffer> {
    await this.video(seconds, w, h, audio);
    const input = path.join(this.dir, `${this.videoFile(seconds, w, h, audio)}.mp4`);
    return this.cached(`${this.videoFile(seconds, w, h, audio)}-last`, 'png', (out) =>
      run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-sseof', '-0.5', '-i', input, '-update', '1', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', out]),
    );
  }
}

/** Output pixel size for an aspect ratio at a "720p"-style resolution (short side = the number). */
export function sizeFor(aspect: string, resolution: string): { width: number; height: number } {
  const short = resolution === '4k' || resolution === '2160p' ? 2160 : Number.parseInt(resolution, 10) || 720;
  const m = /^(\d+):(\d+)$/.exec(aspect);
  const aw = m ? Number(m[1]) : 16;
  const ah = m ? Number(m[2]) : 9;
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  if (aw >= ah) return { width: even((short * aw) / ah), height: short };
  return { width: short, height: even((short * ah) / aw) };
}

/** Decodes a `data:<mime>;base64,<...>` URI; null when it is not one. */
export function decodeDataUri(uri: string): { mime: string; bytes: Buffer } | null {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(uri);
  if (!m) return null;
  return { mime: m[1] ?? '', bytes: Buffer.from(m[2] ?? '', 'base64') };
}
