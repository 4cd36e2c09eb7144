// Enhance through an OpenAI-compatible chat-completions endpoint. The key is owned by main like every
// provider key (Secrets, under the name "enhance"): saved bound to no address, and sent only to the
// address the creator confirmed in main's own dialog. The base URL and model are settings; the window
// learns whether a key is set and where it may go, never the key.
import type { Settings } from '../../../shared/contract.ts';
import { enhanceMessages, readEnhanced } from '../../../shared/enhance.ts';
import { AppError } from '../../../shared/errors.ts';
import { MAX_PROMPT_CHARS } from '../../../shared/project.ts';
import type { Log } from '../log.ts';
import { keyHint, parseBaseUrl, type Confirm, type Secrets } from '../providers/registry.ts';

export const ENHANCE_KEY = 'enhance';

export interface EnhanceSettings {
  baseUrl: string | null;
  model: string | null;
}
type WithEnhance = Settings & { enhance?: EnhanceSettings | null | undefined };

export interface EnhanceStatus {
  baseUrl: string | null;
  model: string | null;
  keySet: boolean;
  hint: string | null;
  /** Where the key may be sent; null until the creator confirms an address. */
  origin: string | null;
  /** Kept in memory for this session only: no keyring, and the creator has not said to store it anyway. */
  sessionOnly: boolean;
  /** On: a key, a base URL and a model, and the key confirmed for that URL's address. */
  ready: boolean;
  /** Why it is off, in words; null when ready. */
  why: string | null;
}

export interface EnhancerOptions {
  settings: { get(): Settings; update(patch: Partial<Settings>): Settings };
  secrets: Secrets;
  confirm?: () => Confirm | undefined;
  log: Log;
  timeoutMs?: number;
}

export class PromptEnhancer {
  constructor(private readonly o: EnhancerOptions) {}

  private config(): EnhanceSettings {
    const e = (this.o.settings.get() as WithEnhance).enhance;
    return { baseUrl: e?.baseUrl ?? null, model: e?.model ?? null };
  }

  status(): EnhanceStatus {
    const { baseUrl, model } = this.config();
    const key = this.o.secrets.get(ENHANCE_KEY);
    const origin = key ? this.o.secrets.origin(ENHANCE_KEY) : null;
    let why: string | null = null;
    if (!key) why = 'Set an API key for Enhance.';
    else if (!baseUrl) why = 'Set the chat-completions base URL for Enhance.';
    else if (!model) why = 'Name the chat model Enhance should use.';
    else if (origin !== parseBaseUrl(baseUrl).origin) why = `Confirm that your key may go to ${parseBaseUrl(baseUrl).origin}.`;
    const sessionOnly = !!key && this.o.secrets.source(ENHANCE_KEY) === 'session';
    return { baseUrl, model, keySet: !!key, hint: keyHint(key), origin, sessionOnly, ready: why === null, why };
  }

  private async ask(origin: string): Promise<boolean> {
    const confirm = this.o.confirm?.();
    if (!confirm) return false;
    const yes = await confirm({
      title: 'Send your Enhance key to this address?',
      message: `Send your Enhance API key (${keyHint(this.o.secrets.get(ENHANCE_KEY)) ?? ''}) to ${origin}?`,
      detail: 'Storyreel sends this key only to the address you confirm here, with each prompt you ask it to enhance. Choose Cancel if you did not just enter this address yourself.',
      confirmLabel: `Send it to ${origin}`,
    });
    this.o.log(`confirm enhance address: ${yes ? 'yes' : 'no'}`);
    return yes;
  }

  /** Base URL and model; a new address needs main's confirmation before the key goes there. */
  async configure(patch: Partial<EnhanceSettings>): Promise<EnhanceStatus> {
    const next = { ...this.config(), ...patch };
    if (next.baseUrl) parseBaseUrl(next.baseUrl); // the form (https:, or http: on this computer), in words
    this.o.settings.update({ enhance: next } as Partial<WithEnhance>);
    return this.status();
  }

  async setKey(key: string): Promise<EnhanceStatus> {
    await this.o.secrets.set(ENHANCE_KEY, key.trim(), null);
    const { baseUrl } = this.config();
    if (baseUrl) await this.confirmAddress().catch(() => undefined);
    return this.status();
  }

