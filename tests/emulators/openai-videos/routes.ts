// What each route does once a request is past auth, validation and the up-front faults: create, remix,
// extend and edit make jobs; retrieve, list and delete read them; content serves the video (ranges, and the
// download faults).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { ParsedBody } from './body.ts';
import { imageInfo } from './media.ts';
import { HttpFail, invalid } from './spec.ts';
import { SIZES, type EmulatorState, type Job } from './state.ts';
import type { RequestRecord } from './types.ts';

export function makeRoutes(state: EmulatorState) {
  const { jobs, order, stats, spec, media, log, pollAfterMs, rangeSupport, view, isComplete, contentExpired, newJob, fires, sendJson, sendError, notFound, reset } = state;

  const checkReference = async (body: ParsedBody, size: string): Promise<HttpFail | null> => {
    let bytes: Uint8Array | null = null;
    let declared: string | null = null;
    const file = body.files.get('input_reference');
    if (file) {
      declared = file.type;
      bytes = new Uint8Array(await file.arrayBuffer());
    } else {
      const ref = body.value.input_reference;
      const url = ref && typeof ref === 'object' ? (ref as { image_url?: unknown }).image_url : undefined;
      const m = typeof url === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(url) : null;
      if (m) {
        declared = m[1] ?? null;
        bytes = Buffer.from(m[2] ?? '', 'base64');
      }
    }
    if (!bytes) return null; // no reference, or a remote URL / file id the emulator cannot fetch
    const info = imageInfo(bytes);
    if (!info) return invalid('Invalid input_reference: the file is not a PNG, JPEG or WebP image.', 'input_reference', 'invalid_image');
    if (declared !== info.type) return invalid(`Invalid input_reference: declared MIME type '${declared ?? ''}' but the bytes are ${info.type}.`, 'input_reference', 'invalid_image_format');
    if (`${info.width}x${info.height}` !== size) {
      return invalid(`Invalid input_reference: inpaint image must match the requested width and height (got ${info.width}x${info.height}, expected ${size}).`, 'input_reference', 'invalid_image_size');
    }
    return null;
  };

  const routeHandlers = {
    async create(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, body: ParsedBody): Promise<void> {
      const v = body.value;
      const size = typeof v.size === 'string' ? v.size : '720x1280';
      if (!SIZES.includes(size) && !spec) return sendError(rec, res, invalid(`Invalid size '${size}'.`, 'size'));
      const refFail = await checkReference(body, size);
      if (refFail) return sendError(rec, res, refFail);
      const prompt = String(v.prompt ?? '');
      if (!prompt) return sendError(rec, res, invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'));
      const job = newJob({ model: typeof v.model === 'string' ? v.model : 'sora-2', prompt, seconds: v.seconds === undefined ? '4' : String(v.seconds), size, remixedFrom: null });
      stats.creates++;
      stats.createsByPrompt[prompt] = (stats.createsByPrompt[prompt] ?? 0) + 1;
      log(`#${rec.seq} created ${job.id} (${job.seconds}s ${job.size} "${prompt.slice(0, 40)}")`);
      return answerCreated(rec, req, res, job);
    },
    async remix(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, body: ParsedBody, id: string): Promise<void> {
      const src = jobs.get(id);
      if (!src || src.deleted) return sendError(rec, res, notFound(id));
      if (!isComplete(src)) return sendError(rec, res, invalid(`Video '${id}' is not completed; only completed videos can be remixed.`, 'video_id', 'invalid_state'));
      const job = newJob({ model: src.model, prompt: String(body.value.prompt ?? ''), seconds: src.seconds, size: src.size, remixedFrom: src.id });
      return answerCreated(rec, req, res, job);
    },
    async extend(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, body: ParsedBody): Promise<void> {
      const v = body.value;
      const ext = Number(v.seconds ?? 4) || 4;
      const ref = v.video as { id?: unknown } | string | undefined;
      let seconds = ext;
      let size = '1280x720';
      let model = 'sora-2';
      if (ref && typeof ref === 'object') {
        const src = jobs.get(String(ref.id));
        if (!src || src.deleted) return sendError(rec, res, notFound(String(ref.id)));
        if (!isComplete(src)) return sendError(rec, res, invalid(`Video '${src.id}' is not completed; only completed videos can be extended.`, 'video', 'invalid_state'));
        seconds = Number(src.seconds) + ext;
        size = src.size;
        model = src.model;
      }
      const job = newJob({ model, prompt: String(v.prompt ?? ''), seconds: String(seconds), size, remixedFrom: null });
      return answerCreated(rec, req, res, job);
    },
    async edit(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, body: ParsedBody): Promise<void> {
      const v = body.value;
      const ref = v.video as { id?: unknown } | string | undefined;
      let seconds = '4';
      let size = '1280x720';
      let model = 'sora-2';
      if (ref && typeof ref === 'object') {
        const src = jobs.get(String(ref.id));
        if (!src || src.deleted) return sendError(rec, res, notFound(String(ref.id)));
        if (!isComplete(src)) return sendError(rec, res, invalid(`Video '${src.id}' is not completed; only completed videos can be edited.`, 'video', 'invalid_state'));
        ({ seconds, size, model } = src);
      }
      const job = newJob({ model, prompt: String(v.prompt ?? ''), seconds, size, remixedFrom: null });
      return answerCreated(rec, req, res, job);
    },
    retrieve(rec: RequestRecord, res: ServerResponse, id: string): void {
      const job = jobs.get(id);
      if (!job || job.deleted) return sendError(rec, res, notFound(id));
      sendJson(rec, res, 200, view(job), { 'openai-poll-after-ms': String(pollAfterMs) });
    },
    list(rec: RequestRecord, res: ServerResponse, query: URLSearchParams): void {
      const limit = query.has('limit') ? Number(query.get('limit')) : 20;
      const asc = query.get('order') === 'asc';
      const sorted = [...order].sort((a, b) => (asc ? a.seq - b.seq : b.seq - a.seq));
      let start = 0;
      const after = query.get('after');
      if (after) {
        const i = sorted.findIndex((j) => j.id === after);
        if (i === -1) return sendError(rec, res, invalid(`No video found with id '${after}' to paginate after.`, 'after', 'invalid_value'));
        start = i + 1;
      }
      const rest = sorted.slice(start).filter((j) => !j.deleted);
      const page = rest.slice(0, Math.max(0, limit));
      sendJson(rec, res, 200, {
        object: 'list',
        data: page.map((j) => {
          const v = view(j);
          if (state.faults.listEcho?.promptNull) v.prompt = null;
          if (state.faults.listEcho?.modelPrefix) v.model = `${state.faults.listEcho.modelPrefix}${String(v.model)}`;
          return v;
        }),
        first_id: page[0]?.id ?? null,
        last_id: page[page.length - 1]?.id ?? null,
        has_more: rest.length > page.length,
      });
    },
    delete(rec: RequestRecord, res: ServerResponse, id: string): void {
      const job = jobs.get(id);
      if (!job || job.deleted) return sendError(rec, res, notFound(id));
      const status = String(view(job).status);
      if (status !== 'completed' && status !== 'failed') {
        return sendError(rec, res, invalid(`Video '${id}' is ${status}; only completed or failed videos can be deleted.`, 'video_id', 'invalid_state'));
      }
      job.deleted = true;
      sendJson(rec, res, 200, { id, object: 'video.deleted', deleted: true });
    },
    async content(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, id: string, query: URLSearchParams): Promise<void> {
      const job = jobs.get(id);
      if (!job || job.deleted) return sendError(rec, res, notFound(id));
      const st = String(view(job).status);
      if (st !== 'completed') {
        return sendError(rec, res, new HttpFail(st === 'queued' || st === 'in_progress' ? 409 : 400, { message: `Video '${id}' is ${st}; content is available once it is completed.`, type: 'invalid_request_error', param: null, code: 'video_not_ready' }));
      }
      if (contentExpired(job)) {
        return sendError(rec, res, new HttpFail(404, { message: `The content of video '${id}' has expired.`, type: 'invalid_request_error', param: null, code: 'video_expired' }));
      }
      const variant = query.get('variant') ?? 'video';
      const seconds = Number(job.seconds) || 4;
      let body: Buffer;
      let type: string;
      try {
        if (variant === 'thumbnail' && state.faults.thumbnailNotImage) {
          body = Buffer.from('<html><body>502 Bad Gateway</body></html>');
          type = 'image/webp';
        } else if (variant === 'thumbnail') ({ body, type } = await media.thumbnail(seconds, job.size));
        else if (variant === 'spritesheet') ({ body, type } = await media.spritesheet(seconds, job.size));
        else {
          body = await media.video(seconds, job.size);
          type = 'video/mp4';
        }
      } catch (err) {
        return sendError(rec, res, new HttpFail(500, { message: `The emulator could not render the content: ${(err as Error).message.slice(0, 200)}`, type: 'server_error', param: null, code: null }));
      }
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
      const headers: Record<string, string> = { 'content-type': type, etag, 'cache-control': 'private, max-age=0' };
      if (rangeSupport) headers['accept-ranges'] = 'bytes';
      let start = 0;
      let end = body.length - 1;
      let status = 200;
      const range = req.headers.range;
      const ifRange = req.headers['if-range'];
      if (range) rec.range = range;
      if (range && rangeSupport && fires('rangeNotSatisfiable', 'content')) {
        rec.status = 416;
        rec.fault = 'rangeNotSatisfiable';
        res.writeHead(416, { 'content-range': `bytes */${body.length}`, 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Range not satisfiable: ${range}`, type: 'invalid_request_error', param: null, code: 'range_not_satisfiable' } }));
        return;
      }
      if (range && rangeSupport && (!ifRange || ifRange === etag)) {
        const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
        const s = m?.[1] ? Number(m[1]) : m?.[2] ? body.length - Number(m[2]) : NaN;
        const e = m?.[1] && m?.[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
        if (!m || !(s >= 0) || s > e || s >= body.length) {
          rec.status = 416;
          res.writeHead(416, { 'content-range': `bytes */${body.length}`, 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `Range not satisfiable: ${range}`, type: 'invalid_request_error', param: null, code: 'range_not_satisfiable' } }));
          return;
        }
        start = s;
        end = e;
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
        stats.partialResponses++;
      }
      const slice = body.subarray(start, end + 1);
      if (status === 206 && fires('overlongPartial', 'content')) {
        const extra = Buffer.alloc(state.faults.overlongPartial?.extraBytes ?? 4096, 0x5a);
        rec.status = status;
        rec.fault = 'overlongPartial';
        rec.bytesSent = slice.length + extra.length;
        res.writeHead(status, headers); // no Content-Length: chunked, so the extra bytes reach the client
        res.end(Buffer.concat([slice, extra]));
        return;
      }
      headers['content-length'] = String(slice.length);
      rec.status = status;
      res.writeHead(status, headers);
      if (variant === 'video' && fires('resetMidDownload', 'content') && slice.length > 1) {
        const rule = state.faults.resetMidDownload ?? {};
        const n = Math.max(1, Math.min(slice.length - 1, rule.afterBytes ?? Math.floor(slice.length * (rule.fraction ?? 0.4))));
        rec.bytesSent = n;
        rec.fault = 'resetMidDownload';
        res.write(slice.subarray(0, n), () => setTimeout(() => req.socket.destroy(), 5));
        log(`#${rec.seq} resetMidDownload after ${n} of ${slice.length} bytes`);
        return;
      }
      rec.bytesSent = slice.length;
      res.end(slice);
    },
  };

  function answerCreated(rec: RequestRecord, req: IncomingMessage, res: ServerResponse, job: Job): void {
    const route = rec.route ?? 'create';
    if (fires('resetAfterCreate', route)) return reset(rec, req, 'resetAfterCreate');
    if (fires('serverErrorAfterCreate', route)) {
      const status = state.faults.serverErrorAfterCreate?.status ?? 502;
      rec.fault = 'serverErrorAfterCreate';
      return sendError(rec, res, new HttpFail(status, { message: 'Bad gateway: the upstream connection was closed.', type: 'server_error', param: null, code: null }));
    }
    sendJson(rec, res, 200, view(job), { 'openai-poll-after-ms': String(pollAfterMs) });
  }

  return routeHandlers;
}
