// The HTTP side every emulator shares: a loopback server, one record per request (headers included, so a
// test can see where a key went), bounded body reading, JSON and byte answers (with Range and the
// reset-mid-download fault), and the faults that hit before a handler runs.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import type { FaultPlan, RouteRef } from './faults.ts';

export interface KitRequestRecord {
  seq: number;
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Request headers as received (lower-case names). */
  headers: Record<string, string>;
  /** The emulator's route name, null when nothing matched. */
  route: string | null;
  /** Whether the request met the contract ('n/a' when there was nothing to check). */
  validation: 'valid' | 'invalid' | 'n/a';
  validationError?: string;
  /** Parsed JSON body, when there was one. */
  body?: unknown;
  /** Status sent, or 'reset' when the socket was destroyed before a status line. */
  status: number | 'reset' | null;
  fault?: string;
  range?: string;
  bytesSent?: number;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  rec: KitRequestRecord;
  raw: Buffer;
}

const MAX_BODY = 64 * 1024 * 1024;

export interface KitServer {
  url: string;
  port: number;
  requests: KitRequestRecord[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (port 0: a free one). `handle` must answer or reset every request. */
export async function startKitServer(opts: {
  port?: number;
  now: () => number;
  log: (line: string) => void;
  handle: (ctx: Ctx) => Promise<void>;
  onError: (ctx: Ctx) => void;
}): Promise<KitServer> {
  const requests: KitRequestRecord[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    // The Date header comes from the emulator's own clock, so a server whose clock is skewed can be emulated.
    res.setHeader('date', new Date(opts.now()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const rec: KitRequestRecord = { seq: ++seq, at: opts.now(), method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, route: null, validation: 'n/a', status: null };
    requests.push(rec);
    if (requests.length > 20_000) requests.splice(0, 10_000);
    res.on('close', () => opts.log(`#${rec.seq} ${method} ${url.pathname}${url.search} → ${rec.status ?? 'no answer'}${rec.validation === 'invalid' ? ` [invalid: ${rec.validationError ?? ''}]` : ''}${rec.fault ? ` [fault ${rec.fault}]` : ''}`));
    const ctx: Ctx = { req, res, url, method, rec, raw: Buffer.alloc(0) };
    (async () => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of req) {
        total += (c as Buffer).length;
        if (total > MAX_BODY) {
          rec.status = 413;
          res.writeHead(413).end();
          return;
        }
        chunks.push(c as Buffer);
      }
      ctx.raw = Buffer.concat(chunks);
      await opts.handle(ctx);
    })().catch((err: Error) => {
      opts.log(`handler crashed: ${err.stack ?? err.message}`);
      if (!res.headersSent) opts.onError(ctx);
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  ctx.rec.status = status;
  ctx.res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  ctx.res.end(text);
}

/** Destroys the socket without an answer. */
export function reset(ctx: Ctx, fault: string, log: (l: string) => void): void {
  ctx.rec.status = 'reset';
  ctx.rec.fault = fault;
  log(`#${ctx.rec.seq} ${fault}: destroying the socket`);
  ctx.req.socket.destroy();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parses a JSON object body; a string error message when it is not one. */
export function parseJsonObject(ctx: Ctx): { value: Record<string, unknown> } | { error: string } {
  if (ctx.raw.length === 0) return { error: 'The request body is empty; a JSON object is expected.' };
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) return { error: `The request body must be sent as application/json (got '${type}').` };
  let value: unknown;
  try {
    value = JSON.parse(ctx.raw.toString('utf8'));
  } catch (err) {
    return { error: `The request body is not valid JSON: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'The request body must be a JSON object.' };
  ctx.rec.body = value;
  return { value: value as Record<string, unknown> };
}

/**
 * Sends bytes with Range support (206/416) and the reset-mid-download fault.
 * `rangeError` words a 416 body in the provider's shape.
 */
export function sendBytes(ctx: Ctx, body: Buffer, type: string, opts: { plan: FaultPlan; route: RouteRef; log: (l: string) => void; extraHeaders?: Record<string, string> }): void {
  const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
  const headers: Record<string, string> = { 'content-type': type, etag, 'accept-ranges': 'bytes', ...opts.extraHeaders };
  let start = 0;
  let end = body.length - 1;
  let status = 200;
  const range = ctx.req.headers.range;
  const ifRange = ctx.req.headers['if-range'];
  if (range) ctx.rec.range = range;
  if (range && (!ifRange || ifRange === etag)) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const s = m?.[1] ? Number(m[1]) : m?.[2] ? body.length - Number(m[2]) : NaN;
    const e = m?.[1] && m?.[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
    if (!m || !(s >= 0) || s > e || s >= body.length) {
      ctx.rec.status = 416;
      ctx.res.writeHead(416, { 'content-range': `bytes */${body.length}` });
      ctx.res.end();
      return;
    }
    start = s;
    end = e;
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
  }
  const slice = body.subarray(start, end + 1);
  headers['content-length'] = String(slice.length);
  ctx.rec.status = status;
  ctx.res.writeHead(status, headers);
  if (ctx.method !== 'HEAD' && slice.length > 1 && opts.plan.fires('resetMidDownload', opts.route)) {
    const rule = opts.plan.faults.resetMidDownload ?? {};
    const n = Math.max(1, Math.min(slice.length - 1, rule.afterBytes ?? Math.floor(slice.length * (rule.fraction ?? 0.4))));
    ctx.rec.bytesSent = n;
    ctx.rec.fault = 'resetMidDownload';
    ctx.res.write(slice.subarray(0, n), () => setTimeout(() => ctx.req.socket.destroy(), 5));
    opts.log(`#${ctx.rec.seq} resetMidDownload after ${n} of ${slice.length} bytes`);
    return;
  }
  ctx.rec.bytesSent = ctx.method === 'HEAD' ? 0 : slice.length;
  ctx.res.end(ctx.method === 'HEAD' ? undefined : slice);
}

/**
 * The faults that hit before a handler runs, in order: slow, reset, 429, 5xx.
 * Returns true when the request has been answered (or reset) and the handler must not run.
 */
export async function preFaults(
  ctx: Ctx,
  route: RouteRef,
  plan: FaultPlan,
  log: (l: string) => void,
  shapes: {
    rateLimited: (retryAfterS: number) => { status?: number; body: unknown; headers?: Record<string, string> };
    serverError: (status: number) => unknown;
  },
): Promise<boolean> {
  const f = plan.faults;
  if (f.slow && plan.fires('slow', route)) {
    ctx.rec.fault = 'slow';
    await sleep(f.slow.delayMs);
  }
  if (plan.fires('resetBeforeResponse', route)) {
    reset(ctx, 'resetBeforeResponse', log);
    return true;
  }
  if (plan.fires('rateLimit', route)) {
    ctx.rec.fault = 'rateLimit';
    const a = shapes.rateLimited(Math.max(1, Math.ceil(f.rateLimit?.retryAfterS ?? 1)));
    sendJson(ctx, a.status ?? 429, a.body, a.headers);
    return true;
  }
  if (plan.fires('serverError', route)) {
    ctx.rec.fault = 'serverError';
    const status = plan.serverErrorStatus();
    sendJson(ctx, status, shapes.serverError(status));
    return true;
  }
  return false;
}

/** After a create: the lost reply (reset) or a 5xx although the job exists. True when handled. */
export function afterCreateFaults(ctx: Ctx, route: RouteRef, plan: FaultPlan, log: (l: string) => void, serverError: (status: number) => unknown): boolean {
  if (plan.fires('resetAfterCreate', route)) {
    reset(ctx, 'resetAfterCreate', log);
    return true;
  }
  if (plan.fires('serverErrorAfterCreate', route)) {
    ctx.rec.fault = 'serverErrorAfterCreate';
    const status = plan.faults.serverErrorAfterCreate?.status ?? 502;
    sendJson(ctx, status, serverError(status));
    return true;
  }
  return false;
}
