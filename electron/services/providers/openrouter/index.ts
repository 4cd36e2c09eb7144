// The OpenRouter provider module: OPENROUTER_API_KEY, OPENROUTER_BASE_URL (default https://openrouter.ai/api/v1).
// The adapter's liveModels() reads GET {base}/videos/models into profiles when the creator asks (providers/catalogs.ts).
import type { ProviderModule } from '../modules.ts';
import { OPENROUTER_URL, OpenRouterProvider } from './adapter.ts';

export { OpenRouterProvider } from './adapter.ts';

export const OPENROUTER_MODULE: ProviderModule = {
  id: 'openrouter',
  keyEnv: ['OPENROUTER_API_KEY'],
  baseUrlEnv: ['OPENROUTER_BASE_URL'],
  defaultBaseUrl: () => OPENROUTER_URL,
  create: (ctx) => new OpenRouterProvider({ apiKey: ctx.apiKey, baseUrl: ctx.baseUrl, stateDir: ctx.stateDir, log: ctx.log }),
};
