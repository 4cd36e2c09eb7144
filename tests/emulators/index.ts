// Every provider emulator by name, with its "all faults" preset: for tests that run a film across several
// providers, and for the launcher. (The /v1/videos emulator keeps its own module: ./openai-videos/server.ts.)
import { ARK_FAULTS_ALL, startArkEmulator } from './ark/server.ts';
import { FAL_FAULTS_ALL, startFalEmulator } from './fal/server.ts';
import { GEMINI_FAULTS_ALL, startGeminiEmulator } from './gemini/server.ts';
import { OPENROUTER_FAULTS_ALL, startOpenRouterEmulator } from './openrouter/server.ts';
import type { KitEmulator, KitFaults, KitOptions } from './kit/index.ts';

export type ProviderEmulatorName = 'fal' | 'gemini' | 'ark' | 'openrouter';

export const PROVIDER_EMULATORS: Record<ProviderEmulatorName, { start: (opts?: KitOptions) => Promise<KitEmulator>; faultsAll: KitFaults; defaultPort: number; keyVar: string; baseVar: string }> = {
  fal: { start: startFalEmulator, faultsAll: FAL_FAULTS_ALL, defaultPort: 4011, keyVar: 'FAL_KEY', baseVar: 'FAL_BASE_URL' },
  gemini: { start: startGeminiEmulator, faultsAll: GEMINI_FAULTS_ALL, defaultPort: 4012, keyVar: 'GEMINI_API_KEY', baseVar: 'GEMINI_BASE_URL' },
  ark: { start: startArkEmulator, faultsAll: ARK_FAULTS_ALL, defaultPort: 4013, keyVar: 'ARK_API_KEY', baseVar: 'ARK_BASE_URL' },
  openrouter: { start: startOpenRouterEmulator, faultsAll: OPENROUTER_FAULTS_ALL, defaultPort: 4014, keyVar: 'OPENROUTER_API_KEY', baseVar: 'OPENROUTER_BASE_URL' },
};

export type { KitEmulator, KitFaults, KitOptions };
