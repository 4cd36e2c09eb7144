// Reading a finished MP4's index (its moov box) in this process: how the fast path checks the film it
// just wrote, instead of starting ffprobe (a tenth of a second there, most of it ffprobe loading ffmpeg's
// libraries, for a film whose picture took two seconds to copy). It reads what ffmpeg's mov muxer writes,
// and more strictly than ffprobe: the top-level boxes must add up to the file's size exactly, the index
// must come before the media data, and every sample the index lists must lie inside the media data. A file
// laid out otherwise (or a box version it does not know) gives null, and the caller asks ffprobe.
import { open } from 'node:fs/promises';
import type { MediaInfo } from './probe.ts';

/** What the index says, or why the file is not a whole film. */
export type Mp4Index = { info: MediaInfo } | { problem: string };

/** ffprobe's name for the format, so a film read either way reads the same. */
const FORMAT_NAME = 'mov,mp4,m4a,3gp,3g2,mj2';
/** An index larger than this is not one ffmpeg wrote for a film (hours of 60 fps picture are a few MB). */
const MAX_MOOV = 64 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the payload in the buffer, and its end. */
  start: number;
  end: number;
}

/** The boxes in `buf` between `from` and `to`, or null when their sizes do not tile that span. */
function children(buf: Buffer, from: number, to: number): Box[] | null {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (to - at < 8) return null;
    let size = buf.readUInt32BE(at);
    let head = 8;
    if (size === 1) {
      if (to - at < 16) return null;
      size = Number(buf.readBigUInt64BE(at + 8));
      head = 16;
    } else if (size === 0) size = to - at;
    if (size < head || at + size > to) return null;
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at + head, end: at + size });
    at += size;
  }
  return out;
}

const find = (boxes: readonly Box[] | null, type: string): Box | undefined => boxes?.find((b) => b.type === type);
const descend = (buf: Buffer, box: Box | undefined, ...types: string[]): Box | undefined => {
  let b = box;
  for (const t of types) b = b && find(children(buf, b.start, b.end), t);
  return b;
};

/** A full box's version and the (timescale, duration) pair of mvhd/mdhd. */
function scaleAndDuration(buf: Buffer, box: Box): { timescale: number; duration: number } {
  const v = buf.readUInt8(box.start);
  return v === 1
    ? { timescale: buf.readUInt32BE(box.start + 20), duration: Number(buf.readBigUInt64BE(box.start + 24)) }
    : { timescale: buf.readUInt32BE(box.start + 12), duration: buf.readUInt32BE(box.start + 16) };
}

/** H.264's profile as ffprobe names it, from the SPS's profile and constraint bytes. */
function h264Profile(profile: number, constraints: number): string | null {
  const names: Record<number, string> = { 66: 'Baseline', 77: 'Main', 88: 'Extended', 100: 'High', 110: 'High 10', 122: 'High 4:2:2', 244: 'High 4:4:4 Predictive', 44: 'CAVLC 4:4:4' };
  if (profile === 66 && constraints & 0x40) return 'Constrained Baseline';
  if (profile === 110 && constraints & 0x10) return 'High 10 Intra';
  return names[profile] ?? null;
}

/** ffprobe's pixel format from the SPS's chroma format and bit depth (read by exp-Golomb codes). */
function h264PixFmt(sps: Buffer): string | null {
  // Drop emulation-prevention bytes (00 00 03 → 00 00).
  const rbsp: number[] = [];
  for (let i = 0; i < sps.length; i++) {
    if (i >= 2 && sps[i] === 3 && sps[i - 1] === 0 && sps[i - 2] === 0) continue;
    rbsp.push(sps[i]!);
  }
  let bit = 8 * 4; // after the NAL header, profile, constraints and level
  const read = (): number => {
    const b = rbsp[bit >> 3];
    if (b === undefined) throw new Error('SPS ends early');
    const v = (b >> (7 - (bit & 7))) & 1;
    bit++;
    return v;
  };
  const ue = (): number => {
    let zeros = 0;
    while (read() === 0) if (++zeros > 31) throw new Error('bad exp-Golomb code');
    let v = 0;
    for (let i = 0; i < zeros; i++) v = (v << 1) | read();
    return (1 << zeros) - 1 + v;
  };
  try {
    const profile = rbsp[1]!;
    ue(); // seq_parameter_set_id
    let chroma = 1;
    let depth = 8;
    if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
      chroma = ue();
      if (chroma === 3) read();
      depth = ue() + 8;
    }
    const base = ['gray', 'yuv420p', 'yuv422p', 'yuv444p'][chroma];
    if (!base) return null;
    return depth === 8 ? base : `${base}${depth}le`;
  } catch {
    return null;
  }
}

/** AAC's sampling frequency indexes (ISO 14496-3) and channel configurations. */
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const AAC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8];

