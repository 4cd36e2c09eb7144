// Settings and keys: every rule about where a key may go, the base URL and the budget cap lives in the
// provider registry (providers/registry.ts); these only bind the contract to it.
import type { Handlers } from '../../../shared/contract.ts';
import type { PromptEnhancer } from '../enhance/service.ts';
import { mergeProviderSettings } from '../providers/provider-settings.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { SettingsStore } from '../settings-store.ts';
import type { HandlerContext } from './context.ts';

export interface SettingsContext {
  keys: ProviderRegistry;
  settings: SettingsStore;
  switchFfmpeg(userPath: string | null): Promise<void>;
  enhancer: PromptEnhancer;
}

export function settingsHandlers(ctx: HandlerContext, s: SettingsContext): Pick<Handlers, 'settings' | 'keys'> {
  return {
    settings: {
      update: async (patch) => {
        const saved = await s.keys.vetSettings(patch); // the base URL's form; main's dialog for a new key address or a looser cap
        if (patch.ffmpegPath !== undefined) await s.switchFfmpeg(patch.ffmpegPath);
        // Provider settings merge by provider and field (null clears); everything else replaces.
        s.settings.update(patch.providers ? { ...patch, providers: mergeProviderSettings(s.settings.get().providers, patch.providers) } : patch);
        await saved();
        return ctx.info();
      },
    },
    keys: {
      set: ({ provider, key }) => s.keys.setKey(provider, key),
      storage: ({ provider, store }) => s.keys.keyStorage(provider, store),
      clear: ({ provider }) => s.keys.clearKey(provider),
      gateway: ({ provider, ...patch }) => s.keys.setGateway(provider, patch),
      confirmAddress: ({ provider }) => s.keys.confirmAddress(provider),
    },
  };
}
