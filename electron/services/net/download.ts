// Resumable downloads that do not trust the server. Paid videos are fetched through this, so a bad
// answer must never turn into a corrupt file or a failed (and re-paid) scene:
//  - after a broken connection it resumes with `Range: bytes=N-` (+ If-Range) when the server advertised
//    `Accept-Ranges: bytes`, otherwise it starts over;
//  - every 206 is checked against the range asked for: its Content-Range must start at N, and its body
//    must be exactly as long as Content-Range says. A body that runs longer (seen from a real gateway) is
//    cut off and the download restarts from zero, never appended;
//  - a 416 (the server no longer agrees about the length) restarts from zero too;
//  - all of it bounded by `maxRestarts` per call; the caller (the job engine) keeps the job and tries again.
import { promises as fs } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../../shared/errors.ts';
import { backoffDelay, type HttpResponse, type RetryPolicy } from './http.ts';

export interface DownloadResult {
  bytes: number;
  /** How many times it resumed or restarted. */
  breaks: number;
  contentType: string | null;
}

export interface DownloadOptions {
  signal: AbortSignal;
  onProgress?: (received: number, total: number | null) => void;
  maxRestarts: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  log?: (line: string) => void;
  /** "GET /videos/x/content", for messages. */
  what: string;
}

/** Sends the GET with the given extra headers (Range, If-Range); returns 2xx and 416 answers. */
export type FetchPart = (headers: Record<string, string>, signal: AbortSignal) => Promise<HttpResponse>;

class Restart extends Error {}

/** Parses `bytes a-b/total`; null when malformed. */
export function parseContentRange(v: string | undefined): { start: number; end: number; total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec((v ?? '').trim());
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return null;
  return { start, end, total: m[3] === '*' ? null : Number(m[3]) };
}

export async function downloadResumable(fetchPart: FetchPart, dest: string, o: DownloadOptions): Promise<DownloadResult> {
  const sleep = o.sleep ?? ((ms: number, s?: AbortSignal) => delay(ms, undefined, s ? { signal: s } : undefined));
  const log = o.log ?? (() => undefined);
  let received = 0;
  let total: number | null = null;
  let canResume = false;
  let etag: string | undefined;
  let contentType: string | null = null;
  let breaks = 0;
  const fh = await fs.open(dest, 'w');
  const startOver = async (why: string): Promise<void> => {
    log(`${why}; starting over from byte 0`);
    received = 0;
    canResume = false;
    etag = undefined;
    await fh.truncate(0);
  };
  const giveUp = (why: string): AppError =>
    new AppError('ProviderUnavailable', 'The download kept failing. Storyreel keeps the job and tries again.', { retryable: true, detail: `${o.what}: ${why} after ${breaks} tries` });
  try {
    for (;;) {
      if (o.signal.aborted) throw new AppError('Aborted', 'Canceled.');
      const resuming = received > 0 && canResume;
      const headers: Record<string, string> = {};
      if (resuming) {
        headers.range = `bytes=${received}-`;
        if (etag) headers['if-range'] = etag;
      }
      let expected: number | null = null;
      try {
        const res = await fetchPart(headers, o.signal);
        if (res.status === 416) {
          await res.body.dump().catch(() => {});
          throw new Restart(`the server refused the range bytes=${received}- (416)`);
        }
        if (res.status === 206) {
          const cr = parseContentRange(res.headers['content-range']);
          if (!resuming || !cr || cr.start !== received) {
            await res.body.dump().catch(() => {});
            throw new Restart(`unexpected partial answer (${res.headers['content-range'] ?? 'no Content-Range'} for bytes=${received}-)`);
          }
          expected = cr.end - cr.start + 1;
          if (cr.total !== null) total = cr.total;
          log(`resumed at byte ${received}`);
        } else {
          // A whole body: (re)start at byte 0.
          if (received > 0) log('the server sent the whole file again');
          received = 0;
          await fh.truncate(0);
          const len = Number(res.headers['content-length']);
          expected = res.headers['content-length'] !== undefined && Number.isFinite(len) ? len : null;
          total = expected;
          canResume = (res.headers['accept-ranges'] ?? '').toLowerCase().includes('bytes');
          etag = res.headers.etag && !res.headers.etag.startsWith('W/') ? res.headers.etag : undefined;
          contentType = res.headers['content-type'] ?? null;
        }
        o.onProgress?.(received, total);
        const from = received;
        for await (const chunk of res.body) {
          const b = chunk as Buffer;
          if (expected !== null && received - from + b.length > expected) {
            res.body.destroy();
            throw new Restart(`the server sent more than the ${expected} bytes it announced`);
          }
          await fh.write(b, 0, b.length, received);
          received += b.length;
          o.onProgress?.(received, total);
        }
        if (expected !== null && received - from !== expected) throw new Error(`body ended at ${received - from} of ${expected} bytes`);
        if (total !== null && received !== total) throw new Error(`file ended at ${received} of ${total} bytes`);
        return { bytes: received, breaks, contentType };
      } catch (err) {
        if (o.signal.aborted) throw new AppError('Aborted', 'Canceled.');
        if (err instanceof AppError && !err.retryable) throw err; // expired, refused key: not a broken connection
        if (++breaks > o.maxRestarts) throw giveUp((err as Error).message);
        if (err instanceof Restart) await startOver(err.message);
        else {
          log(`broke off at ${received}${total !== null ? `/${total}` : ''} bytes (${(err as Error).message}); ${canResume ? 'resuming' : 'starting over'}`);
          if (!canResume) await startOver('no range support');
        }
        try {
          await sleep(backoffDelay(breaks, { baseDelayMs: o.retry?.baseDelayMs ?? 250, maxDelayMs: o.retry?.maxDelayMs ?? 4_000 }, o.random), o.signal);
        } catch {
          throw new AppError('Aborted', 'Canceled.');
        }
      }
    }
  } finally {
    await fh.close();
  }
}
