// Where a key may go, and the paid adapters built with it. Nothing here imports electron.
//
// - A key is stored with the origin (scheme://host:port) it was saved or confirmed for. An adapter that
//   carries the key is built only when the base URL in force has that origin; any other address waits
//   until the creator confirms it in a dialog main shows (Confirm). The window can ask main to ask, never
//   answer. On the command line the base URL given by flag or environment is the creator's own choice,
//   so a key from the environment is bound to it (EnvSecrets).
// - Base URLs are https:, or http: for this computer only (localhost, 127.0.0.0/8, [::1]). A query in the
//   base URL becomes default query parameters, so paths are joined before the query, never after it.
// - Gateway settings (how the key is sent, extra headers, default query parameters) live next to the key
//   in main; the window learns only their names.
// - Settings that loosen what may be spent (raising or clearing the budget cap, lowering a gateway model's
//   price) also need main's confirmation.
import { createHash } from 'node:crypto';
import { formatUsd, isBuiltInModel, modelProfile, PROVIDERS, providerProfile, type CustomModel, type CustomModels } from '../../../shared/capabilities.ts';
import type { KeyStatus, Settings } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import type { Log } from '../log.ts';
import { moduleKeyEnv, providerModule } from './modules.ts';
import { OpenAiVideosProvider } from './openai-videos.ts';
import type { Provider } from './types.ts';

export type AuthHeader = 'bearer' | 'api-key';

/** How a gateway wants to be spoken to, kept next to the key. Header and query values may be secrets. */
export interface GatewaySettings {
  authHeader: AuthHeader;
  headers: Record<string, string>;
  query: Record<string, string>;
}
export const NO_GATEWAY: GatewaySettings = Object.freeze({ authHeader: 'bearer', headers: {}, query: {} }) as GatewaySettings;

/** Where keys live: safeStorage in the app, the environment in the CLI. Never sent to the renderer. */
export interface Secrets {
  get(provider: string): string | null;
  source(provider: string): KeyStatus['source'];
  /** Saves a key bound to `origin`; null = bound to nothing yet (it is sent nowhere until confirmed). */
  set(provider: string, key: string, origin: string | null): Promise<void>;
  clear(provider: string): Promise<void>;
  /** The origin the key may be sent to, or null. */
  origin(provider: string): string | null;
  bind(provider: string, origin: string): Promise<void>;
  gateway(provider: string): GatewaySettings;
  setGateway(provider: string, gateway: GatewaySettings): Promise<void>;
  /** Every secret value in use (keys, header and query values), for the log redactor. */
  all(): string[];
  /** A key from the environment with no base URL of its own takes the one the services start with. */
  adoptStartOrigin?(provider: string, origin: string | null): void;
}

/** A question main asks the creator in its own dialog (Electron's message box); the window cannot answer it. */
export interface ConfirmRequest {
  title: string;
  message: string;
  detail: string;
  /** The label of the button that says yes ("Cancel" is the other, and the default). */
  confirmLabel: string;
}
export type Confirm = (question: ConfirmRequest) => Promise<boolean>;

export const KEYED_PROVIDERS: readonly string[] = PROVIDERS.filter((p) => p.needsKey).map((p) => p.id);

export function keyHint(key: string | null): string | null {
  return key ? `••••${key.slice(-4)}` : null;
}

const shorten = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
const invalid = (message: string) => new AppError('InvalidInput', message);

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

