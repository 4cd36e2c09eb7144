// What the windowed render needs to copy a take's own frames instead of re-encoding them: where its
// keyframes are, whether its frames are evenly spaced, and how x264 made it (x264 writes its settings
// into the stream, in a SEI message of the first frame). Windows encoded with those settings carry the
// same SPS/PPS as the take, so copied bodies and encoded windows join by stream copy into one MP4 that
// keeps one set of parameters, as players and editors expect. Kept per take (by content hash) in the
// cache: `streams/<hash>-<fps>.json`.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pieceKey } from './cache-prune.ts';
import type { Ffmpeg } from './ffmpeg.ts';
import { runCapture } from './probe.ts';

export interface TakeStream {
  /** Video frames (packets) in the take. */
  frames: number;
  /** Frames (0-based, display order) that are keyframes; x264 without open GOPs makes each an IDR. */
  keyframes: number[];
  /** Each keyframe's time in the file's own clock, in microseconds (what a concat list's inpoint takes). */
  keyMicros: number[];
  /** The first frame's time in the file's own clock, in microseconds. */
  startMicros: number;
  /** How many frames the decode clock runs ahead of the display clock (B-frames; 0 without them). */
  delay: number;
  /** True when every frame lasts exactly 1/fps (a constant rate; needed to cut by frame number). */
  even: boolean;
  sar: string | null;
  /** The options line x264 wrote into the stream, or null (another encoder). */
  x264: string | null;
}

const FILE_VERSION = 4;
/** How far into a file the x264 SEI is looked for: past a front-loaded index, into the first frame. */
const SEI_SCAN_BYTES = 4 * 1024 * 1024;

/** The options line of the x264 SEI in the first `SEI_SCAN_BYTES` of the open file, or null. */
async function readX264Options(fh: FileHandle): Promise<string | null> {
  const buf = Buffer.alloc(SEI_SCAN_BYTES);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const at = buf.subarray(0, bytesRead).indexOf('x264 - core ');
  if (at < 0) return null;
  const end = buf.indexOf(0, at);
  const text = buf.subarray(at, end < 0 ? bytesRead : end).toString('latin1');
  const m = / - options: (.*)$/.exec(text);
  return m ? m[1]!.trim() : null;
}

/** Writes a small cache file (not durable: it is remade when lost) through a temp file the sweep knows. */
async function writeCacheJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(value), 'utf8');
  await rename(tmp, file).catch(() => rm(tmp, { force: true }));
}

