// Request validation against the spec: path and query parameters (unknown ones refused when strict), the
// body's schema, and file parts only where the spec takes binary, each with a real MIME type.
import type { ParsedBody } from './body.ts';
import { ajvFail, allowsBinary, invalid, type HttpFail, type OpenAiVideosSpec } from './spec.ts';
import type { ROUTES } from './state.ts';
import type { ValidationResult } from './types.ts';

export function validateRequest(spec: OpenAiVideosSpec | null, strictParams: boolean, route: (typeof ROUTES)[number], pathParams: Record<string, string>, query: URLSearchParams, body: ParsedBody): { result: ValidationResult; fail?: HttpFail } {
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
