// Helpers for the emulator tests: HTTP over undici, ffprobe on downloaded bytes, polling until a state shows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
  json: Record<string, unknown>;
}

/** One HTTP request; `json` is sent as an application/json body. Never throws on a status, only on a transport error. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; json?: unknown; body?: Buffer | string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  let body: Buffer | string | undefined = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await request(url, { method: (init.method ?? (body === undefined ? 'GET' : 'POST')) as 'GET', headers, body });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: Record<string, unknown> = {};
  if (String(res.headers['content-type'] ?? '').includes('json') && text) json = JSON.parse(text) as Record<string, unknown>;
  return { status: res.statusCode, headers: res.headers, bytes, text, json };
}

export interface Probe {
  streams: Array<{ codec_type: string; width?: number; height?: number }>;
  duration: number;
}

/** ffprobe on bytes (written to a temp file); throws when ffprobe cannot read them. */
export function probe(bytes: Buffer): Probe {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storyreel-emu-probe-'));
  try {
    const file = path.join(dir, 'f.mp4');
    fs.writeFileSync(file, bytes);
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ffprobe failed: ${r.stderr}`);
    const info = JSON.parse(r.stdout) as { streams: Probe['streams']; format: { duration: string } };
    return { streams: info.streams, duration: Number(info.format.duration) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Calls `fn` until `done(result)` holds (a few ms apart), or fails after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T>, done: (r: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fn();
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(r).slice(0, 400)}`);
    await new Promise((res) => setTimeout(res, 15));
  }
}

/**
 * Where a secret reached an emulator: every request whose headers, query or body contain it, with the place.
 * An adapter test checks this against where the key is meant to go (for example: the fal key on queue calls,
 * never on the CDN; the Gemini key on the file download, in the header and not the query).
 */
export function whereKeyWent(requests: Array<{ seq: number; route: string | null; path: string; headers: Record<string, string>; query: Record<string, string>; body?: unknown }>, key: string): Array<{ seq: number; route: string | null; path: string; where: string }> {
  const out: Array<{ seq: number; route: string | null; path: string; where: string }> = [];
  for (const r of requests) {
    for (const [k, v] of Object.entries(r.headers)) if (v.includes(key)) out.push({ seq: r.seq, route: r.route, path: r.path, where: `header:${k}` });
    for (const [k, v] of Object.entries(r.query)) if (v.includes(key)) out.push({ seq: r.seq, route: r.route, path: r.path, where: `query:${k}` });
    if (r.body !== undefined && JSON.stringify(r.body).includes(key)) out.push({ seq: r.seq, route: r.route, path: r.path, where: 'body' });
  }
  return out;
}
