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
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { RuleSchedule } from '../kit/faults.ts';

// ---------------------------------------------------------------------------------------------------------
// Public types

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

// ---------------------------------------------------------------------------------------------------------
// Spec loading and validation

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
/** STORYREEL_OPENAPI_SPEC when set (a checkout elsewhere, or a test of the absent case), else beside the repo. */
export function defaultSpecPath(repoRoot = REPO_ROOT): string {
  const fromEnv = process.env.STORYREEL_OPENAPI_SPEC;
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(repoRoot, '..', 'shared', 'reference', 'openai-videos-openapi.yaml');
}

const SPEC_ID = 'https://storyreel.invalid/openai-videos-openapi.json';
/** Multipart file parts become this marker (+ index) so ajv's `format: binary` can tell files from text. */
const FILE_MARKER = '\u0000file#';

export interface ParamSpec {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
}
export interface OperationSpec {
  method: string;
  path: string;
  operationId: string;
  params: ParamSpec[];
  body: Partial<Record<'application/json' | 'multipart/form-data', unknown>>;
}

export interface OpenAiVideosSpec {
  specPath: string;
  operations: OperationSpec[];
  schemas: Record<string, unknown>;
  operation(method: string, templatePath: string): OperationSpec | undefined;
  /** Validates a value against components.schemas[name]; null when valid, else a message. */
  validateSchema(name: string, value: unknown): string | null;
  /** Compiled validator for an arbitrary (inline) schema of the spec. */
  compile(schema: unknown, opts?: { coerce?: boolean }): ValidateFunction;
  /** The top-level schema with $refs followed (one level at a time). */
  deref(schema: unknown): Record<string, unknown>;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : rewriteRefs(v);
    }
    return out;
  }
  return node;
}

function makeAjv(coerce: boolean): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: coerce, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('binary', { type: 'string', validate: (s: string) => s.startsWith(FILE_MARKER) });
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  return ajv;
}

