// The test/dev bridge: serves the shared contract to a renderer running in an ordinary browser, so
// Playwright can drive the real renderer against the real services. HTTP + Server-Sent Events on
// 127.0.0.1 only, every call guarded by a random token, Host and Origin checked (no DNS rebinding).
// It lives under tests/ and is never part of a production build.
//   POST /rpc/<channel>      x-storyreel-token: T, JSON body → reply envelope
//   GET  /events?token=T     SSE: event: event.<name>, data: JSON
//   GET  /media/<rel>?token=T  files under the open project's media/ or exports/ (Range supported)
//   GET  /…                   the bridge build of the renderer (dist-renderer-bridge)
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventChannel, type EventName } from '../../shared/contract.ts';
import type { Storyreel } from '../../electron/services/app.ts';
import { dispatch } from '../../electron/services/dispatch.ts';
import { byteRange, contentType, type OpenedFile } from '../../electron/services/serve.ts';

export interface Bridge {
  url: string;
  /** The page to open: url + ?token=… */
  pageUrl: string;
  token: string;
  close(): Promise<void>;
}


function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(file);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404).end('Not found');
    return;
  }
  const type = contentType(file);
  const range = byteRange(req.headers.range, stat.size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${stat.size}` }).end();
    return;
  }
  if (range) {
    const { start, end } = range;
    res.writeHead(206, { 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${stat.size}`, 'accept-ranges': 'bytes' });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': stat.size, 'accept-ranges': 'bytes', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
}

function sendOpened(req: http.IncomingMessage, res: http.ServerResponse, { handle, size, type }: OpenedFile): void {
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    void handle.close();
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  if (range) {
    const { start, end } = range;
    res.writeHead(206, { 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
    handle.createReadStream({ start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'accept-ranges': 'bytes', 'cache-control': 'no-store' });
  handle.createReadStream().pipe(res);
}

export async function startBridge(app: Storyreel, opts: { staticDir: string; port?: number; log?: (line: string) => void }): Promise<Bridge> {
  const token = randomBytes(24).toString('hex');
  const handlers = app.handlers();
  const clients = new Set<http.ServerResponse>();
  let origin = '';

  const forward = (event: EventName, payload: unknown) => {
    const frame = `event: ${eventChannel(event)}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  app.on('event', forward);

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', origin);
      if (req.headers.host !== new URL(origin).host) {
        res.writeHead(421).end('Wrong host');
        return;
      }
      if (req.headers.origin && req.headers.origin !== origin) {
        res.writeHead(403).end('Wrong origin');
        return;
      }
      if (url.pathname.startsWith('/rpc/')) {
        if (req.method !== 'POST' || !sameToken(req.headers['x-storyreel-token'] as string | undefined, token)) {
          res.writeHead(403).end('Forbidden');
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req) {
          size += (chunk as Buffer).length;
          if (size > 1_000_000) {
            res.writeHead(413).end('Too large');
            return;
          }
          chunks.push(chunk as Buffer);
        }
        let payload: unknown = {};
        try {
          payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          payload = undefined;
        }
        const reply =
          payload === undefined
            ? { ok: false as const, error: { code: 'InvalidInput' as const, message: 'The request body is not JSON.' } }
            : await dispatch(handlers, decodeURIComponent(url.pathname.slice(5)), payload, opts.log);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(reply));
        return;
      }
      if (url.pathname === '/events') {
        if (!sameToken(url.searchParams.get('token'), token)) {
          res.writeHead(403).end('Forbidden');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      if (url.pathname.startsWith('/media/')) {
        if (!sameToken(url.searchParams.get('token'), token)) {
          res.writeHead(403).end('Forbidden');
          return;
        }
        // Still percent-encoded: the shared check (serve.ts) decodes, contains and opens.
        const opened = await app.mediaFile(url.pathname.slice('/media'.length));
        if (!opened) {
          res.writeHead(404).end('Not found');
          return;
        }
        sendOpened(req, res, opened);
        return;
      }
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = path.resolve(opts.staticDir, rel);
      if (!file.startsWith(path.resolve(opts.staticDir) + path.sep)) {
        res.writeHead(404).end('Not found');
        return;
      }
      await sendFile(req, res, file);
    } catch (err) {
      opts.log?.(`bridge: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end('Internal error');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    pageUrl: `${origin}/?token=${token}`,
    token,
    close: async () => {
      app.off('event', forward);
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
