// The Ark module: key from ARK_API_KEY, base URL from ARK_BASE_URL, else the host of the region setting
// (BytePlus ModelArk by default, `region: cn` for Volcengine Ark in Beijing).
import type { ProviderModule } from '../modules.ts';
import { arkDefaultBaseUrl, ArkProvider } from './adapter.ts';

export const arkModule: ProviderModule = {
  id: 'ark',
  keyEnv: ['ARK_API_KEY'],
  baseUrlEnv: ['ARK_BASE_URL'],
  defaultBaseUrl: arkDefaultBaseUrl,
  create: (ctx) => new ArkProvider({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, log: ctx.log }),
};