/** Loads the OpenAPI extract; null when the file does not exist. */
export function loadOpenAiVideosSpec(specPath = defaultSpecPath()): OpenAiVideosSpec | null {
  if (!fs.existsSync(specPath)) return null;
  const doc = YAML.parse(fs.readFileSync(specPath, 'utf8')) as {
    paths: Record<string, Record<string, { operationId: string; parameters?: ParamSpec[]; requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    components: { schemas: Record<string, unknown> };
  };
  const schemas = rewriteRefs(doc.components.schemas) as Record<string, unknown>;
  const plain = makeAjv(false);
  const coercing = makeAjv(true);
  for (const ajv of [plain, coercing]) ajv.addSchema({ $id: SPEC_ID, components: { schemas } });

  const operations: OperationSpec[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body: OperationSpec['body'] = {};
      for (const [ct, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (ct === 'application/json' || ct === 'multipart/form-data') body[ct] = rewriteRefs(media.schema);
      }
      operations.push({
        method: method.toUpperCase(),
        path: p,
        operationId: op.operationId,
        params: (op.parameters ?? []).map((x) => ({ ...x, required: Boolean(x.required), schema: rewriteRefs(x.schema) })),
        body,
      });
    }
  }
  const cache = new Map<unknown, ValidateFunction>();
  const compile = (schema: unknown, opts: { coerce?: boolean } = {}): ValidateFunction => {
    const key = opts.coerce ? `c:${JSON.stringify(schema)}` : schema;
    let fn = cache.get(key);
    if (!fn) {
      fn = (opts.coerce ? coercing : plain).compile(schema as object);
      cache.set(key, fn);
    }
    return fn;
  };
  const deref = (schema: unknown): Record<string, unknown> => {
    let s = schema as Record<string, unknown>;
    for (let i = 0; i < 10 && s && typeof s.$ref === 'string'; i++) {
      const name = (s.$ref as string).split('/').pop() ?? '';
      s = schemas[name] as Record<string, unknown>;
    }
    return s ?? {};
  };
  return {
    specPath,
    operations,
    schemas,
    operation: (method, templatePath) => operations.find((o) => o.method === method && o.path === templatePath),
    validateSchema(name, value) {
      if (!(name in schemas)) throw new Error(`No schema ${name} in the spec`);
      const fn = compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
      return fn(value) ? null : describeErrors(fn.errors ?? []);
    },
    compile,
    deref,
  };
}

function describeErrors(errors: ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`)
    .join('; ');
}

interface ApiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}
class HttpFail {
  constructor(
    readonly status: number,
    readonly error: ApiErrorBody,
  ) {}
}
const invalid = (message: string, param: string | null = null, code: string | null = 'invalid_value'): HttpFail =>
  new HttpFail(400, { message, type: 'invalid_request_error', param, code });

/** The parameter name an ajv error points at ("seconds", "input_reference.image_url"). */
function errorParam(errors: ErrorObject[]): { param: string | null; error: ErrorObject | undefined } {
  // Prefer the deepest error: oneOf/anyOf wrappers are less useful than what failed inside them.
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const e = sorted.find((x) => x.keyword !== 'oneOf' && x.keyword !== 'anyOf') ?? sorted[0];
  if (!e) return { param: null, error: undefined };
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required' && e.params && 'missingProperty' in e.params) parts.push(String(e.params.missingProperty));
  return { param: parts.length ? parts.join('.') : null, error: e };
}

function ajvFail(errors: ErrorObject[], where: string): HttpFail {
  const { param, error } = errorParam(errors);
  let code = 'invalid_value';
  let message = `Invalid ${where}: ${describeErrors(errors)}`;
  if (error?.keyword === 'required') {
    code = 'missing_required_parameter';
    message = `Missing required parameter: '${param ?? ''}'.`;
  } else if (error?.keyword === 'type') {
    code = 'invalid_type';
    message = `Invalid type for '${param ?? ''}': expected ${String(error.params.type)}. (${describeErrors(errors)})`;
  } else if (error?.keyword === 'enum') {
    message = `Invalid value for '${param ?? ''}': expected one of ${(error.params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}.`;
  }
  return invalid(message, param, code);
}

function allowsBinary(spec: OpenAiVideosSpec, schema: unknown, depth = 0): boolean {
  if (!schema || typeof schema !== 'object' || depth > 8) return false;
  const s = spec.deref(schema);
  if (s.format === 'binary') return true;
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = s[k];
    if (Array.isArray(list) && list.some((x) => allowsBinary(spec, x, depth + 1))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Request bodies

interface ParsedBody {
  kind: 'json' | 'multipart' | 'none';
  value: Record<string, unknown>;
  /** Multipart file parts by field path ("input_reference", "video"). */
  files: Map<string, File>;
  /** File parts that carried no Content-Type header. */
  untypedParts: Set<string>;
}

/** Names of multipart file parts that have no Content-Type header (the parser would call them text/plain). */
function untypedFileParts(raw: Buffer, contentType: string): Set<string> {
  const out = new Set<string>();
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return out;
  const text = raw.toString('latin1');
  const delim = `--${boundary.trim()}`;
  let i = text.indexOf(delim);
  while (i !== -1) {
    const headStart = text.indexOf('\r\n', i) + 2;
    const headEnd = text.indexOf('\r\n\r\n', headStart);
    if (headStart < 2 || headEnd === -1) break;
    const head = text.slice(headStart, headEnd);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name && /filename=/i.test(head) && !/^content-type:/im.test(head)) out.add(name);
    i = text.indexOf(delim, headEnd);
  }
  return out;
}

/** "input_reference[image_url]" → ["input_reference", "image_url"]. */
function fieldPath(name: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!m) return [name];
  const rest = [...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? '');
  return [m[1] ?? name, ...rest];
}

async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const files = new Map<string, File>();
  const ct = (contentType ?? '').toLowerCase();
  if (raw.length === 0 && !ct.startsWith('multipart/')) return { kind: 'none', value: {}, files, untypedParts: new Set() };
  if (ct.startsWith('application/json') || (!ct && raw.length)) {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalid('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly.)', null, null);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('The request body must be a JSON object.', null, 'invalid_type');
    return { kind: 'json', value: value as Record<string, unknown>, files, untypedParts: new Set() };
  }
  if (ct.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch (err) {
      throw invalid(`Could not parse the multipart body: ${(err as Error).message}`, null, null);
    }
    const value: Record<string, unknown> = {};
    let n = 0;
    for (const [name, v] of form.entries()) {
      const keys = fieldPath(name);
      let target = value;
      for (const k of keys.slice(0, -1)) {
        const next = target[k];
        if (next !== undefined && (typeof next !== 'object' || next === null)) throw invalid(`Conflicting multipart fields for '${keys[0]}'.`, keys[0] ?? null);
        target = (target[k] ??= {}) as Record<string, unknown>;
      }
      const last = keys[keys.length - 1] ?? name;
      if (last in target) throw invalid(`Duplicate multipart field '${name}'.`, name);
      if (typeof v === 'string') target[last] = v;
      else {
        target[last] = `${FILE_MARKER}${n++}`;
        files.set(keys.join('.'), v);
      }
    }
    return { kind: 'multipart', value, files, untypedParts: untypedFileParts(raw, contentType ?? '') };
  }
  throw new HttpFail(415, { message: `Unsupported content type '${contentType ?? ''}'. Use application/json or multipart/form-data.`, type: 'invalid_request_error', param: null, code: 'unsupported_content_type' });
}

// ---------------------------------------------------------------------------------------------------------
// Images

export interface ImageInfo {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** Pixel size from the header bytes of a PNG, JPEG or WebP; null when it is none of them. */
export function imageInfo(buf: Uint8Array): ImageInfo | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a && b.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= b.length) {
      if (b[i] !== 0xff) return null;
      let marker = b[i + 1] ?? 0;
      while (marker === 0xff && i + 2 < b.length) marker = b[++i + 1] ?? 0;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null;
      const len = b.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof && i + 9 <= b.length) return { type: 'image/jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return null;
  }
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { type: 'image/webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b0 = b[21] ?? 0, b1 = b[22] ?? 0, b2 = b[23] ?? 0, b3 = b[24] ?? 0;
      return { type: 'image/webp', width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
    }
    if (chunk === 'VP8X') return { type: 'image/webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  }
  return null;
}

/** A solid-colour RGB PNG of the given size (fixtures for input_reference). */
export function makeSolidPng(width: number, height: number, rgb: [number, number, number] = [40, 90, 160]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

let CRC_TABLE: Uint32Array | undefined;
function crc32(buf: Buffer): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// Media rendering (ffmpeg), cached

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

const RENDER_VERSION = 'v1';
class MediaCache {
  private mem = new Map<string, Promise<Buffer>>();
  constructor(
    private ffmpeg: string,
    private dir: string,
  ) {}

  private cached(key: string, ext: string, render: (out: string) => Promise<void>): Promise<Buffer> {
    let p = this.mem.get(key);
    if (!p) {
      p = (async () => {
        const file = path.join(this.dir, `${key}.${ext}`);
        try {
          return await fs.promises.readFile(file);
        } catch {
          /* not cached yet */
        }
        await fs.promises.mkdir(this.dir, { recursive: true });
        const tmp = path.join(this.dir, `${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp.${ext}`);
        try {
          await render(tmp);
          await fs.promises.rename(tmp, file);
        } finally {
          await fs.promises.rm(tmp, { force: true });
        }
        return fs.promises.readFile(file);
      })();
      p.catch(() => this.mem.delete(key));
      this.mem.set(key, p);
    }
    return p;
  }

  video(seconds: number, size: string): Promise<Buffer> {
    const [w, h] = size.split('x').map(Number);
    const key = `${RENDER_VERSION}-${seconds}s-${w}x${h}`;
    return this.cached(key, 'mp4', (out) =>
      run(this.ffmpeg, [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=12:d=${seconds}`,
        '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=22050:duration=${seconds}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '45', '-pix_fmt', 'yuv420p', '-g', '24',
        '-c:a', 'aac', '-b:a', '32k', '-ac', '1', '-shortest', '-movflags', '+faststart', '-f', 'mp4', out,
      ]),
    );
  }

  async thumbnail(seconds: number, size: string): Promise<{ body: Buffer; type: string }> {
    await this.video(seconds, size);
    const key = `${RENDER_VERSION}-${seconds}s-${size}-thumb`;
    const input = path.join(this.dir, `${RENDER_VERSION}-${seconds}s-${size}.mp4`);
    try {
      const body = await this.cached(key, 'webp', (out) => run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-frames:v', '1', '-c:v', 'libwebp', '-f', 'webp', out]));
      return { body, type: 'image/webp' };
    } catch {
      const body = await this.cached(`${key}-jpg`, 'jpg', (out) => run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-frames:v', '1', '-f', 'mjpeg', out]));
      return { body, type: 'image/jpeg' };
    }
  }

  async spritesheet(seconds: number, size: string): Promise<{ body: Buffer; type: string }> {
    await this.video(seconds, size);
    const input = path.join(this.dir, `${RENDER_VERSION}-${seconds}s-${size}.mp4`);
    const body = await this.cached(`${RENDER_VERSION}-${seconds}s-${size}-sprite`, 'jpg', (out) =>
      run(this.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-vf', 'fps=1,scale=160:-2,tile=4x3', '-frames:v', '1', '-f', 'mjpeg', out]),
    );
    return { body, type: 'image/jpeg' };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Jobs

interface Job {
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

const ALL_ROUTES: RouteName[] = ['create', 'list', 'retrieve', 'delete', 'content', 'remix', 'extend', 'edit'];
const ROUTES: Array<{ method: string; re: RegExp; template: string; name: RouteName }> = [
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
const SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
const MAX_BODY = 64 * 1024 * 1024;

function emptyStats(): EmulatorStats {
  return { creates: 0, createsByPrompt: {}, createdIds: [], listCalls: 0, retrieveCalls: 0, contentCalls: 0, partialResponses: 0, faults: {}, requests: [], responseErrors: [] };
}

export async function startOpenAiVideosEmulator(opts: EmulatorOptions = {}): Promise<OpenAiVideosEmulator> {
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
  let reqCounter = 0;

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

  // ---- request validation against the spec ----
  function validateRequest(route: (typeof ROUTES)[number], pathParams: Record<string, string>, query: URLSearchParams, body: ParsedBody): { result: ValidationResult; fail?: HttpFail } {
    if (!spec) return { result: 'skipped' };
    const op = spec.operation(route.method, route.template);
    if (!op) return { result: 'unmatched' };
    // Path and query parameters.
    for (const where of ['path', 'query'] as const) {
      const params = op.params.filter((p) => p.in === where);
      const values: Record<string, unknown> = {};
      if (where === 'path') Object.assign(values, pathParams);
      else {
        for (const key of new Set(query.keys())) {
          const all = query.getAll(key);
          values[key] = all.length === 1 ? all[0] : all;
        }
        if (strictParams) {
          const unknown = Object.keys(values).find((k) => !params.some((p) => p.name === k));
          if (unknown) return { result: 'invalid', fail: invalid(`Unknown query parameter: '${unknown}'.`, unknown, 'unknown_parameter') };
        }
      }
      const schema = {
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required).map((p) => p.name),
      };
      const fn = spec.compile(schema, { coerce: true });
      if (!fn(values)) return { result: 'invalid', fail: ajvFail(fn.errors ?? [], `${where} parameter`) };
    }
    // Body.
    const hasBody = Object.keys(op.body).length > 0;
    if (!hasBody) {
      if (body.kind !== 'none') return { result: 'invalid', fail: invalid('This endpoint takes no request body.', null, null) };
      return { result: 'valid' };
    }
    const mediaType = body.kind === 'multipart' ? 'multipart/form-data' : 'application/json';
    const schema = op.body[mediaType];
    if (!schema) return { result: 'invalid', fail: invalid(`This endpoint does not accept ${mediaType}.`, null, null) };
    const top = spec.deref(schema);
    const props = (top.properties ?? {}) as Record<string, unknown>;
    if (strictParams) {
      const unknown = Object.keys(body.value).find((k) => !(k in props));
      if (unknown) return { result: 'invalid', fail: invalid(`Unknown parameter: '${unknown}'.`, unknown, 'unknown_parameter') };
    }
    const fn = spec.compile(schema);
    if (!fn(body.value)) return { result: 'invalid', fail: ajvFail(fn.errors ?? [], 'request body') };
    // Multipart: file parts only where the spec takes binary, and every file must carry a real MIME type.
    for (const [field, file] of body.files) {
      const top0 = field.split('.')[0] ?? field;
      if (field.includes('.') || !allowsBinary(spec, props[top0])) {
        return { result: 'invalid', fail: invalid(`Invalid type for '${field}': expected a string, but got a file.`, field, 'invalid_type') };
      }
      if (body.untypedParts.has(field) || !file.type || file.type === 'application/octet-stream') {
        return { result: 'invalid', fail: invalid(`Invalid file '${field}': the part has no usable MIME type (got '${body.untypedParts.has(field) ? '' : file.type}').`, field, 'invalid_value') };
      }
    }
    return { result: 'valid' };
  }

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
          if (faults.listEcho?.promptNull) v.prompt = null;
          if (faults.listEcho?.modelPrefix) v.model = `${faults.listEcho.modelPrefix}${String(v.model)}`;
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
        if (variant === 'thumbnail' && faults.thumbnailNotImage) {
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
        const extra = Buffer.alloc(faults.overlongPartial?.extraBytes ?? 4096, 0x5a);
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
        const rule = faults.resetMidDownload ?? {};
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
      const status = faults.serverErrorAfterCreate?.status ?? 502;
      rec.fault = 'serverErrorAfterCreate';
      return sendError(rec, res, new HttpFail(status, { message: 'Bad gateway: the upstream connection was closed.', type: 'server_error', param: null, code: null }));
    }
    sendJson(rec, res, 200, view(job), { 'openai-poll-after-ms': String(pollAfterMs) });
  }

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
    if (route) validation = parseFail ? { result: 'invalid', fail: parseFail } : validateRequest(route, pathParams, url.searchParams, body);
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
    if (faults.slow && fires('slow', route.name)) {
      rec.fault = 'slow';
      await sleep(faults.slow.delayMs);
    }
    if (fires('resetBeforeResponse', route.name)) return reset(rec, req, 'resetBeforeResponse');
    if (fires('rateLimit', route.name)) {
      const rl = faults.rateLimit ?? {};
      rec.fault = 'rateLimit';
      const headers: Record<string, string> = { 'retry-after': String(Math.max(1, Math.ceil(rl.retryAfterS ?? 1))) };
      if (rl.retryAfterMs !== undefined) headers['retry-after-ms'] = String(rl.retryAfterMs);
      return sendError(rec, res, new HttpFail(429, { message: 'Rate limit reached for requests. Please try again later.', type: 'requests', param: null, code: rl.code ?? 'rate_limit_exceeded' }), headers);
    }
    if (fires('serverError', route.name)) {
      const statuses = faults.serverError?.statuses ?? [500, 502, 503];
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
