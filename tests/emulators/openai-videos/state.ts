// The emulator's state: its settings, the jobs and how each looks at a given time (the clock moves them
// queued → in_progress → completed), which faults fire (seeded, counted in stats.faults), and the answers
// it sends (checked against the spec's response schemas).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { RuleSchedule } from '../kit/faults.ts';
import { MediaCache } from './media.ts';
import { defaultSpecPath, HttpFail, loadOpenAiVideosSpec } from './spec.ts';
import { CREATE_ROUTES, type EmulatorFaults, type EmulatorOptions, type EmulatorStats, type FaultRule, type RequestRecord, type RouteName } from './types.ts';

export interface Job {
  id: string;
  seq: number;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  createdMs: number;
  remixedFrom: string | null;
  moderation: boolean;
  offSpec: string | null;
  ttlMs: number;
  forcedStatus: string | null;
  expiredAt: number | null;
  deleted: boolean;
}

export const ALL_ROUTES: RouteName[] = ['create', 'list', 'retrieve', 'delete', 'content', 'remix', 'extend', 'edit'];
export const ROUTES: Array<{ method: string; re: RegExp; template: string; name: RouteName }> = [
  { method: 'POST', re: /^\/videos$/, template: '/videos', name: 'create' },
  { method: 'GET', re: /^\/videos$/, template: '/videos', name: 'list' },
  { method: 'POST', re: /^\/videos\/edits$/, template: '/videos/edits', name: 'edit' },
  { method: 'POST', re: /^\/videos\/extensions$/, template: '/videos/extensions', name: 'extend' },
  { method: 'GET', re: /^\/videos\/([^/]+)\/content$/, template: '/videos/{video_id}/content', name: 'content' },
  { method: 'POST', re: /^\/videos\/([^/]+)\/remix$/, template: '/videos/{video_id}/remix', name: 'remix' },
  { method: 'GET', re: /^\/videos\/([^/]+)$/, template: '/videos/{video_id}', name: 'retrieve' },
  { method: 'DELETE', re: /^\/videos\/([^/]+)$/, template: '/videos/{video_id}', name: 'delete' },
];
const RESPONSE_SCHEMA: Partial<Record<RouteName, string>> = {
  create: 'VideoResource',
  remix: 'VideoResource',
  extend: 'VideoResource',
  edit: 'VideoResource',
  retrieve: 'VideoResource',
  list: 'VideoListResource',
  delete: 'DeletedVideoResource',
};
export const SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];

export function emptyStats(): EmulatorStats {
  return { creates: 0, createsByPrompt: {}, createdIds: [], listCalls: 0, retrieveCalls: 0, contentCalls: 0, partialResponses: 0, faults: {}, requests: [], responseErrors: [] };
}

