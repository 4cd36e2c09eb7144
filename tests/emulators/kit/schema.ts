// JSON-Schema checks for request bodies (ajv, draft 2020-12). Each emulator writes its provider's input
// contract as a schema; a failure comes back as one plain issue (the deepest, most specific error) that the
// emulator words in its provider's own error shape.
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

export interface SchemaIssue {
  /** Field path, e.g. ["content", "1", "role"]; the missing property for `required`. */
  path: string[];
  keyword: 'required' | 'type' | 'enum' | 'additionalProperties' | 'const' | string;
  message: string;
  /** Allowed values for enum/const failures. */
  allowed?: unknown[];
  /** The unknown property for additionalProperties failures. */
  property?: string;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
const cache = new WeakMap<object, ValidateFunction>();

function pick(errors: ErrorObject[]): ErrorObject | undefined {
  // Prefer the deepest error: oneOf/anyOf/if wrappers are less useful than what failed inside them.
  const useful = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'not', 'allOf'].includes(e.keyword));
  const sorted = [...(useful.length ? useful : errors)].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return sorted[0];
}

/** null when valid, else the most specific issue. */
export function checkSchema(schema: object, value: unknown): SchemaIssue | null {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  if (fn(value)) return null;
  const e = pick(fn.errors ?? []);
  if (!e) return { path: [], keyword: 'invalid', message: 'is invalid' };
  const path = e.instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const issue: SchemaIssue = { path, keyword: e.keyword, message: e.message ?? 'is invalid' };
  if (e.keyword === 'required' && 'missingProperty' in e.params) issue.path = [...path, String(e.params.missingProperty)];
  if (e.keyword === 'enum' && 'allowedValues' in e.params) issue.allowed = e.params.allowedValues as unknown[];
  if (e.keyword === 'const' && 'allowedValue' in e.params) issue.allowed = [e.params.allowedValue];
  if (e.keyword === 'additionalProperties' && 'additionalProperty' in e.params) {
    issue.property = String(e.params.additionalProperty);
    issue.path = [...path, issue.property];
  }
  return issue;
}

/** A sentence for an issue: "Field 'duration' must be one of '4s', '6s', '8s'." */
export function describeIssue(issue: SchemaIssue): string {
  const field = issue.path.join('.') || '(body)';
  switch (issue.keyword) {
    case 'required':
      return `Field '${field}' is required.`;
    case 'additionalProperties':
      return `Unknown field '${field}'.`;
    case 'enum':
    case 'const':
      return `Field '${field}' must be one of ${(issue.allowed ?? []).map((v) => `'${String(v)}'`).join(', ')}.`;
    case 'type':
      return `Field '${field}' ${issue.message}.`;
    default:
      return `Field '${field}' ${issue.message}.`;
  }
}
