// Capability profiles of the providers added as modules (fal, Gemini, Ark, OpenRouter): pure data, one file
// per provider, with prices and the date they were read, and `retiresOn` where a retirement is announced.
// shared/capabilities.ts lists these after Preview and /v1/videos; the window, the CLI and main read them
// from there. Adding a provider's profile is one file here and one line below.
import type { ProviderProfile } from '../capabilities.ts';
import { ARK_PROFILE } from './ark.ts';
import { FAL_PROFILE } from './fal.ts';
import { GEMINI_PROFILE } from './gemini.ts';
import { OPENROUTER_PROFILE } from './openrouter.ts';

export const CATALOG_PROVIDERS: readonly ProviderProfile[] = [
  GEMINI_PROFILE,
  ARK_PROFILE,
  FAL_PROFILE,
  OPENROUTER_PROFILE,
];
