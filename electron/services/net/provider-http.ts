// The billing-safety kit every HTTP provider adapter uses, so none of them re-derives it:
//  - one send() over requestWithRetry (idempotent calls retried with backoff and Retry-After; a create is
//    re-sent only when the connection provably never carried it);
//  - one mapping of answers and network failures to typed errors, where a create that may have reached
//    the provider is marked "outcome unknown" (the engine reconciles it, it never resends it blindly) and a
//    provider that cannot be reached at all says so with its host;
//  - the server's clock learned from Date headers (reconcile windows);
//  - resumable, checked downloads (download.ts);
//  - redaction of the key in every log line and error.
// Adapters supply only what differs: where the key goes, and how their error envelope reads.
import type { Dispatcher, FormData } from 'undici';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';
import { markOutcomeUnknown } from './outcome.ts';
import { downloadResumable, type DownloadResult } from './download.ts';
import { HttpAbortError, HttpNetworkError, readJson, readText, redact, requestWithRetry, retryAfterMs } from './http.ts';
import type { HttpClientOptions, HttpMethod, HttpResponse, RetryPolicy } from './http.ts';

/** An AppError that carries what the HTTP exchange said (never the key). */
export class ProviderHttpError extends AppError {
  /** HTTP status, when there was one. */
  readonly status: number | undefined;
  /** The server's wait hint in ms (429/503), read by the job engine's backoff. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, o: { detail?: string; retryable?: boolean; status?: number; retryAfterMs?: number } = {}) {
    super(code, message, { detail: o.detail, retryable: o.retryable });
    this.status = o.status;
    this.retryAfterMs = o.retryAfterMs;
  }
}

/** What a call is for: decides how failures read (a create's 5xx is "outcome unknown", a status 404 is "expired"). */
export type ProviderOp = 'create' | 'status' | 'download' | 'list' | 'delete' | 'cancel' | 'upload' | 'models';

/** A provider's error body, read by the adapter's own envelope parser. */
export interface ProviderErrorBody {
  message?: string;
  code?: string | null;
  type?: string | null;
  param?: string | null;
}

export interface ProviderHttpOptions {
  /** Short name for log lines, e.g. "openai-videos". */
  name: string;
  /** Base URL; a path given to send() is appended to its path (its own query string is kept). */
  baseUrl: string;
  /** Headers that carry the key (e.g. `{ authorization: 'Bearer …' }`); never logged. */
  auth: Record<string, string>;
  /** Strings to remove from every log line and error (the key and any other token). */
  secrets: readonly string[];
  extraHeaders?: Record<string, string>;
  defaultQuery?: Record<string, string>;
  log?: (line: string) => void;
  /** Reads the provider's error envelope; default: OpenAI's `{ error: { message, type, param, code } }`. */
  parseError?: (json: unknown, text: string) => ProviderErrorBody | undefined;
  /** Maps an answer before the default mapping does; return null to fall through. */
  classify?: (res: { status: number; body: ProviderErrorBody | undefined; op: ProviderOp }, say: (s: string) => string, base: { detail: string; status: number; retryAfterMs?: number }) => AppError | null;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Default 30 s for API calls (headers), 60 s idle during a download. */
  timeouts?: { headersMs?: number; bodyMs?: number };
  /** How many times a download resumes or restarts within one call. Default 5. */
  maxDownloadRestarts?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface SendOptions {
  op: ProviderOp;
  signal?: AbortSignal | undefined;
  query?: Record<string, string>;
  body?: string | FormData | Uint8Array;
  contentType?: string | undefined;
  headers?: Record<string, string>;
  bodyTimeoutMs?: number;
  /** Send the key with this request. Default: only when the URL is on the base URL's own origin. */
  withAuth?: boolean;
  /** Statuses handed back to the caller instead of being mapped to an error. */
  pass?: (status: number) => boolean;
}

const openAiEnvelope = (json: unknown): ProviderErrorBody | undefined => {
  const e = (json as { error?: unknown } | undefined)?.error;
  if (e && typeof e === 'object') return e as ProviderErrorBody;
  if (typeof e === 'string') return { message: e };
  return undefined;
};

/** Joins a base URL and a path without losing the base's own query string (`?api-version=…`). */
export function joinUrl(base: string, p: string, query: Record<string, string> = {}): string {
  const u = new URL(base);
  if (/^https?:\/\//i.test(p)) {
    const abs = new URL(p);
    for (const [k, v] of Object.entries(query)) abs.searchParams.set(k, v);
    return abs.toString();
  }
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export class ProviderHttp {
  readonly host: string;
  private readonly client: HttpClientOptions;
  private readonly logLine: (line: string) => void;
  /** Server clock minus ours, learned from each response's Date header; null until the first answer. */
  private offsetMs: number | null = null;

  constructor(private readonly o: ProviderHttpOptions) {
    this.host = new URL(o.baseUrl).host;
    this.logLine = (line) => o.log?.(redact(`[${o.name}] ${line}`, o.secrets));
    this.client = {
      dispatcher: o.dispatcher,
      retry: o.retry,
      sleep: o.sleep,
      random: o.random,
      now: o.now,
      secrets: o.secrets,
      log: this.logLine,
      headersTimeoutMs: o.timeouts?.headersMs ?? 30_000,
      bodyTimeoutMs: o.timeouts?.bodyMs ?? 60_000,
    };
  }

  log(line: string): void {
    this.logLine(line);
  }

  clean(text: string): string {
    return redact(text, this.o.secrets);
  }

  now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Server clock minus ours (ms), or null before any answer carried a Date header. */
  serverClockOffsetMs(): number | null {
    return this.offsetMs;
  }

  url(p: string, query: Record<string, string> = {}): string {
    return joinUrl(this.o.baseUrl, p, { ...this.o.defaultQuery, ...query });
  }

  /** One call. 2xx (and statuses `pass` accepts) come back; everything else throws a typed error. */
  async send(method: HttpMethod, p: string, o: SendOptions): Promise<HttpResponse> {
    // The key, the gateway's extra headers and its default query go only to the base URL's own origin: a
    // URL on another host (a CDN link, a polling URL a server handed back) never carries them unless the
    // adapter says so for that call.
    const toBase = o.withAuth ?? sameOrigin(this.o.baseUrl, joinUrl(this.o.baseUrl, p));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'Storyreel',
      ...(toBase ? this.o.extraHeaders : {}),
      ...(o.contentType ? { 'content-type': o.contentType } : {}),
      ...o.headers,
      ...(toBase ? this.o.auth : {}),
    };
    let res: HttpResponse;
    try {
      res = await requestWithRetry({ method, url: toBase ? this.url(p, o.query) : joinUrl(this.o.baseUrl, p, o.query ?? {}), headers, body: o.body ?? null, signal: o.signal, bodyTimeoutMs: o.bodyTimeoutMs }, this.client);
    } catch (err) {
      throw this.networkError(err, o.op);
    }
    this.learnClock(res.headers);
    if ((res.status >= 200 && res.status < 300) || o.pass?.(res.status)) return res;
    throw await this.httpError(res, method, p, o.op);
  }

  /** send() and read a JSON body; an unreadable body is an error (for a create: outcome unknown). */
  async json<T>(method: HttpMethod, p: string, o: SendOptions): Promise<{ value: T; headers: Record<string, string>; status: number }> {
    const res = await this.send(method, p, o);
    const value = (await readJson(res.body).catch(() => undefined)) as T | undefined;
    if (value === undefined || value === null || typeof value !== 'object') {
      const e = this.unreadable(`${method} ${p}`, res.status);
      // 2xx to a create means the provider probably made the job, but we cannot tell which: reconcile.
      throw o.op === 'create' ? markOutcomeUnknown(e) : e;
    }
    return { value, headers: res.headers, status: res.status };
  }

  /** Streams a file into `dest`, resuming or restarting as download.ts describes. */
  download(p: string, dest: string, o: { signal: AbortSignal; query?: Record<string, string>; withAuth?: boolean; onProgress?: (received: number, total: number | null) => void }): Promise<DownloadResult> {
    return downloadResumable(
      (headers, signal) => this.send('GET', p, { op: 'download', signal, query: o.query, headers: { accept: '*/*', ...headers }, withAuth: o.withAuth, pass: (s) => s === 416 }),
      dest,
      {
        signal: o.signal,
        onProgress: o.onProgress,
        maxRestarts: this.o.maxDownloadRestarts ?? 5,
        sleep: this.o.sleep,
        random: this.o.random,
        retry: this.o.retry,
        log: (line) => this.logLine(`download ${p}: ${line}`),
        what: `GET ${p}`,
      },
    );
  }

  unreadable(what: string, status: number): ProviderHttpError {
    return new ProviderHttpError('ProviderUnavailable', 'The video provider sent a reply Storyreel cannot read.', { retryable: true, status, detail: `${what}: ${status} with an unreadable body` });
  }

  /** The Date header has whole seconds: the server's clock is somewhere in [date, date + 1 s). */
  private learnClock(headers: Record<string, string | string[] | undefined>): void {
    const raw = headers.date;
    const parsed = Date.parse(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
    if (Number.isFinite(parsed)) this.offsetMs = parsed + 500 - this.now();
  }

  private networkError(err: unknown, op: ProviderOp): AppError {
    if (err instanceof HttpAbortError) {
      const e = new AppError('Aborted', 'Canceled.', { detail: this.clean(err.message) });
      // A create canceled in flight may have reached the provider.
      return op === 'create' && err.maybeSent ? markOutcomeUnknown(e) : e;
    }
    if (err instanceof HttpNetworkError) {
      const detail = this.clean(`${err.message} (${err.attempts} attempt(s))`);
      if (!err.maybeSent) {
        // Nothing reached the server (refused, DNS, connect timeout): safe to try again, but the engine bounds it.
        return new ProviderHttpError('ProviderUnreachable', `Storyreel could not reach ${this.host} (${err.causeCode ?? err.kind}).`, { retryable: true, detail });
      }
      const e = new ProviderHttpError('ProviderUnavailable', `The connection to ${this.host} broke off. Storyreel will try again.`, { retryable: true, detail });
      return op === 'create' ? markOutcomeUnknown(e) : e;
    }
    return new AppError('Internal', 'Something went wrong talking to the video provider.', { detail: this.clean(err instanceof Error ? err.message : String(err)) });
  }

  private async httpError(res: HttpResponse, method: string, p: string, op: ProviderOp): Promise<AppError> {
    const text = await readText(res.body, 64_000).catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const body = (this.o.parseError ?? openAiEnvelope)(json, text);
    const serverMsg = this.clean(body?.message ?? text.slice(0, 300)).trim();
    const status = res.status;
    const wait = retryAfterMs(res.headers, this.now()) ?? undefined;
    const detail = this.clean(`${method} ${p} → ${status}${body?.type ? ` ${body.type}` : ''}${body?.code ? ` (${body.code})` : ''}${body?.param ? ` param=${body.param}` : ''}: ${serverMsg || '(no body)'}`);
    const base = { detail, status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    const say = (s: string): string => (serverMsg ? `${s} The provider said: ${serverMsg}` : s);
    const custom = this.o.classify?.({ status, body, op }, say, base);
    if (custom) return custom;

    if (status === 401 || status === 403) return new ProviderHttpError('AuthFailed', say('The video provider refused the API key.'), { ...base, retryable: false });
    if (status === 429) return new ProviderHttpError('RateLimited', 'The video provider is rate limiting requests. Storyreel will retry by itself.', { ...base, retryable: true });
    if (op === 'create' && (status === 408 || status >= 500)) {
      // A gateway may fail after its upstream accepted (and billed) the job: an extra list call is cheap,
      // a duplicate job is not.
      return markOutcomeUnknown(new ProviderHttpError('ProviderUnavailable', 'The video provider failed while taking the request; Storyreel will check whether it was received before sending it again.', { ...base, retryable: true }));
    }
    if (status === 408 || status === 409 || status >= 500) {
      return new ProviderHttpError('ProviderUnavailable', `${this.host} is having trouble (HTTP ${status}). Storyreel will try again.`, { ...base, retryable: true });
    }
    if ((status === 404 || status === 410) && (op === 'status' || op === 'download')) {
      return new ProviderHttpError('ContentExpired', 'The provider no longer has this video (it expired or was deleted).', { ...base, retryable: false });
    }
    return new ProviderHttpError('ProviderRejected', say('The video provider rejected the request.'), { ...base, retryable: false });
  }
}
