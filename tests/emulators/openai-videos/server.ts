// Emulator of the `/v1/videos` API (OpenAI Videos shape, as served by gateways) for tests and local runs.
//
// - Loopback only (127.0.0.1), node:http, bearer auth.
// - Every request is validated against the official OpenAPI extract, read at start-up from
//   ../shared/reference/openai-videos-openapi.yaml (relative to the repo root; STORYREEL_OPENAPI_SPEC
//   overrides the path). If that file is absent, only that validation is skipped (one line says so);
//   everything else still runs.
// - Jobs move queued → in_progress → completed on a configurable clock; content is a real MP4 with audio
//   rendered by ffmpeg (cached per seconds × size, in memory and on disk).
// - Faults (rate limits, 5xx bursts, connection resets before/after a create, resets partway through a
//   download, slow replies, moderation, expiring content, off-spec statuses) are deterministic: a seeded
//   RNG decides, and every fault is counted in `stats.faults`.
//
// Parts: types.ts (public types), spec.ts (the OpenAPI extract), body.ts, validation.ts, media.ts, state.ts
// (jobs, faults, answers), routes.ts (what each route does); this file takes requests and starts the server.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, type ParsedBody } from './body.ts';
import { makeRoutes } from './routes.ts';
import { HttpFail } from './spec.ts';
import { createState, emptyStats, ROUTES } from './state.ts';
import type { EmulatorOptions, OpenAiVideosEmulator, RequestRecord, ValidationResult } from './types.ts';
import { validateRequest } from './validation.ts';

export * from './types.ts';
export { defaultSpecPath, loadOpenAiVideosSpec, REPO_ROOT, type OpenAiVideosSpec, type OperationSpec, type ParamSpec } from './spec.ts';
export { imageInfo, makeSolidPng, type ImageInfo } from './media.ts';

const MAX_BODY = 64 * 1024 * 1024;

