// What was learnt about a take once (its probe, that every packet reads, a hash of its bytes), kept in
// .storyreel/cache/probes.json keyed by the file's path, size, mtime and inode. Checking a take reads
// every packet of it; doing that again on every export of an unchanged take was most of the fast path's
// overhead. A file replaced or rewritten gets a new size or mtime, so it is checked again.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProbeDetails } from './ffmpeg.ts';

export interface CachedFacts {
  /** ffprobe's facts, after a read of every packet found nothing wrong. */
  details: ProbeDetails;
  /** Length of the picture in seconds. */
  seconds: number;
  /** SHA-1 of the file's bytes: the key of anything made from this take (sound stems, conformed copies). */
  hash: string;
}

interface Entry extends CachedFacts {
  key: string;
}

const FILE_VERSION = 1;
/** Entries kept; the oldest go first. A project rarely has more takes than this. */
const MAX_ENTRIES = 2000;

/** The identity of one version of a file, or null when it cannot be read. */
export async function fileKey(file: string): Promise<string | null> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) return null;
  return `${st.size}:${Math.round(st.mtimeMs)}:${st.ino}`;
}

export function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha1');
    const s = createReadStream(file, signal ? { signal } : {});
    s.on('data', (d) => h.update(d));
    s.on('error', reject);
    s.on('end', () => resolve(h.digest('hex')));
  });
}

export class ProbeCache {
  private entries = new Map<string, Entry>();
  private loaded: Promise<void> | null = null;
  private dirty = false;

  /** `file` is where the cache lives (…/.storyreel/cache/probes.json); null keeps it in memory only. */
  constructor(private readonly file: string | null) {}

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      try {
        const data = JSON.parse(await readFile(this.file, 'utf8')) as { version?: number; entries?: Record<string, Entry> };
        if (data.version === FILE_VERSION && data.entries) for (const [k, v] of Object.entries(data.entries)) this.entries.set(k, v);
      } catch {
        // Missing or unreadable: it is only a cache, start empty.
      }
    })();
    return this.loaded;
  }

  /** The facts for `file` as it is now, or null when it changed since (or was never checked). */
  async get(file: string): Promise<CachedFacts | null> {
    await this.load();
    const key = await fileKey(file);
    const e = this.entries.get(path.resolve(file));
    return key && e && e.key === key ? { details: e.details, seconds: e.seconds, hash: e.hash } : null;
  }

  async put(file: string, key: string, facts: CachedFacts): Promise<void> {
    await this.load();
    const abs = path.resolve(file);
    this.entries.delete(abs);
    this.entries.set(abs, { ...facts, key });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.dirty = true;
  }

  /** Writes the cache if it changed (atomically: a half-written cache would only be ignored, but why). */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: FILE_VERSION, entries: Object.fromEntries(this.entries) }));
    await rename(temp, this.file);
  }
}
