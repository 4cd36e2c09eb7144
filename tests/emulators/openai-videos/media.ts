// What the emulator serves and reads: image sniffing (PNG, JPEG, WebP sizes), a solid PNG for tests, and the
// real MP4s, thumbnails and spritesheets ffmpeg renders, cached in memory and on disk.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export interface ImageInfo {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** Pixel size from the header bytes of a PNG, JPEG or WebP; null when it is none of them. */
export function imageInfo(buf: Uint8Array): ImageInfo | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a && b.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= b.length) {
      if (b[i] !== 0xff) return null;
      let marker = b[i + 1] ?? 0;
      while (marker === 0xff && i + 2 < b.length) marker = b[++i + 1] ?? 0;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null;
      const len = b.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof && i + 9 <= b.length) return { type: 'image/jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return null;
  }
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b0 = b[21] ?? 0, b1 = b[22] ?? 0, b2 = b[23] ?? 0, b3 = b[24] ?? 0;
      return { type: 'image/webp', width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
    }
    if (chunk === 'VP8X') return { type: 'image/webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  }
  return null;
}

/** A solid-colour RGB PNG of the given size (fixtures for input_reference). */
export function makeSolidPng(width: number, height: number, rgb: [number, number, number] = [40, 90, 160]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

let CRC_TABLE: Uint32Array | undefined;
function crc32(buf: Buffer): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// Media rendering (ffmpeg), cached

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

const RENDER_VERSION = 'v1';
export class MediaCache {
  private mem = new Map<string, Promise<Buffer>>();
  constructor(
    private ffmpeg: string,
    private dir: string,
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

  video(seconds: number, size: string): Promise<Buffer> {
    const [w, h] = size.split('x').map(Number);
    const key = `${RENDER_VERSION}-${seconds}s-${w}x${h}`;
    return this.cached(key, 'mp4', (out) =>
      run(this.ffmpeg, [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=12:d=${seconds}`,
        '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=22050:duration=${seconds}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '45', '-pix_fmt', 'yuv420p', '-g', '24',
        '-c:a', 'aac', '-b:a', '32k', '-ac', '1', '-shortest', '-movflags', '+faststart', '-f', 'mp4', out,
      ]),
    );
  }

  async thumbnail(seconds: number, size: string): Promise<{ body: Buffer; type: string }> {
    await this.video(seconds, size);
    const key = `${RENDER_VERSION}-${seconds}s-${size}-thumb`;
    const input = path.join(this.dir, `${RENDER_VERSION}-${seconds}s-${size}.mp4`);
    try {
      const body = await this.cached(key, 'webp', (out) => run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-frames:v', '1', '-c:v', 'libwebp', '-f', 'webp', out]));
      return { body, type: 'image/webp' };
    } catch {
      const body = await this.cached(`${key}-jpg`, 'jpg', (out) => run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-frames:v', '1', '-f', 'mjpeg', out]));
      return { body, type: 'image/jpeg' };
    }
  }

  async spritesheet(seconds: number, size: string): Promise<{ body: Buffer; type: string }> {
    await this.video(seconds, size);
    const input = path.join(this.dir, `${RENDER_VERSION}-${seconds}s-${size}.mp4`);
    const body = await this.cached(`${RENDER_VERSION}-${seconds}s-${size}-sprite`, 'jpg', (out) =>
      run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-vf', 'fps=1,scale=160:-2,tile=4x3', '-frames:v', '1', '-f', 'mjpeg', out]),
    );
    return { body, type: 'image/jpeg' };
  }
}
