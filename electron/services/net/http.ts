// A small undici-based HTTP helper shared by provider adapters.
//
// requestWithRetry() retries what is safe to retry and nothing else:
// - Idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) are retried on 408/409/429/5xx and on network
//   errors, with exponential backoff and full jitter, honouring `retry-after-ms` and `Retry-After`
//   (seconds or an HTTP date) when the server sends them.
// - Non-idempotent requests (POST, PATCH) are retried ONLY when the failure proves the request never left
//   (connection refused, DNS failure, connect timeout). A timeout or reset after the request may have been
//   sent is thrown as an HttpNetworkError with `maybeSent: true`: the caller must treat the outcome as
//   unknown (a blind resend of a paid create can bill twice). Status codes on a POST are never retried
//   here; the caller decides.
// Secrets (API keys) never appear in log lines or error messages: every text goes through redact().
import { request } from 'undici';
import type { Dispatcher, FormData } from 'undici';
import { setTimeout as delay } from 'node:timers/promises';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface RetryPolicy {
  /** Total attempts, first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server hint longer than this is not waited for: the response is returned to the caller. */
  maxRetryAfterMs: number;
}
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

export interface HttpClientOptions {
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Waits `ms`; must reject when the signal aborts. Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** 0 ≤ x < 1. Injected by tests. */
  random?: () => number;
  /** Epoch ms, for HTTP-date Retry-After. */
  now?: () => number;
  log?: (line: string) => void;
  /** Strings (API keys, tokens) removed from every log line and error message. */
  secrets?: readonly string[];
  /** Time to wait for the response headers (undici headersTimeout). Default 60 s. */
  headersTimeoutMs?: number;
  /** Max idle time between body chunks (undici bodyTimeout). Default 60 s. */
  bodyTimeoutMs?: number;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData | null;
  signal?: AbortSignal;
  /** Overrides the method's default (GET/HEAD/PUT/DELETE/OPTIONS idempotent; POST/PATCH not). */
  idempotent?: boolean;
  retry?: Partial<RetryPolicy>;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export type ResponseBody = Dispatcher.ResponseData['body'];

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Unread body. The caller must consume or dump it. */
  body: ResponseBody;
  /** How many attempts it took. */
  attempts: number;
}

export type NetworkErrorKind = 'connect' | 'timeout' | 'reset' | 'other';

/** The request failed without an HTTP response. */
export class HttpNetworkError extends Error {
  readonly kind: NetworkErrorKind;
  /** Whether the server may have received (and acted on) the request. */
  readonly maybeSent: boolean;
  /** undici / system code (ECONNREFUSED, UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT...). */
  readonly causeCode: string | undefined;
  readonly attempts: number;
  constructor(message: string, o: { kind: NetworkErrorKind; maybeSent: boolean; causeCode: string | undefined; attempts: number }) {
    super(message);
    this.name = 'HttpNetworkError';
    this.kind = o.kind;
    this.maybeSent = o.maybeSent;
    this.causeCode = o.causeCode;
    this.attempts = o.attempts;
  }
}

/** The caller's signal aborted. `name` is AbortError so isAbort() recognises it. */
export class HttpAbortError extends Error {
  /** True when the abort came while a request was in flight (it may have reached the server). */
  readonly maybeSent: boolean;
  constructor(message: string, maybeSent: boolean) {
    super(message);
    this.name = 'AbortError';
    this.maybeSent = maybeSent;
  }
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Codes proving the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt−1))). `attempt` counts from 1. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/** The server's wait hint in ms: `retry-after-ms`, else `Retry-After` as seconds or an HTTP date. Null when absent/invalid. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | null {
  const get = (k: string): string | undefined => {
    const v = headers[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const ms = get('retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  }
  const ra = get('retry-after')?.trim();
  if (!ra) return null;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Removes secrets, bearer tokens and key-like query parameters from a text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  }
  return out
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, '$1 [REDACTED]')
    .replace(/\bKey\s+[A-Za-z0-9._~+/=:-]{16,}/g, 'Key [REDACTED]')
    .replace(/([?&](?:key|api[-_]?key|token|access_token|sig|signature)=)[^&\s"']+/gi, '$1[REDACTED]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[REDACTED]');
}

function errorCode(err: unknown): string | undefined {
  // undici and the OS put the code on the error or on a cause.
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyNetworkError(err: unknown): { kind: NetworkErrorKind; maybeSent: boolean; code: string | undefined } {
  const code = errorCode(err);
  if (code && NOT_SENT_CODES.has(code)) return { kind: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'timeout' : 'connect', maybeSent: false, code };
  if (code && TIMEOUT_CODES.has(code)) return { kind: 'timeout', maybeSent: true, code };
  if (code && RESET_CODES.has(code)) return { kind: 'reset', maybeSent: true, code };
  return { kind: 'other', maybeSent: true, code };
}

/** "POST http://host/v1/videos" with key-like query parameters removed. */
function describe(method: string, url: string, secrets: readonly string[]): string {
  return redact(`${method} ${url}`, secrets);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : undefined);