/**
 * The AAC-LC facts in an esds box (ISO 14496-1 descriptors, then the audio specific config): null unless
 * its decoder config names MPEG-4 audio (object type 0x40) coded as AAC-LC with a plain channel layout.
 * The sample entry's own channel count is no use: an MP4 always says 2 there.
 */
function aacConfig(buf: Buffer, esds: Box): { sampleRate: number; channels: number } | null {
  let at = esds.start + 4;
  /** Reads a descriptor's tag and length at `at`, moving `at` to its payload. */
  const descriptor = (): { tag: number; end: number } | null => {
    if (at + 2 > esds.end) return null;
    const tag = buf.readUInt8(at++);
    let length = 0;
    for (let i = 0; i < 4; i++) {
      const b = buf.readUInt8(at++);
      length = (length << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    return at + length <= esds.end ? { tag, end: at + length } : null;
  };
  const es = descriptor();
  if (es?.tag !== 0x03 || at + 3 > es.end) return null;
  const flags = buf.readUInt8(at + 2);
  at += 3;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + buf.readUInt8(at);
  if (flags & 0x20) at += 2;
  const config = descriptor();
  if (config?.tag !== 0x04 || at + 13 > config.end || buf.readUInt8(at) !== 0x40) return null;
  at += 13;
  const specific = at < config.end ? descriptor() : null;
  if (specific?.tag !== 0x05 || at + 2 > specific.end) return null;
  // 5 bits object type (2: LC), 4 bits rate index, 4 bits channel configuration.
  const bits = buf.readUInt16BE(at);
  const rate = AAC_RATES[(bits >> 7) & 0xf];
  const channels = AAC_CHANNELS[(bits >> 3) & 0xf];
  return bits >> 11 === 2 && rate && channels ? { sampleRate: rate, channels } : null;
}

interface Track {
  handler: string;
  codec: string;
  seconds: number;
  /** Its media's own length (mdhd), which the frame rate is measured over. */
  mediaSeconds: number;
  timescale: number;
  samples: number;
  sampleBytes: number;
  /** Where its last chunk starts. */
  lastChunk: number;
  width: number;
  height: number;
  profile: string | null;
  pixFmt: string | null;
  sampleRate: number;
  channels: number;
}

/** One track, or null when something in it is not what ffmpeg writes. */
function readTrack(buf: Buffer, trak: Box, movieScale: number): Track | null {
  const mdia = descend(buf, trak, 'mdia');
  const mdhd = descend(buf, mdia, 'mdhd');
  const hdlr = descend(buf, mdia, 'hdlr');
  const stbl = descend(buf, mdia, 'minf', 'stbl');
  const tables = stbl ? children(buf, stbl.start, stbl.end) : null;
  const stsd = find(tables, 'stsd');
  const stsz = find(tables, 'stsz');
  const stts = find(tables, 'stts');
  const stco = find(tables, 'stco') ?? find(tables, 'co64');
  if (!mdhd || !hdlr || !stsd || !stsz || !stts || !stco || buf.readUInt32BE(stsd.start + 4) < 1) return null;
  const { timescale, duration } = scaleAndDuration(buf, mdhd);
  if (!(timescale > 0)) return null;
  // The length ffprobe gives a stream: its edit list's, when it has one (the sound's list skips the encoder's delay).
  const elst = descend(buf, trak, 'edts', 'elst');
  let seconds = duration / timescale;
  if (elst && movieScale > 0) {
    const v = buf.readUInt8(elst.start);
    const n = buf.readUInt32BE(elst.start + 4);
    let total = 0;
    for (let i = 0; i < n; i++) total += v === 1 ? Number(buf.readBigUInt64BE(elst.start + 8 + 20 * i)) : buf.readUInt32BE(elst.start + 8 + 12 * i);
    seconds = total / movieScale;
  }
  const sampleSize = buf.readUInt32BE(stsz.start + 4);
  const samples = buf.readUInt32BE(stsz.start + 8);
  if (stsz.end - stsz.start < 12 + (sampleSize ? 0 : 4 * samples)) return null;
  let sampleBytes = sampleSize * samples;
  for (let i = 0; !sampleSize && i < samples; i++) sampleBytes += buf.readUInt32BE(stsz.start + 12 + 4 * i);
  const chunks = buf.readUInt32BE(stco.start + 4);
  const wide = stco.type === 'co64';
  if (stco.end - stco.start < 8 + chunks * (wide ? 8 : 4)) return null;
  let lastChunk = 0;
  for (let i = 0; i < chunks; i++) lastChunk = Math.max(lastChunk, wide ? Number(buf.readBigUInt64BE(stco.start + 8 + 8 * i)) : buf.readUInt32BE(stco.start + 8 + 4 * i));

  const entry = stsd.start + 8;
  const fourcc = buf.toString('latin1', entry + 4, entry + 8);
  const track: Track = { handler: buf.toString('latin1', hdlr.start + 8, hdlr.start + 12), codec: fourcc, seconds, mediaSeconds: duration / timescale, timescale, samples, sampleBytes, lastChunk, width: 0, height: 0, profile: null, pixFmt: null, sampleRate: 0, channels: 0 };
  const entryEnd = entry + buf.readUInt32BE(entry);
  if (fourcc === 'avc1' || fourcc === 'avc3') {
    track.codec = 'h264';
    track.width = buf.readUInt16BE(entry + 32);
    track.height = buf.readUInt16BE(entry + 34);
    const avcC = find(children(buf, entry + 86, entryEnd), 'avcC');
    if (avcC && avcC.end - avcC.start > 8 && (buf.readUInt8(avcC.start + 5) & 0x1f) > 0) {
      track.profile = h264Profile(buf.readUInt8(avcC.start + 1), buf.readUInt8(avcC.start + 2));
      const spsLength = buf.readUInt16BE(avcC.start + 6);
      track.pixFmt = h264PixFmt(buf.subarray(avcC.start + 8, Math.min(avcC.end, avcC.start + 8 + spsLength)));
    }
  } else if (fourcc === 'mp4a') {
    const esds = find(children(buf, entry + 36, entryEnd), 'esds');
    const aac = esds ? aacConfig(buf, esds) : null;
    if (!aac) return null;
    Object.assign(track, aac, { codec: 'aac', profile: 'LC' });
  }
  return track;
}

/**
 * Reads `file`'s index. `{ info }`: the facts ffprobe would give (the film's and each stream's length,
 * codecs, frame, rate); `{ problem }`: the file is not a whole MP4 with its index first; null: laid out in
 * a way this reader does not know (ask ffprobe).
 */
export async function readMp4Index(file: string): Promise<Mp4Index | null> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(16);
    let at = 0;
    let moov: Buffer | null = null;
    let mdat: { start: number; end: number } | null = null;
    // Walk the top-level boxes by their headers; read the index whole.
    while (at < size) {
      const { bytesRead } = await handle.read(head, 0, 16, at);
      if (bytesRead < 8) return { problem: `the file ends inside a box header at byte ${at}` };
      let boxSize = head.readUInt32BE(0);
      let headSize = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return { problem: `the file ends inside a box header at byte ${at}` };
        boxSize = Number(head.readBigUInt64BE(8));
        headSize = 16;
      } else if (boxSize === 0) boxSize = size - at;
      const type = head.toString('latin1', 4, 8);
      if (boxSize < headSize || at + boxSize > size) return { problem: `the ${type} box at byte ${at} runs past the end of the file (cut short)` };
      if (type === 'moov') {
        if (mdat) return { problem: 'the index (moov) comes after the media data, not at the front' };
        if (boxSize > MAX_MOOV) return null;
        moov = Buffer.alloc(boxSize);
        await handle.read(moov, 0, boxSize, at);
      } else if (type === 'mdat') {
        if (mdat) return null;
        mdat = { start: at + headSize, end: at + boxSize };
      } else if (type === 'moof') return null;
      at += boxSize;
    }
    if (!moov) return { problem: 'the file has no index (moov)' };
    if (!mdat) return { problem: 'the file has no media data (mdat)' };
    const top = children(moov, 8, moov.length);
    const mvhd = find(top, 'mvhd');
    if (!top || !mvhd) return null;
    const movie = scaleAndDuration(moov, mvhd);
    const tracks: Track[] = [];
    for (const trak of top.filter((b) => b.type === 'trak')) {
      const t = readTrack(moov, trak, movie.timescale);
      if (!t) return null;
      tracks.push(t);
    }
    const inData = tracks.reduce((n, t) => n + t.sampleBytes, 0);
    if (inData > mdat.end - mdat.start) return { problem: `the index lists ${inData} bytes of samples, the media data holds ${mdat.end - mdat.start}` };
    const stray = tracks.find((t) => t.samples > 0 && (t.lastChunk < mdat!.start || t.lastChunk >= mdat!.end));
    if (stray) return { problem: `the ${stray.handler} track's samples lie outside the media data` };
    const v = tracks.find((t) => t.handler === 'vide');
    const a = tracks.find((t) => t.handler === 'soun');
    if (v && (!v.pixFmt || !v.profile)) return null;
    const info: MediaInfo = {
      durationSeconds: movie.timescale > 0 ? movie.duration / movie.timescale : Math.max(v?.seconds ?? 0, a?.seconds ?? 0),
      formatName: FORMAT_NAME,
      video: v ? { codec: v.codec, width: v.width, height: v.height, fps: v.mediaSeconds > 0 ? v.samples / v.mediaSeconds : 0, pixFmt: v.pixFmt ?? 'unknown', profile: v.profile, timeBase: `1/${v.timescale}`, durationSeconds: v.seconds } : null,
      audio: a ? { codec: a.codec, sampleRate: a.sampleRate, channels: a.channels, durationSeconds: a.seconds, profile: a.profile } : null,
    };
    return { info };
  } finally {
    await handle.close();
  }
}
