// The /v1/videos emulator's public types: routes, faults, options, the request records and stats it keeps,
// and the handle a test drives it through (re-exported by server.ts).

export type RouteName = 'create' | 'list' | 'retrieve' | 'delete' | 'content' | 'remix' | 'extend' | 'edit';
export const CREATE_ROUTES: readonly RouteName[] = ['create', 'remix', 'extend', 'edit'];

/**
 * When a fault fires. A rule that is present fires on every matching request unless limited:
 * `skip` lets the first N matching requests through, `count` caps how many times it fires,
 * `probability` (0..1, seeded RNG) makes each matching request a coin toss.
 */
export interface FaultRule {
  probability?: number;
  count?: number;
  skip?: number;
  /** Which operations it applies to (defaults depend on the fault). */
  routes?: RouteName[];
}

export interface EmulatorFaults {
  /** Seed for the fault RNG (default: the emulator's `seed`). */
  seed?: number;
  /** 429 with `Retry-After` (whole seconds, ≥ 1 per the spec) and optionally `retry-after-ms`. */
  rateLimit?: FaultRule & { retryAfterS?: number; retryAfterMs?: number; code?: string };
  /** 5xx before anything happens. `burst`: once fired, the next burst−1 matching requests fail too. */
  serverError?: FaultRule & { statuses?: number[]; burst?: number };
  /** Destroy the socket without answering, before doing anything (nothing created). */
  resetBeforeResponse?: FaultRule;
  /** Create the job, then destroy the socket without answering: the "outcome unknown" case. */
  resetAfterCreate?: FaultRule;
  /** Create the job, then answer with a 5xx (a proxy failing after the upstream accepted). */
  serverErrorAfterCreate?: FaultRule & { status?: number };
  /** Send part of a content body, then destroy the socket. `afterBytes` or `fraction` of the body sent. */
  resetMidDownload?: FaultRule & { afterBytes?: number; fraction?: number };
  /**
   * A 206 whose body is longer than its Content-Range says (seen from a real gateway): the asked range,
   * then `extraBytes` more (default 4096), sent chunked with no Content-Length.
   */
  overlongPartial?: FaultRule & { extraBytes?: number };
  /** Answer a ranged content request with 416, whatever the range. */
  rangeNotSatisfiable?: FaultRule;
  /** Serve a thumbnail that is not an image (an HTML error page labelled image/webp). */
  thumbnailNotImage?: boolean;
  /** Delay the answer. */
  slow?: FaultRule & { delayMs: number };
  /** A prompt containing this word ends `failed` with error.code `moderation_blocked`. Default "FORBIDDEN"; null turns it off. */
  moderationWord?: string | null;
  /** Content of jobs whose prompt contains `word` (every job when no word) expires `afterMs` after completion. */
  expireContent?: { word?: string; afterMs: number };
  /** Jobs whose prompt contains `word` end with this status instead of `completed` (outside the spec). */
  offSpecStatus?: Array<{ word: string; status: string }>;
  /** Jobs whose prompt contains `word` say this status (e.g. "pending") while they are queued. */
  queuedStatus?: { word?: string; status: string };
  /** How the list echoes jobs, as some gateways do: `prompt: null`, or the model under another name. */
  listEcho?: { promptNull?: boolean; modelPrefix?: string };
}

/** `--faults all`: a bit of everything, at rates a person clicking around notices without being blocked. */
export const FAULTS_ALL: EmulatorFaults = {
  rateLimit: { probability: 0.05, retryAfterS: 2 },
  serverError: { probability: 0.05, burst: 2 },
  resetBeforeResponse: { probability: 0.02 },
  resetAfterCreate: { probability: 0.1 },
  serverErrorAfterCreate: { probability: 0.05 },
  resetMidDownload: { probability: 0.3 },
  slow: { probability: 0.05, delayMs: 1500 },
  moderationWord: 'FORBIDDEN',
  expireContent: { word: 'EXPIRE', afterMs: 10_000 },
  offSpecStatus: [
    { word: 'GATEWAY_EXPIRED', status: 'expired' },
    { word: 'GATEWAY_CANCELLED', status: 'cancelled' },
  ],
};

