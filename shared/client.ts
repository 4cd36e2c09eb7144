// The client side of the contract, without zod: it turns a list of channels into the API object the
// renderer uses. The preload gets the list at build time (scripts/build-electron.mjs reads it from
// shared/contract.ts), so the sandboxed preload stays small; everything else uses makeClient() there.
import type { EventName, Reply, StoryreelApi } from './contract.ts';

export interface ChannelDef {
  group: string;
  method: string;
  channel: string;
}

export const eventChannel = (e: EventName): string => `event.${e}`;

export class RemoteError extends Error {
  readonly code: string;
  readonly detail: string | undefined;
  constructor(e: { code: string; message: string; detail?: string | undefined }) {
    super(e.message);
    this.name = 'RemoteError';
    this.code = e.code;
    this.detail = e.detail;
  }
}

/**
 * `invoke(channel, payload)` must resolve with the reply envelope. `toError` decides what a failed call
 * rejects with: Electron's contextBridge keeps only the message of an Error, so the preload rejects with
 * a plain { code, message, detail } object, which the bridge clones whole.
 */
export function buildClient(
  list: readonly ChannelDef[],
  invoke: (channel: string, payload: unknown) => Promise<unknown>,
  subscribe: (channel: string, listener: (payload: unknown) => void) => () => void,
  mediaUrl: (relativePath: string) => string,
  toError: (e: { code: string; message: string; detail?: string | undefined }) => unknown = (e) => new RemoteError(e),
): StoryreelApi {
  const api: Record<string, unknown> = {};
  for (const { group, method, channel } of list) {
    const g = (api[group] ??= {}) as Record<string, unknown>;
    g[method] = async (input: unknown) => {
      const reply = (await invoke(channel, input ?? {})) as Reply;
      if (reply.ok) return reply.value;
      throw toError(reply.error);
    };
  }
  api.on = (event: EventName, listener: (p: unknown) => void) => subscribe(eventChannel(event), listener);
  api.mediaUrl = mediaUrl;
  return api as StoryreelApi;
}