/** Reads the take's packets (no decoding: it is I/O) into a TakeStream. Exported for tests. */
export async function readTakeStream(ffprobe: string, file: string, fps: number, signal?: AbortSignal): Promise<TakeStream> {
  const none: TakeStream = { frames: 0, keyframes: [], keyMicros: [], startMicros: 0, delay: 0, even: false, sar: null, x264: null };
  // A take ffprobe cannot list is not copied (it is conformed, as any other).
  const { code, stdout: text, error } = await runCapture(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=time_base,sample_aspect_ratio:packet=pts,dts,size,pos,flags', '-of', 'csv=p=1', file.startsWith('-') ? `file:${file}` : file], signal, 60_000);
  if (code !== 0 || error) return none;
  let tb: [number, number] | null = null;
  let sar: string | null = null;
  const packets: Array<{ pts: number; dts: number; key: boolean; size: number; pos: number }> = [];
  for (const line of text.split('\n')) {
    const cells = line.trim().split(',');
    if (cells[0] === 'stream') {
      // Either order: ffprobe prints the entries as the stream's section lists them.
      for (const c of cells.slice(1)) {
        const r = /^(\d+)\/(\d+)$/.exec(c);
        if (r && !tb) tb = [Number(r[1]), Number(r[2])];
        const s = /^(\d+):(\d+)$/.exec(c);
        if (s) sar = `${s[1]}:${s[2]}`;
      }
    } else if (cells[0] === 'packet') {
      const pts = Number(cells[1]);
      const dts = Number(cells[2]);
      if (!Number.isFinite(pts) || !Number.isFinite(dts)) return none;
      // Printed in ffprobe's order: pts, dts, size, pos, flags.
      packets.push({ pts, dts, key: (cells[5] ?? '').includes('K'), size: Number(cells[3]), pos: Number(cells[4]) });
    }
  }
  if (!tb || !packets.length) return none;
  const [num, den] = tb;
  const byTime = [...packets].sort((a, b) => a.pts - b.pts);
  const first = byTime[0]!.pts;
  const frameOf = (ts: number): number => ((ts - first) * num * fps) / den;
  // Frame k shows at exactly k/fps from the first: anything else (a gap, a changed rate) rules out cutting by number.
  const even = byTime.every((p, k) => Math.abs(frameOf(p.pts) - k) < 0.01);
  const delay = Math.round(frameOf(packets[0]!.pts) - frameOf(packets[0]!.dts));
  const keyframes: number[] = [];
  const keyMicros: number[] = [];
  const fh = await open(file, 'r');
  try {
    for (const [k, p] of byTime.entries()) {
      // A keyframe a copy may start on is an IDR picture: nothing after it refers to a frame before it. Some
      // muxers also mark other I-frames as sync samples, which later frames may still refer across.
      if (!p.key || !(await isIdr(fh, p.pos, p.size))) continue;
      keyframes.push(k);
      keyMicros.push((p.pts * num * 1e6) / den);
    }
    return { frames: packets.length, keyframes, keyMicros, startMicros: (first * num * 1e6) / den, delay, even, sar, x264: await readX264Options(fh) };
  } finally {
    await fh.close();
  }
}

/**
 * Whether the MP4 sample of `size` bytes at `pos` (4-byte NAL lengths, as x264 in MP4 writes) holds an IDR
 * slice before any other slice. Anything that does not parse is not one.
 */
export async function isIdr(fh: FileHandle, pos: number, size: number): Promise<boolean> {
  if (!Number.isFinite(pos) || !Number.isFinite(size) || pos < 0 || size <= 0) return false;
  const head = Buffer.alloc(5);
  for (let at = 0; at + 5 <= size; ) {
    const { bytesRead } = await fh.read(head, 0, 5, pos + at);
    if (bytesRead < 5) return false;
    const length = head.readUInt32BE(0);
    const type = head[4]! & 0x1f;
    if (length === 0 || at + 4 + length > size) return false;
    if (type === 5) return true;
    if (type === 1) return false;
    at += 4 + length;
  }
  return false;
}

/** readTakeStream, kept in `cacheDir/streams/<hash>-<fps>.json`. */
export async function takeStream(ff: Ffmpeg, file: string, hash: string, fps: number, cacheDir: string, signal?: AbortSignal): Promise<TakeStream> {
  const cached = path.join(cacheDir, 'streams', `${hash}-${fps}.json`);
  const hit = await readFile(cached, 'utf8').then(
    (t) => JSON.parse(t) as { v: number; stream: TakeStream },
    () => null,
  );
  if (hit?.v === FILE_VERSION) return hit.stream;
  const stream = await readTakeStream(ff.paths.ffprobe, file, fps, signal);
  await writeCacheJson(cached, { v: FILE_VERSION, stream });
  return stream;
}

// ---------------------------------------------------------------------------------------------------
// x264's options line → the settings to encode with

/** Names in x264's options line that x264's own option parser spells differently. */
const RENAMED: Record<string, string> = {
  mixed_ref: 'mixed-refs',
  me_range: 'merange',
  chroma_me: 'chroma-me',
  fast_pskip: 'fast-pskip',
  constrained_intra: 'constrained-intra',
  keyint_min: 'min-keyint',
  intra_refresh: 'intra-refresh',
  rc_lookahead: 'rc-lookahead',
  ip_ratio: 'ipratio',
  pb_ratio: 'pbratio',
  decimate: 'dct-decimate',
  vbv_maxrate: 'vbv-maxrate',
  vbv_bufsize: 'vbv-bufsize',
  b_pyramid: 'b-pyramid',
  b_adapt: 'b-adapt',
  b_bias: 'b-bias',
};
/** Taken as they are. */
const SAME = new Set(['weightb', 'cabac', 'ref', 'me', 'subme', 'psy', 'trellis', '8x8dct', 'nr', 'weightp', 'keyint', 'scenecut', 'mbtree', 'qcomp', 'qpmin', 'qpmax', 'qpstep', 'slices']);
/** Facts about the encode, not settings (or settings x264 derives from others, such as the chroma QP offset). */
const IGNORED = new Set(['threads', 'lookahead_threads', 'sliced_threads', 'chroma_qp_offset', 'bluray_compat', 'rc', 'ratetol', 'ipratio', 'cplxblur', 'qblur', 'crf_max', 'vbv_init', 'nal_hrd', 'filler', 'fgo']);

/**
 * The x264-params that make x264 encode like the take, or null when the take was made in a way the
 * windowed render does not copy: with open GOPs (a keyframe's neighbours may reference across it),
 * interlaced, with a custom quantiser matrix, or at a bitrate (not CRF or a fixed QP).
 */
export function x264Params(options: string): string | null {
  const opts = new Map(options.split(/\s+/).filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  const get = (k: string): string | undefined => opts.get(k);
  if ((get('open_gop') ?? '0') !== '0' || (get('interlaced') ?? '0') !== '0' || (get('cqm') ?? '0') !== '0' || (get('stitchable') ?? '0') !== '0') return null;
  const out: string[] = [`bframes=${get('bframes') ?? '0'}`];
  const rc = get('rc');
  if (rc === 'crf' && get('crf')) out.push(`crf=${get('crf')}`);
  else if (rc === 'cqp' && get('qp')) out.push(`qp=${get('qp')}`);
  else return null;
  for (const [k, v] of opts) {
    if (SAME.has(k)) out.push(`${k}=${v}`);
    else if (RENAMED[k]) out.push(`${RENAMED[k]}=${v}`);
    else if (k === 'deblock') {
      const [on, a, b] = v.split(':');
      out.push(on === '0' ? 'no-deblock=1' : `deblock=${a},${b}`);
    } else if (k === 'psy_rd' && get('psy') !== '0') out.push(`psy-rd=${v.replace(':', ',')}`);
    else if (k === 'deadzone') {
      const [inter, intra] = v.split(',');
      out.push(`deadzone-inter=${inter}`, `deadzone-intra=${intra}`);
    } else if (k === 'aq') {
      const [mode, strength] = v.split(':');
      out.push(`aq-mode=${mode}`, ...(strength ? [`aq-strength=${strength}`] : []));
    } else if (k === 'direct') {
      // Printed as a number; x264's parser takes its name.
      const name = ['none', 'spatial', 'temporal', 'auto'][Number(v)];
      if (!name) return null;
      out.push(`direct=${name}`);
    } else if (k === 'analyse') {
      const [intra, inter] = v.split(':').map((x) => parseInt(x, 16));
      const parts = [[intra! & 0x1, 'i4x4'], [intra! & 0x2, 'i8x8'], [inter! & 0x10, 'p8x8'], [inter! & 0x20, 'p4x4'], [inter! & 0x100, 'b8x8']].filter(([bit]) => bit).map(([, name]) => name);
      out.push(`partitions=${parts.length ? parts.join(',') : 'none'}`);
    } else if (!IGNORED.has(k) && !['bframes', 'open_gop', 'interlaced', 'cqm', 'crf', 'qp', 'stitchable', 'psy_rd'].includes(k)) {
      // A setting this list does not know: encoding without it might change the stream's headers.
      return null;
    }
  }
  return out.join(':');
}

/** Output options that encode like the take: x264 with its options (x264 picks the same profile and level from them). */
export function matchedOutputOptions(params: string, fps: number): string[] {
  return ['-c:v', 'libx264', '-x264-params', params, '-pix_fmt', 'yuv420p', '-r', String(fps)];
}

/**
 * Whether x264 here, given `params`, writes the same SPS/PPS as the take (whose extradata hash is
 * `extradataHash`): two frames of the take encoded and their headers compared. Kept in `matched.json`.
 */
export async function encodesAlike(ff: Ffmpeg, sample: string, extradataHash: string, output: string[], cacheDir: string, signal?: AbortSignal): Promise<boolean> {
  const key = pieceKey(ff.paths.ffmpeg, extradataHash, ...output);
  const file = path.join(cacheDir, 'matched.json');
  const known = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as Record<string, boolean>,
    () => ({}) as Record<string, boolean>,
  );
  if (typeof known[key] === 'boolean') return known[key];
  await mkdir(cacheDir, { recursive: true });
  const probe = path.join(cacheDir, `.match-${randomBytes(6).toString('hex')}.mp4`);
  let alike = false;
  try {
    await ff.run({ inputs: [{ path: sample }], outputOptions: ['-map', '0:v:0', '-frames:v', '2', '-an', ...output, '-f', 'mp4'], output: probe, totalSeconds: 0 }, signal ? { signal } : {});
    alike = (await ff.probeDetails(probe, signal ? { signal } : {})).videoExtradataHash === extradataHash;
  } catch {
    alike = false;
  } finally {
    await rm(probe, { force: true });
  }
  if (signal?.aborted) return false;
  known[key] = alike;
  await writeCacheJson(file, known);
  return alike;
}