export interface EmulatorOptions {
  /** 0 (default) = a random free port. The server always binds 127.0.0.1. */
  port?: number;
  /** The expected API key (Authorization: Bearer <key>). Default "sk-emulator". */
  apiKey?: string;
  /** Path of the OpenAPI extract. Default: $STORYREEL_OPENAPI_SPEC, else <repoRoot>/../shared/reference/openai-videos-openapi.yaml. */
  specPath?: string;
  /** Job clock. Defaults are fast (tests): queued 50 ms, running 250 ms, poll hint 50 ms. */
  timing?: { queuedMs?: number; runningMs?: number; pollAfterMs?: number };
  /** How long content stays downloadable after completion. Default 1 h. */
  contentTtlMs?: number;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
  faults?: EmulatorFaults;
  /** Default seed for the fault RNG. Default 1. */
  seed?: number;
  /** Reject body fields / query parameters the spec does not list (as the real API does). Default true. */
  rejectUnknownParams?: boolean;
  /** Honour `Range` on content and advertise `Accept-Ranges: bytes`. Default true. */
  rangeSupport?: boolean;
  /** Validate the emulator's own JSON responses against the spec and record failures. Default true. */
  validateResponses?: boolean;
  ffmpegPath?: string;
  /** Where rendered MP4s are cached across runs. Default <tmpdir>/storyreel-openai-videos-emulator. */
  cacheDir?: string;
  /** One line per request and event. Default: silent. */
  log?: (line: string) => void;
  /**
   * Stand in front of the API as a gateway does: take the key from `authHeader` (default Authorization:
   * Bearer), and refuse (400) requests without `requireHeaders` or `requireQuery`, which are removed
   * before the spec check.
   */
  gateway?: { authHeader?: 'bearer' | 'api-key'; requireHeaders?: Record<string, string>; requireQuery?: Record<string, string> };
}

export type ValidationResult = 'valid' | 'invalid' | 'skipped' | 'unmatched';

export interface RequestRecord {
  seq: number;
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  route: RouteName | null;
  operationId: string | null;
  /** Request validation against the spec. */
  validation: ValidationResult;
  validationError?: string;
  contentType?: string;
  /** Request headers (the key's value replaced by "[key]"). */
  headers?: Record<string, string>;
  /** Status sent, or 'reset' when the socket was destroyed before a status line. */
  status: number | 'reset' | null;
  fault?: string;
  /** For content: the Range header and how many body bytes were written. */
  range?: string;
  bytesSent?: number;
  /** JSON response validation (null when not validated). */
  responseValid?: boolean | null;
  responseError?: string;
}

export interface EmulatorStats {
  /** Jobs created by POST /videos (accepted creates, including ones whose answer was then lost). */
  creates: number;
  createsByPrompt: Record<string, number>;
  /** Every job created (creates + remixes + extensions + edits), in order. */
  createdIds: string[];
  listCalls: number;
  retrieveCalls: number;
  contentCalls: number;
  /** 206 Partial Content answers. */
  partialResponses: number;
  faults: Record<string, number>;
  requests: RequestRecord[];
  /** Responses that failed validation against the spec (off-spec statuses land here on purpose). */
  responseErrors: Array<{ seq: number; route: RouteName | null; error: string }>;
}

export interface OpenAiVideosEmulator {
  /** e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  apiKey: string;
  stats: EmulatorStats;
  /** Whether request validation against the spec is on (false when the spec file is absent). */
  validating: boolean;
  setFaults(f: EmulatorFaults): void;
  resetStats(): void;
  /** The job as the API would show it now (undefined if unknown). */
  job(id: string): Record<string, unknown> | undefined;
  /** Force a status (e.g. "cancelled") on a job from now on. */
  forceStatus(id: string, status: string): void;
  /** Make a job's content expire now. */
  expire(id: string): void;
  /** The exact MP4 bytes a completed job serves (renders if needed). */
  contentOf(id: string): Promise<Buffer>;
  close(): Promise<void>;
}