export function createState(opts: EmulatorOptions) {
  const apiKey = opts.apiKey ?? 'sk-emulator';
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const queuedMs = opts.timing?.queuedMs ?? 50;
  const runningMs = opts.timing?.runningMs ?? 250;
  const pollAfterMs = opts.timing?.pollAfterMs ?? 50;
  const defaultTtl = opts.contentTtlMs ?? 3_600_000;
  const strictParams = opts.rejectUnknownParams ?? true;
  const rangeSupport = opts.rangeSupport ?? true;
  const specPath = opts.specPath ?? defaultSpecPath();
  const spec = loadOpenAiVideosSpec(specPath);
  if (!spec) console.warn(`[openai-videos emulator] spec not found at ${specPath}: request/response validation against the OpenAPI extract is OFF (everything else runs).`);
  const validateResponses = (opts.validateResponses ?? true) && spec !== null;
  const media = new MediaCache(opts.ffmpegPath ?? '/usr/bin/ffmpeg', opts.cacheDir ?? path.join(os.tmpdir(), 'storyreel-openai-videos-emulator'));

  const stats = emptyStats();
  const jobs = new Map<string, Job>();
  const order: Job[] = [];
  let seqCounter = 0;

  let faults: EmulatorFaults = {};
  let faultSeed = 1;
  const schedules = new Map<string, RuleSchedule>();
  const setFaults = (f: EmulatorFaults): void => {
    faults = f;
    faultSeed = f.seed ?? opts.seed ?? 1;
    schedules.clear();
  };
  setFaults(opts.faults ?? {});

  const DEFAULT_FAULT_ROUTES: Record<string, RouteName[]> = {
    rateLimit: ALL_ROUTES,
    serverError: ALL_ROUTES,
    resetBeforeResponse: ALL_ROUTES,
    slow: ALL_ROUTES,
    resetAfterCreate: [...CREATE_ROUTES],
    serverErrorAfterCreate: [...CREATE_ROUTES],
    resetMidDownload: ['content'],
    overlongPartial: ['content'],
    rangeNotSatisfiable: ['content'],
  };
  /** Decides whether the named fault fires for this request (and counts it). */
  const fires = (name: keyof EmulatorFaults, route: RouteName): boolean => {
    const rule = faults[name] as (FaultRule & { burst?: number }) | undefined;
    if (!rule || typeof rule !== 'object') return false;
    if (!(rule.routes ?? DEFAULT_FAULT_ROUTES[name] ?? ALL_ROUTES).includes(route)) return false;
    let schedule = schedules.get(name);
    if (!schedule) schedules.set(name, (schedule = new RuleSchedule(faultSeed, name)));
    const hit = schedule.next(rule);
    if (hit) stats.faults[name] = (stats.faults[name] ?? 0) + 1;
    return hit;
  };

  const word = (prompt: string, w: string | null | undefined): boolean => Boolean(w) && prompt.toUpperCase().includes(String(w).toUpperCase());

  const view = (job: Job, t = now()): Record<string, unknown> => {
    const age = t - job.createdMs;
    const doneMs = job.createdMs + queuedMs + runningMs;
    const failMs = job.createdMs + queuedMs + Math.floor(runningMs * 0.3);
    let status: string;
    let progress = 0;
    let completedAt: number | null = null;
    let expiresAt: number | null = null;
    let error: { code: string; message: string } | null = null;
    if (job.moderation && t >= failMs) {
      status = 'failed';
      progress = 30;
      completedAt = Math.floor(failMs / 1000);
      error = { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' };
    } else if (age < queuedMs) {
      status = faults.queuedStatus && word(job.prompt, faults.queuedStatus.word ?? job.prompt) ? faults.queuedStatus.status : 'queued';
    } else if (t < doneMs) {
      status = 'in_progress';
      progress = Math.min(99, Math.max(1, Math.floor(((age - queuedMs) / runningMs) * 100)));
    } else if (job.offSpec) {
      status = job.offSpec;
      progress = 100;
    } else {
      status = 'completed';
      progress = 100;
      completedAt = Math.floor(doneMs / 1000);
      expiresAt = Math.floor((job.expiredAt ?? doneMs + job.ttlMs) / 1000);
    }
    if (job.forcedStatus) status = job.forcedStatus;
    return {
      id: job.id,
      object: 'video',
      model: job.model,
      status,
      progress,
      created_at: Math.floor(job.createdMs / 1000),
      completed_at: completedAt,
      expires_at: expiresAt,
      prompt: job.prompt,
      size: job.size,
      seconds: job.seconds,
      remixed_from_video_id: job.remixedFrom,
      error,
    };
  };
  const isComplete = (job: Job): boolean => view(job).status === 'completed';
  const contentExpired = (job: Job, t = now()): boolean => {
    const doneMs = job.createdMs + queuedMs + runningMs;
    return t >= (job.expiredAt ?? doneMs + job.ttlMs);
  };

  const newJob = (fields: { model: string; prompt: string; seconds: string; size: string; remixedFrom: string | null }): Job => {
    const exp = faults.expireContent;
    const job: Job = {
      id: `video_${randomBytes(16).toString('hex')}`,
      seq: ++seqCounter,
      ...fields,
      createdMs: now(),
      moderation: word(fields.prompt, faults.moderationWord === undefined ? 'FORBIDDEN' : faults.moderationWord),
      offSpec: faults.offSpecStatus?.find((o) => word(fields.prompt, o.word))?.status ?? null,
      ttlMs: exp && (!exp.word || word(fields.prompt, exp.word)) ? exp.afterMs : defaultTtl,
      forcedStatus: null,
      expiredAt: null,
      deleted: false,
    };
    jobs.set(job.id, job);
    order.push(job);
    stats.createdIds.push(job.id);
    // Render ahead so the content is ready when the job completes.
    if (SIZES.includes(job.size) || /^\d+x\d+$/.test(job.size)) media.video(Number(job.seconds) || 4, job.size).catch((e: Error) => log(`render failed: ${e.message}`));
    return job;
  };

  // ---- responses ----
  const sendJson = (rec: RequestRecord, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (validateResponses && spec) {
      const schemaName = status >= 400 ? 'ErrorResponse' : rec.route ? RESPONSE_SCHEMA[rec.route] : undefined;
      if (schemaName) {
        const err = spec.validateSchema(schemaName, body);
        rec.responseValid = err === null;
        if (err) {
          rec.responseError = err;
          stats.responseErrors.push({ seq: rec.seq, route: rec.route, error: err });
        }
      }
    }
    const text = JSON.stringify(body);
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_${randomBytes(8).toString('hex')}`, ...headers });
    res.end(text);
  };
  const sendError = (rec: RequestRecord, res: ServerResponse, fail: HttpFail, headers: Record<string, string> = {}): void => sendJson(rec, res, fail.status, { error: fail.error }, headers);
  const notFound = (id: string): HttpFail => new HttpFail(404, { message: `Video with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: 'video_not_found' });
  const reset = (rec: RequestRecord, req: IncomingMessage, fault: string): void => {
    rec.status = 'reset';
    rec.fault = fault;
    log(`#${rec.seq} ${fault}: destroying the socket`);
    req.socket.destroy();
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  return {
    apiKey, now, log, queuedMs, runningMs, pollAfterMs, strictParams, rangeSupport, spec, validateResponses, media, stats, jobs, order,
    /** The faults in force (setFaults replaces them). */
    get faults(): EmulatorFaults {
      return faults;
    },
    setFaults, fires, view, isComplete, contentExpired, newJob, sendJson, sendError, notFound, reset, sleep,
  };
}
export type EmulatorState = ReturnType<typeof createState>;
