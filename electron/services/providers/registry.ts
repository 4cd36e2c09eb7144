// Where a key may go, and the paid adapters built with it. Nothing here imports electron.
//
// - A key is stored with the origin (scheme://host:port) it was saved or confirmed for. An adapter that
//   carries the key is built only when the base URL in force has that origin; any other address waits
//   until the creator confirms it in a dialog main shows (Confirm). The window can ask main to ask, never
//   answer. On the command line the base URL given by flag or environment is the creator's own choice,
//   so a key from the environment is bound to it (EnvSecrets, keys.ts).
// - Base URLs are https:, or http: for this computer only; checked with header and query input in
//   gateway-input.ts.
// - Gateway settings (how the key is sent, extra headers, default query parameters) live next to the key
//   in main; the window learns only their names.
// - Settings that loosen what may be spent (raising or clearing the budget cap, lowering a gateway model's
//   price) also need main's confirmation.
import { createHash } from 'node:crypto';
import { formatUsd, modelProfile, providerProfile, type CustomModel, type CustomModels } from '../../../shared/capabilities.ts';
import type { KeySaved, KeyStatus, Settings } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import type { Log } from '../log.ts';
import { checkCustomModels, checkHeaderName, checkHeaderValue, checkQueryName, invalid, originOf, parseBaseUrl, type BaseUrl } from './gateway-input.ts';
import { KEYED_PROVIDERS, keyHint, type AuthHeader, type Confirm, type ConfirmRequest, type GatewaySettings, type Secrets } from './keys.ts';
import { providerModule } from './modules.ts';
import { OpenAiVideosProvider } from './openai-videos.ts';
import { checkProviderSettings, mergeProviderSettings } from './provider-settings.ts';
import type { Provider } from './types.ts';

// The checks of what the creator types (gateway-input.ts) and where keys live (keys.ts), as they were exported here.
export { checkCustomModels, checkHeaderName, checkHeaderValue, isLoopbackHost, originOf, parseBaseUrl, parseHeaderLine, parseQueryPair, type BaseUrl } from './gateway-input.ts';
export { EnvSecrets, KEYED_PROVIDERS, keyHint, NO_GATEWAY, type AuthHeader, type Confirm, type ConfirmRequest, type GatewaySettings, type Secrets } from './keys.ts';

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

  /** A module provider's own settings (base URL, region), as saved. */
  private moduleSettings(provider: string, stored = this.o.settings.get().providers): Readonly<Record<string, string | null | undefined>> {
    return stored?.[provider] ?? {};
  }

  /** The base URL in force for a keyed provider, as set (settings → environment → the module's default). */
  private rawBase(provider: string, stored?: Settings['providers']): string | null {
    const env = this.o.env ?? {};
    if (provider === 'openai-videos') return this.o.settings.get().openaiBaseUrl ?? env.OPENAI_BASE_URL ?? env.STORYREEL_BASE_URL ?? null;
    const mod = providerModule(provider);
    if (!mod) return null;
    const own = this.moduleSettings(provider, stored);
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

  /**
   * Saves a key and asks main's dialog whether it may go to the base URL in force (if there is one). Without a
   * keyring the key is kept for this session only, and the answer says the creator must be asked whether to
   * store it anyway (keys.storage).
   */
  async setKey(provider: string, key: string): Promise<KeySaved> {
    this.keyed(provider);
    await this.o.secrets.set(provider, key.trim(), null);
    const origin = originOf(this.rawBase(provider));
    if (origin && (await this.ask(this.addressQuestion(provider, origin)))) await this.o.secrets.bind(provider, origin);
    const status = this.status(provider);
    return this.o.secrets.weakStorage?.() && status.source === 'session' ? { outcome: 'needs-consent', reason: 'no-keyring', status } : { outcome: 'stored', status };
  }

  /** The creator's answer to "no keyring": store the session's key anyway, or keep it for this session only. */
  async keyStorage(provider: string, store: boolean): Promise<KeyStatus> {
    this.keyed(provider);
    if (store) {
      if (this.o.secrets.source(provider) !== 'session' || !this.o.secrets.storeAnyway) throw new AppError('InvalidInput', 'There is no key kept for this session only to store. Save the key again.');
      await this.o.secrets.storeAnyway(provider);
    }
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
    const binds: Array<{ provider: string; origin: string }> = [];

    if (patch.openaiBaseUrl !== undefined && patch.openaiBaseUrl !== null) {
      const next = parseBaseUrl(patch.openaiBaseUrl);
      const provider = 'openai-videos';
      if (this.o.secrets.get(provider) && this.o.secrets.origin(provider) !== next.origin) {
        questions.push({ q: this.addressQuestion(provider, next.origin), refused: `The base URL was not changed: your API key was not confirmed for ${next.origin}.` });
        binds.push({ provider, origin: next.origin });
      }
    }
    if (patch.providers !== undefined) {
      // Base URL and region per provider (provider-settings.ts); a key goes to a new address only once confirmed.
      checkProviderSettings(patch.providers, parseBaseUrl);
      const merged = mergeProviderSettings(current.providers, patch.providers);
      for (const provider of Object.keys(patch.providers)) {
        const origin = originOf(this.rawBase(provider, merged));
        if (origin && this.o.secrets.get(provider) && this.o.secrets.origin(provider) !== origin) {
          questions.push({ q: this.addressQuestion(provider, origin), refused: `${providerProfile(provider)?.label ?? provider}'s settings were not changed: your API key was not confirmed for ${origin}.` });
          binds.push({ provider, origin });
        }
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
      for (const b of binds) await this.o.secrets.bind(b.provider, b.origin);
    };
  }
}
