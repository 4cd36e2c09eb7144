// The fal.ai provider module: FAL_KEY, FAL_BASE_URL (default https://queue.fal.run). Settings: `storageUrl`
// (default: the base URL when one was given, else https://rest.fal.ai), `imageTransport` (upload | data-uri).
import type { ProviderModule } from '../modules.ts';
import { FAL_QUEUE_URL, FalProvider } from './adapter.ts';

export { FalProvider } from './adapter.ts';

export const FAL_MODULE: ProviderModule = {
  id: 'fal',
  keyEnv: ['FAL_KEY'],
  baseUrlEnv: ['FAL_BASE_URL'],
  defaultBaseUrl: () => FAL_QUEUE_URL,
  create: (ctx) =>
    new FalProvider({
      apiKey: ctx.apiKey,
      baseUrl: ctx.baseUrl,
      stateDir: ctx.stateDir,
      log: ctx.log,
      ...(ctx.settings.storageUrl ? { storageUrl: ctx.settings.storageUrl } : {}),
      ...(ctx.settings.imageTransport === 'data-uri' ? { imageTransport: 'data-uri' as const } : {}),
    }),
};
