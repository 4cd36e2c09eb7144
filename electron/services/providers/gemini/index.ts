// The Gemini module: key from GEMINI_API_KEY (then GOOGLE_API_KEY), base URL from GEMINI_BASE_URL.
import type { ProviderModule } from '../modules.ts';
import { GEMINI_DEFAULT_BASE_URL, GeminiProvider } from './adapter.ts';

export const geminiModule: ProviderModule = {
  id: 'gemini',
  keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  baseUrlEnv: ['GEMINI_BASE_URL'],
  defaultBaseUrl: () => GEMINI_DEFAULT_BASE_URL,
  create: (ctx) => new GeminiProvider({ baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, log: ctx.log }),
};
