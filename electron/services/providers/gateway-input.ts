// What the creator types about an address: base URLs (https:, or http: for this computer only; a query in
// the base URL becomes default query parameters), gateway header and query parameter names and values, and
// the gateway models they describe. Each check throws InvalidInput saying what to write instead.
import { isBuiltInModel, providerProfile, type CustomModels } from '../../../shared/capabilities.ts';
import { AppError } from '../../../shared/errors.ts';

export const shorten = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
export const invalid = (message: string) => new AppError('InvalidInput', message);

/** localhost, 127.0.0.0/8 and [::1]: the only hosts plain http:// may go to. Takes a URL's hostname. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}

export interface BaseUrl {
  /** scheme://host[:port]/path, no trailing slash, no query: paths are appended to this. */
  base: string;
  origin: string;
  /** The base URL's own query, sent as default query parameters. */
  query: Record<string, string>;
}

/** Checks a base URL and splits it into the part paths are joined to and its query. */
export function parseBaseUrl(raw: string): BaseUrl {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw invalid(`"${shorten(raw)}" is not a web address. Use your gateway's https:// address, e.g. https://gateway.example.com/v1.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid(`A base URL must start with https:// (not ${shorten(u.protocol, 20)}).`);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw invalid(`Plain http:// is allowed only for this computer (localhost, 127.x.x.x, [::1]). Use https://${u.host}${u.pathname === '/' ? '' : u.pathname}, so the key does not cross the network unencrypted.`);
  }
  if (u.username || u.password) throw invalid('A base URL must not contain a user name or password. Put the key in the key field, or a header under Gateway settings.');
  if (u.hash) throw invalid('A base URL must not contain a #fragment.');
  return { base: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, origin: u.origin, query: Object.fromEntries(u.searchParams) };
}

/** The origin of a base URL, or null when it is not one Storyreel accepts. */
export function originOf(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    return parseBaseUrl(raw).origin;
  } catch {
    return null;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Headers Storyreel sets itself, or that would change where or how a request goes. */
const RESERVED_HEADERS = new Set(['authorization', 'api-key', 'proxy-authorization', 'host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'range', 'if-range']);

/** A header name as it is stored (lower case), or an InvalidInput error saying why not. */
export function checkHeaderName(name: string): string {
  const n = name.trim().toLowerCase();
  if (!n || n.length > 100 || !TOKEN.test(n)) throw invalid(`"${shorten(name, 40)}" is not a header name (letters, digits and - only).`);
  if (RESERVED_HEADERS.has(n)) {
    throw invalid(n === 'authorization' || n === 'api-key' ? `The key is sent as ${n} by itself: choose "How the key is sent" instead of adding the header.` : `Storyreel sets the ${n} header itself.`);
  }
  return n;
}

export function checkHeaderValue(name: string, value: string): string {
  if (/[\r\n\0]/.test(value) || value.length > 4000) throw invalid(`The value of the ${name} header must be one line of at most 4000 characters.`);
  return value.trim();
}

/** "Name: value" (the --header syntax) → [name, value]. */
export function parseHeaderLine(line: string): [string, string] {
  const i = line.indexOf(':');
  if (i <= 0) throw invalid(`--header wants "Name: value", not "${shorten(line, 40)}".`);
  const name = checkHeaderName(line.slice(0, i));
  return [name, checkHeaderValue(name, line.slice(i + 1))];
}

/** "name=value" (the --query syntax) → [name, value]. */
export function parseQueryPair(pair: string): [string, string] {
  const i = pair.indexOf('=');
  if (i <= 0) throw invalid(`--query wants "name=value", not "${shorten(pair, 40)}".`);
  return [checkQueryName(pair.slice(0, i)), pair.slice(i + 1)];
}

export function checkQueryName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 100 || /[\s&=#?]/.test(n)) throw invalid(`"${shorten(name, 40)}" is not a query parameter name.`);
  return n;
}

/** Checks the gateway models the creator describes: open-list providers only, names not built in, one entry each. */
export function checkCustomModels(models: CustomModels): void {
  const seen = new Set<string>();
  for (const m of models) {
    const p = providerProfile(m.provider);
    if (!p?.openModelList) throw invalid(`${m.provider} has a fixed list of models; only a gateway provider's models can be described.`);
    if (isBuiltInModel(m.provider, m.id)) throw invalid(`${m.id} is built in; its price and limits are known already.`);
    const k = `${m.provider}|${m.id}`;
    if (seen.has(k)) throw invalid(`${m.id} is described twice.`);
    seen.add(k);
  }
}