/**
 * Sends a request, retrying what is safe to retry (see the file header). Returns the final response,
 * whatever its status (the caller maps statuses to errors); throws HttpNetworkError / HttpAbortError.
 */
export async function requestWithRetry(req: HttpRequest, client: HttpClientOptions = {}): Promise<HttpResponse> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...client.retry, ...req.retry };
  const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
  const sleep = client.sleep ?? defaultSleep;
  const random = client.random ?? Math.random;
  const now = client.now ?? Date.now;
  const secrets = client.secrets ?? [];
  const log = (line: string): void => client.log?.(redact(line, secrets));
  const what = describe(req.method, req.url, secrets);
  const wait = async (ms: number): Promise<void> => {
    try {
      await sleep(ms, req.signal);
    } catch {
      throw new HttpAbortError(`${what}: canceled`, false);
    }
    if (req.signal?.aborted) throw new HttpAbortError(`${what}: canceled`, false);
  };

  for (let attempt = 1; ; attempt++) {
    if (req.signal?.aborted) throw new HttpAbortError(`${what}: canceled`, false);
    const started = now();
    // Our own controller per attempt: the caller's signal aborts it, and so does a precise headers
    // timer (undici's own headersTimeout runs on ~1 s "fast timers"; it stays on as a backstop).
    const ac = new AbortController();
    const onCallerAbort = (): void => ac.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const release = (): void => req.signal?.removeEventListener('abort', onCallerAbort);
    const headersMs = req.headersTimeoutMs ?? client.headersTimeoutMs ?? 60_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, headersMs);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? undefined,
        signal: ac.signal,
        dispatcher: client.dispatcher,
        headersTimeout: headersMs + 1_000,
        bodyTimeout: req.bodyTimeoutMs ?? client.bodyTimeoutMs ?? 60_000,
      });
    } catch (err) {
      clearTimeout(timer);
      release();
      if (req.signal?.aborted) throw new HttpAbortError(`${what}: canceled`, true);
      const c = timedOut ? { kind: 'timeout' as const, maybeSent: true, code: 'UND_ERR_HEADERS_TIMEOUT' } : classifyNetworkError(err);
      const reason = timedOut ? `no response headers within ${headersMs} ms` : err instanceof Error ? err.message : String(err);
      const msg = redact(`${what} failed (${c.code ?? c.kind}): ${reason}`, secrets);
      const canRetry = attempt < policy.maxAttempts && (idempotent || !c.maybeSent);
      if (!canRetry) {
        log(`${msg}; giving up after ${attempt} attempt(s)${!idempotent && c.maybeSent ? ' (may have been sent: not retried)' : ''}`);
        throw new HttpNetworkError(msg, { kind: c.kind, maybeSent: c.maybeSent, causeCode: c.code, attempts: attempt });
      }
      const ms = backoffDelay(attempt, policy, random);
      log(`${msg}; retry ${attempt}/${policy.maxAttempts - 1} in ${ms} ms`);
      await wait(ms);
      continue;
    }
    clearTimeout(timer);
    // Keep the caller's abort wired to the body until it is consumed.
    res.body.once('close', release);

    const headers = flattenHeaders(res.headers);
    const status = res.statusCode;
    log(`${what} → ${status} (${now() - started} ms, attempt ${attempt})`);
    if (!isRetryableStatus(status) || !idempotent || attempt >= policy.maxAttempts) {
      return { status, headers, body: res.body, attempts: attempt };
    }
    const hinted = retryAfterMs(headers, now());
    if (hinted !== null && hinted > policy.maxRetryAfterMs) {
      log(`${what}: server asks to wait ${hinted} ms (over ${policy.maxRetryAfterMs} ms): not retrying`);
      return { status, headers, body: res.body, attempts: attempt };
    }
    const ms = hinted ?? backoffDelay(attempt, policy, random);
    await res.body.dump().catch(() => {});
    release();
    log(`${what}: ${status}; retry ${attempt}/${policy.maxAttempts - 1} in ${ms} ms${hinted !== null ? ' (server hint)' : ''}`);
    await wait(ms);
  }
}

/** Reads a body as text, up to `limit` bytes (the rest is discarded). */
export async function readText(body: ResponseBody, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    const b = c as Buffer;
    if (n < limit) chunks.push(b.subarray(0, limit - n));
    n += b.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body; undefined when it is not JSON. */
export async function readJson(body: ResponseBody, limit = 10_000_000): Promise<unknown> {
  const text = await readText(body, limit);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
