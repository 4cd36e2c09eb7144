// Request bodies: JSON, or multipart with its file parts (and which parts came without a Content-Type).
import { FILE_MARKER, HttpFail, invalid } from './spec.ts';

export interface ParsedBody {
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

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
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