export async function startOpenAiVideosEmulator(opts: EmulatorOptions = {}): Promise<OpenAiVideosEmulator> {
  const state = createState(opts);
  const { apiKey, now, log, spec, strictParams, stats, jobs, media, view, setFaults, fires, sendError, reset, sleep } = state;
  const routeHandlers = makeRoutes(state);
  let reqCounter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const rec: RequestRecord = {
      seq: ++reqCounter,
      at: now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      route: null,
      operationId: null,
      validation: 'unmatched',
      status: null,
      contentType: req.headers['content-type'],
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' || k === 'api-key' ? '[key]' : String(v)])),
    };
    stats.requests.push(rec);
    if (stats.requests.length > 20_000) stats.requests.splice(0, 10_000);
    res.on('close', () => log(`#${rec.seq} ${method} ${url.pathname}${url.search} → ${rec.status ?? 'no answer'} [${rec.validation}${rec.fault ? `, fault ${rec.fault}` : ''}]`));

    // Body (bounded).
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of req) {
      total += (c as Buffer).length;
      if (total > MAX_BODY) return sendError(rec, res, new HttpFail(413, { message: 'Request body too large.', type: 'invalid_request_error', param: null, code: null }));
      chunks.push(c as Buffer);
    }
    const raw = Buffer.concat(chunks);

    // Gateway mode: its own query parameters and headers, checked, and removed before the API sees them.
    const gw = opts.gateway;
    let gatewayFail: HttpFail | null = null;
    for (const [k, v] of Object.entries(gw?.requireQuery ?? {})) {
      if (url.searchParams.get(k) !== v) gatewayFail ??= new HttpFail(400, { message: `Missing or wrong query parameter ${k}.`, type: 'invalid_request_error', param: k, code: 'gateway_query' });
      url.searchParams.delete(k);
    }
    for (const [k, v] of Object.entries(gw?.requireHeaders ?? {})) {
      if (req.headers[k.toLowerCase()] !== v) gatewayFail ??= new HttpFail(400, { message: `Missing or wrong header ${k}.`, type: 'invalid_request_error', param: null, code: 'gateway_header' });
    }

    const sub = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : null;
    const route = sub === null ? undefined : ROUTES.find((r) => r.method === method && r.re.test(sub));
    const pathParams: Record<string, string> = {};
    if (route && sub) {
      rec.route = route.name;
      rec.operationId = spec?.operation(route.method, route.template)?.operationId ?? null;
      const m = route.re.exec(sub);
      if (m?.[1] !== undefined) {
        try {
          pathParams.video_id = decodeURIComponent(m[1]);
        } catch {
          pathParams.video_id = m[1];
        }
      }
    }

    let body: ParsedBody = { kind: 'none', value: {}, files: new Map(), untypedParts: new Set() };
    let parseFail: HttpFail | null = null;
    try {
      body = await parseBody(raw, req.headers['content-type']);
    } catch (err) {
      if (err instanceof HttpFail) parseFail = err;
      else throw err;
    }
    let validation: { result: ValidationResult; fail?: HttpFail } = { result: 'unmatched' };
    if (route) validation = parseFail ? { result: 'invalid', fail: parseFail } : validateRequest(spec, strictParams, route, pathParams, url.searchParams, body);
    rec.validation = validation.result;
    if (validation.fail) rec.validationError = validation.fail.error.message;

    // Auth (the real API checks it first).
    const keyHeader = req.headers['api-key'];
    const auth = gw?.authHeader === 'api-key' ? (typeof keyHeader === 'string' ? `Bearer ${keyHeader}` : '') : (req.headers.authorization ?? '');
    if (!auth) {
      return sendError(rec, res, new HttpFail(401, { message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", type: 'invalid_request_error', param: null, code: null }));
    }
    if (auth !== `Bearer ${apiKey}`) {
      return sendError(rec, res, new HttpFail(401, { message: 'Incorrect API key provided. You can find your API key in your account settings.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }));
    }
    if (gatewayFail) return sendError(rec, res, gatewayFail);
    if (!route) {
      return sendError(rec, res, new HttpFail(404, { message: `Invalid URL (${method} ${url.pathname})`, type: 'invalid_request_error', param: null, code: null }));
    }
    if (validation.fail) return sendError(rec, res, validation.fail);
    if (parseFail) return sendError(rec, res, parseFail);
    if (route.name === 'list') stats.listCalls++;
    else if (route.name === 'retrieve') stats.retrieveCalls++;
    else if (route.name === 'content') stats.contentCalls++;

    // Faults that hit before anything happens.
    if (state.faults.slow && fires('slow', route.name)) {
      rec.fault = 'slow';
      await sleep(state.faults.slow.delayMs);
    }
    if (fires('resetBeforeResponse', route.name)) return reset(rec, req, 'resetBeforeResponse');
    if (fires('rateLimit', route.name)) {
      const rl = state.faults.rateLimit ?? {};
      rec.fault = 'rateLimit';
      const headers: Record<string, string> = { 'retry-after': String(Math.max(1, Math.ceil(rl.retryAfterS ?? 1))) };
      if (rl.retryAfterMs !== undefined) headers['retry-after-ms'] = String(rl.retryAfterMs);
      return sendError(rec, res, new HttpFail(429, { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', param: null, code: rl.code ?? 'rate_limit_exceeded' }), headers);
    }
    if (fires('serverError', route.name)) {
      const statuses = state.faults.serverError?.statuses ?? [500, 502, 503];
      const status = statuses[(stats.faults.serverError ?? 1) % statuses.length] ?? 500;
      rec.fault = 'serverError';
      return sendError(rec, res, new HttpFail(status, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null }));
    }

    const id = pathParams.video_id ?? '';
    switch (route.name) {
      case 'create':
        return routeHandlers.create(rec, req, res, body);
      case 'remix':
        return routeHandlers.remix(rec, req, res, body, id);
      case 'extend':
        return routeHandlers.extend(rec, req, res, body);
      case 'edit':
        return routeHandlers.edit(rec, req, res, body);
      case 'retrieve':
        return routeHandlers.retrieve(rec, res, id);
      case 'list':
        return routeHandlers.list(rec, res, url.searchParams);
      case 'delete':
        return routeHandlers.delete(rec, res, id);
      case 'content':
        return routeHandlers.content(rec, req, res, id, url.searchParams);
    }
  }

  const server = http.createServer((req, res) => {
    // The Date header comes from the emulator's own clock, so a server whose clock is skewed can be emulated.
    res.setHeader('date', new Date(now()).toUTCString());
    handle(req, res).catch((err: Error) => {
        log(`handler crashed: ${err.stack ?? err.message}`);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'Emulator error', type: 'server_error', param: null, code: null } }));
        } else res.destroy();
      });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/v1`;
  log(`listening on ${url}`);

  return {
    url,
    port,
    apiKey,
    stats,
    validating: spec !== null,
    setFaults,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    job: (id) => {
      const j = jobs.get(id);
      return j && !j.deleted ? view(j) : undefined;
    },
    forceStatus(id, status) {
      const j = jobs.get(id);
      if (!j) throw new Error(`No job ${id}`);
      j.forcedStatus = status;
    },
    expire(id) {
      const j = jobs.get(id);
      if (!j) throw new Error(`No job ${id}`);
      j.expiredAt = now();
    },
    async contentOf(id) {
      const j = jobs.get(id);
      if (!j) throw new Error(`No job ${id}`);
      return media.video(Number(j.seconds) || 4, j.size);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
