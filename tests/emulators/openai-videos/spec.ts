// The OpenAPI extract the emulator validates against: where it is, loading it (absent: null), compiling its
// schemas with ajv, and the API's error shape (HttpFail) with the ajv errors turned into it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

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
export const FILE_MARKER = '\u0000file#';

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

export interface ApiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}
export class HttpFail {
  constructor(
    readonly status: number,
    readonly error: ApiErrorBody,
  ) {}
}
export const invalid = (message: string, param: string | null = null, code: string | null = 'invalid_value'): HttpFail =>
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

export function ajvFail(errors: ErrorObject[], where: string): HttpFail {
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

export function allowsBinary(spec: OpenAiVideosSpec, schema: unknown, depth = 0): boolean {
  if (!schema || typeof schema !== 'object' || depth > 8) return false;
  const s = spec.deref(schema);
  if (s.format === 'binary') return true;
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = s[k];
    if (Array.isArray(list) && list.some((x) => allowsBinary(spec, x, depth + 1))) return true;
  }
  return false;
}