function checkQueryName(name: string): string {
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

function cheapest(provider: string, model: string, custom: CustomModels): number {
  const prices = Object.values(modelProfile(provider, model, custom)?.pricePerSecond ?? {});
  return prices.length ? Math.min(...prices) : 0;
}

/** Raising or clearing a cap lets more be spent; lowering or setting one only restricts. */
function loosensCap(before: number | null, after: number | null): boolean {
  return before !== null && (after === null || after > before);
}

export interface RegistryOptions {
  settings: { get(): Settings };
  secrets: Secrets;
  env?: NodeJS.ProcessEnv;
  /** Main's dialog; absent (the CLI) means nothing that needs confirmation is done. */
  confirm?: () => Confirm | undefined;
  log: Log;
}

/** Builds the adapters that carry keys, and owns every decision about where a key may go. */
export class ProviderRegistry {
  constructor(private readonly o: RegistryOptions) {
    for (const p of KEYED_PROVIDERS) o.secrets.adoptStartOrigin?.(p, originOf(this.rawBase(p)));
  }

  /** A module provider's own settings (e.g. a region), when the settings carry them. */
  private moduleSettings(provider: string): Readonly<Record<string, string | null | undefined>> {
    const settings = this.o.settings.get() as Settings & { providers?: Record<string, Record<string, string | null>> };
    return settings.providers?.[provider] ?? {};
  }

  /** The base URL in force for a keyed provider, as set (settings → environment → the module's default). */
  private rawBase(provider: string): string | null {
    const env = this.o.env ?? {};
    if (provider === 'openai-videos') return this.o.settings.get().openaiBaseUrl ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null;
    const mod = providerModule(provider);
    if (!mod) return null;
    const own = this.moduleSettings(provider);
    return own.baseUrl ?? mod.baseUrlEnv.map((k) => env[k]).find((v) => !!v) ?? mod.defaultBaseUrl(own);
  }

  /** The base URL in force, checked. */
  baseUrl(provider = 'openai-videos'): BaseUrl {
    const raw = this.rawBase(provider);
    if (!raw) throw invalid("Set your gateway's base URL for the /v1/videos provider (OpenAI's own endpoint was shut down on 2026-09-24).");
    return parseBaseUrl(raw);
  }

  customModels(): CustomModels {
    return this.o.settings.get().customModels ?? [];
  }

  /**
   * The adapter of a provider that carries a key, for the key, base URL and gateway settings in force, or
   * why it cannot be used. `cache` keeps one adapter per combination (a fingerprint; no secret in the clear).
   */
  provider(id: string, stateDir: string, cache: (key: string, make: () => Provider) => Provider): Provider {
    const mod = id === 'openai-videos' ? undefined : providerModule(id);
    if (id !== 'openai-videos' && !mod) throw invalid(`Unknown provider "${id}".`);
    const apiKey = this.o.secrets.get(id);
    if (!apiKey) {
      throw new AppError('MissingKey', mod ? `No API key is set for ${providerProfile(id)?.label ?? id}. Add it in the API key panel, or set ${mod.keyEnv[0]} for the command line.` : 'No API key is set for the /v1/videos provider.');
    }
    const base = this.baseUrl(id);
    const bound = this.o.secrets.origin(id);
    if (bound !== base.origin) {
      throw new AppError(
        'NotConfirmed',
        `${bound ? `Your API key was saved for ${bound}. ` : ''}Storyreel will not send it to ${base.origin} until you confirm that address (API keys panel → Confirm address).`,
      );
    }
    if (mod) {
      const own = this.moduleSettings(id);
      const baseUrl = this.rawBase(id)!;
      const fingerprint = createHash('sha256').update(JSON.stringify([baseUrl, apiKey, own])).digest('hex').slice(0, 24);
      return cache(`${id}|${fingerprint}`, () => mod.create({ apiKey, baseUrl, settings: own, log: this.o.log, stateDir }));
    }
    const g = this.o.secrets.gateway(id);
    const defaultQuery = { ...base.query, ...g.query };
    const fingerprint = createHash('sha256').update(JSON.stringify([base.base, apiKey, g.authHeader, g.headers, defaultQuery])).digest('hex').slice(0, 24);
    return cache(`${id}|${fingerprint}`, () => new OpenAiVideosProvider({ baseUrl: base.base, apiKey, authHeader: g.authHeader, extraHeaders: { ...g.headers }, defaultQuery, log: this.o.log }));
  }

  status(provider: string): KeyStatus {
    const s = this.o.secrets;
    const key = s.get(provider);
    const g = s.gateway(provider);
    return {
      provider,
      set: !!key,
      hint: keyHint(key),
      source: key ? s.source(provider) : 'none',
      origin: key ? s.origin(provider) : null,
      authHeader: g.authHeader,
      headers: Object.keys(g.headers).sort(),
      query: Object.keys(g.query).sort(),
      target: originOf(this.rawBase(provider)),
    };
  }

  statuses(): KeyStatus[] {
    return KEYED_PROVIDERS.map((p) => this.status(p));
  }

  private keyed(provider: string): void {
    if (!providerProfile(provider)?.needsKey) throw invalid(`${provider} does not use a key.`);
  }

  private async ask(q: ConfirmRequest): Promise<boolean> {
    const confirm = this.o.confirm?.();
    if (!confirm) return false;
    const yes = await confirm(q);
    this.o.log(`confirm "${q.title}": ${yes ? 'yes' : 'no'}`);
    return yes;
  }

  private addressQuestion(provider: string, origin: string): ConfirmRequest {
    const bound = this.o.secrets.origin(provider);
    const hint = keyHint(this.o.secrets.get(provider)) ?? '';
    return {
      title: 'Send your API key to this address?',
      message: `Send your ${provider} API key (${hint}) to ${origin}?`,
      detail: `${bound ? `It was saved for ${bound}. ` : ''}Storyreel sends the key, and the gateway headers saved with it, only to the address you confirm here. Choose Cancel if you did not just enter this address yourself.`,
      confirmLabel: `Send it to ${origin}`,
    };
  }

  /** Saves a key and asks main's dialog whether it may go to the base URL in force (if there is one). */
  async setKey(provider: string, key: string): Promise<KeyStatus> {
    this.keyed(provider);
    await this.o.secrets.set(provider, key.trim(), null);
    const origin = originOf(this.rawBase(provider));
    if (origin && (await this.ask(this.addressQuestion(provider, origin)))) await this.o.secrets.bind(provider, origin);
    return this.status(provider);
  }

  async clearKey(provider: string): Promise<KeyStatus> {
    await this.o.secrets.clear(provider);
    return this.status(provider);
  }

  /** The window asks main to ask the creator whether the key may go to the base URL in force. */
  async confirmAddress(provider: string): Promise<KeyStatus> {
    this.keyed(provider);
    if (!this.o.secrets.get(provider)) throw new AppError('MissingKey', 'No API key is set, so there is nothing to send.');
    const { origin } = this.baseUrl(provider);
    if (this.o.secrets.origin(provider) !== origin) {
      if (!(await this.ask(this.addressQuestion(provider, origin)))) throw new AppError('NotConfirmed', `Your API key was not sent to ${origin}.`);
      await this.o.secrets.bind(provider, origin);
    }
    return this.status(provider);
  }

  async setGateway(provider: string, patch: { authHeader?: AuthHeader | undefined; headers?: Record<string, string | null> | undefined; query?: Record<string, string | null> | undefined }): Promise<KeyStatus> {
    this.keyed(provider);
    const g = this.o.secrets.gateway(provider);
    const next: GatewaySettings = { authHeader: patch.authHeader ?? g.authHeader, headers: { ...g.headers }, query: { ...g.query } };
    for (const [raw, value] of Object.entries(patch.headers ?? {})) {
      const name = checkHeaderName(raw);
      if (value === null) delete next.headers[name];
      else next.headers[name] = checkHeaderValue(name, value);
    }
    for (const [raw, value] of Object.entries(patch.query ?? {})) {
      const name = checkQueryName(raw);
      if (value === null) delete next.query[name];
      else next.query[name] = value;
    }
    if (Object.keys(next.headers).length > 30 || Object.keys(next.query).length > 30) throw invalid('At most 30 headers and 30 query parameters.');
    await this.o.secrets.setGateway(provider, next);
    return this.status(provider);
  }

  /**
   * Checks a settings change from the window before it is saved: the base URL's form, and main's
   * confirmation for anything that sends the key somewhere new or lets more be spent. Throws when refused;
   * otherwise returns what to do once the change is saved (bind the key to the confirmed address).
   */
  async vetSettings(patch: Partial<Settings>): Promise<() => Promise<void>> {
    const current = this.o.settings.get();
    const questions: Array<{ q: ConfirmRequest; refused: string }> = [];
    let bind: { provider: string; origin: string } | null = null;

    if (patch.openaiBaseUrl !== undefined && patch.openaiBaseUrl !== null) {
      const next = parseBaseUrl(patch.openaiBaseUrl);
      const provider = 'openai-videos';
      if (this.o.secrets.get(provider) && this.o.secrets.origin(provider) !== next.origin) {
        questions.push({ q: this.addressQuestion(provider, next.origin), refused: `The base URL was not changed: your API key was not confirmed for ${next.origin}.` });
        bind = { provider, origin: next.origin };
      }
    }
    if (patch.budgetUsd !== undefined && loosensCap(current.budgetUsd, patch.budgetUsd)) {
      const from = formatUsd(current.budgetUsd ?? 0);
      questions.push({
        q:
          patch.budgetUsd === null
            ? { title: 'Remove the budget cap?', message: `Remove this project's budget cap of ${from}?`, detail: 'With no cap, Storyreel sends any paid work you confirm, whatever it adds up to.', confirmLabel: 'Remove the cap' }
            : { title: 'Raise the budget cap?', message: `Raise the budget cap from ${from} to ${formatUsd(patch.budgetUsd)}?`, detail: 'Storyreel refuses paid work that would take a project past its cap.', confirmLabel: 'Raise the cap' },
        refused: `The budget cap stays at ${from}.`,
      });
    }
    if (patch.customModels !== undefined) {
      checkCustomModels(patch.customModels);
      const before = current.customModels ?? [];
      const names = new Map<string, CustomModel>();
      for (const m of [...before, ...patch.customModels]) names.set(`${m.provider}|${m.id}`, m);
      for (const m of names.values()) {
        const was = cheapest(m.provider, m.id, before);
        const now = cheapest(m.provider, m.id, patch.customModels);
        if (now < was) {
          questions.push({
            q: { title: 'Count a model as cheaper?', message: `Count ${m.id} at ${formatUsd(now)}/s instead of ${formatUsd(was)}/s?`, detail: 'Estimates and the budget cap use this price. Set it to what your gateway charges.', confirmLabel: 'Use the lower price' },
            refused: `${m.id} stays at ${formatUsd(was)}/s.`,
          });
        }
      }
    }
    for (const { q, refused } of questions) if (!(await this.ask(q))) throw new AppError('NotConfirmed', refused);
    return async () => {
      if (bind) await this.o.secrets.bind(bind.provider, bind.origin);
    };
  }
}

/**
 * Keys from the environment (OPENAI_API_KEY, STORYREEL_API_KEY) or a .env file, and keys given through
 * keys.set (kept in memory only). A key from the environment is bound to the base URL given with it
 * (`baseUrl`, else OPENAI_BASE_URL / STORYREEL_BASE_URL, else the one the services start with): on the
 * command line that address is the creator's own choice.
 */
export class EnvSecrets implements Secrets {
  private readonly values = new Map<string, string>();
  private readonly given = new Set<string>();
  private readonly origins = new Map<string, string | null>();
  private readonly gateways = new Map<string, GatewaySettings>();

  constructor(env: NodeJS.ProcessEnv, dotenv: Record<string, string> = {}, opts: { baseUrl?: string | null; gateway?: GatewaySettings } = {}) {
    const key = env.STORYREEL_API_KEY || env.OPENAI_API_KEY || dotenv.STORYREEL_API_KEY || dotenv.OPENAI_API_KEY;
    if (key) {
      this.values.set('openai-videos', key.trim());
      const base = opts.baseUrl ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null;
      if (base) this.origins.set('openai-videos', originOf(base));
    }
    // FAL_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), ARK_API_KEY, OPENROUTER_API_KEY: each module names its
    // own. They go to the module's address in force when the services start (its *_BASE_URL, or its API).
    for (const { provider, names } of moduleKeyEnv()) {
      const v = names.map((n) => env[n] || dotenv[n]).find((x) => !!x);
      if (v) this.values.set(provider, v.trim());
    }
    if (opts.gateway) this.gateways.set('openai-videos', opts.gateway);
  }
  get(provider: string): string | null {
    return this.values.get(provider) ?? null;
  }
  source(provider: string): KeyStatus['source'] {
    if (!this.values.has(provider)) return 'none';
    return this.given.has(provider) ? 'app' : 'env';
  }
  async set(provider: string, key: string, origin: string | null): Promise<void> {
    this.values.set(provider, key);
    this.given.add(provider);
    this.origins.set(provider, origin);
  }
  async clear(provider: string): Promise<void> {
    this.values.delete(provider);
    this.given.delete(provider);
    this.origins.delete(provider);
  }
  origin(provider: string): string | null {
    return this.origins.get(provider) ?? null;
  }
  async bind(provider: string, origin: string): Promise<void> {
    if (this.values.has(provider)) this.origins.set(provider, origin);
  }
  adoptStartOrigin(provider: string, origin: string | null): void {
    if (this.values.has(provider) && !this.given.has(provider) && !this.origins.has(provider)) this.origins.set(provider, origin);
  }
  gateway(provider: string): GatewaySettings {
    return this.gateways.get(provider) ?? NO_GATEWAY;
  }
  async setGateway(provider: string, gateway: GatewaySettings): Promise<void> {
    this.gateways.set(provider, gateway);
  }
  all(): string[] {
    return [...this.values.values(), ...[...this.gateways.values()].flatMap((g) => [...Object.values(g.headers), ...Object.values(g.query)])];
  }
}