  /** The creator's "Store anyway" for a key kept for this session only (no keyring). */
  async storeKey(): Promise<EnhanceStatus> {
    if (this.o.secrets.source(ENHANCE_KEY) !== 'session' || !this.o.secrets.storeAnyway) throw new AppError('InvalidInput', 'There is no Enhance key kept for this session only to store. Save the key again.');
    await this.o.secrets.storeAnyway(ENHANCE_KEY);
    return this.status();
  }

  async clearKey(): Promise<EnhanceStatus> {
    await this.o.secrets.clear(ENHANCE_KEY);
    return this.status();
  }

  async confirmAddress(): Promise<EnhanceStatus> {
    const { baseUrl } = this.config();
    if (!baseUrl) throw new AppError('InvalidInput', 'Set the base URL for Enhance first.');
    if (!this.o.secrets.get(ENHANCE_KEY)) throw new AppError('MissingKey', 'No Enhance key is set, so there is nothing to send.');
    const { origin } = parseBaseUrl(baseUrl);
    if (this.o.secrets.origin(ENHANCE_KEY) !== origin) {
      if (!(await this.ask(origin))) throw new AppError('NotConfirmed', `Your Enhance key was not sent to ${origin}.`);
      await this.o.secrets.bind(ENHANCE_KEY, origin);
    }
    return this.status();
  }

  /** The prompt rewritten by the chat model; nothing is changed in the project (the creator accepts it). */
  async enhance(prompt: string, context: { style?: string; seconds?: number } = {}, signal?: AbortSignal): Promise<string> {
    const s = this.status();
    if (!s.keySet) throw new AppError('MissingKey', 'Enhance is off: no API key is set for it. Add one under Prompt enhancer.');
    if (!s.ready) throw new AppError(s.why?.startsWith('Confirm') ? 'NotConfirmed' : 'InvalidInput', `Enhance is off. ${s.why}`);
    if (!prompt.trim()) throw new AppError('InvalidInput', 'Write a prompt first; Enhance rewrites it.');
    const base = parseBaseUrl(s.baseUrl!);
    const url = new URL(`${base.base}/chat/completions`);
    for (const [k, v] of Object.entries(base.query)) url.searchParams.set(k, v);
    const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 60_000);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.secrets.get(ENHANCE_KEY)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: s.model, messages: enhanceMessages(prompt, context), temperature: 0.7 }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error', // a redirect could take the key to another address
      });
    } catch (err) {
      if (signal?.aborted) throw new AppError('Aborted', 'Canceled.');
      const timedOut = timeout.aborted;
      throw new AppError('ProviderUnreachable', timedOut ? `${base.origin} did not answer within ${Math.round((this.o.timeoutMs ?? 60_000) / 1000)} s. Try again.` : `${base.origin} could not be reached. Check the base URL and your connection, then try again.`, { detail: String((err as Error).message) });
    }
    const text = await res.text().catch(() => '');
    if (res.status === 401 || res.status === 403) throw new AppError('AuthFailed', `${base.origin} refused the Enhance key (HTTP ${res.status}). Check the key, or set a new one.`);
    if (res.status === 429) throw new AppError('RateLimited', `${base.origin} is rate-limiting Enhance${res.headers.get('retry-after') ? `; try again in ${res.headers.get('retry-after')} s` : '; try again in a minute'}.`);
    if (res.status >= 500) throw new AppError('ProviderUnavailable', `${base.origin} had a problem (HTTP ${res.status}). Try again in a moment.`);
    if (!res.ok) throw new AppError('ProviderRejected', `${base.origin} refused the request (HTTP ${res.status}): ${errorMessage(text) ?? 'no reason given'}. Check the model name.`);
    let content: unknown;
    try {
      content = (JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
    } catch {
      content = undefined;
    }
    if (typeof content !== 'string' || !readEnhanced(content)) throw new AppError('ProviderRejected', `${base.origin} answered, but not with a chat completion Storyreel can read. Check that the base URL is an OpenAI-compatible /v1 address.`);
    return readEnhanced(content).slice(0, MAX_PROMPT_CHARS);
  }
}

function errorMessage(body: string): string | null {
  try {
    const e = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof e === 'string' ? e.slice(0, 300) : null;
  } catch {
    return null;
  }
}
