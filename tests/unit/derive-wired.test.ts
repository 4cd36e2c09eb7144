// A profile that says a model can remix or extend is only a promise if its adapter sends one: every keyed
// provider's adapter declares (Provider.derives) each operation any of its models' profiles claims, so the
// window never offers a button the engine would then refuse.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { providerProfile } from '../../shared/capabilities.ts';
import { modelsThatCan } from '../../shared/derive.ts';
import { PROVIDER_MODULES } from '../../electron/services/providers/modules.ts';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import type { Provider } from '../../electron/services/providers/types.ts';

const adapters: Array<[string, Provider]> = [
  ...PROVIDER_MODULES.map((m): [string, Provider] => [m.id, m.create({ apiKey: 'test-key-0000', baseUrl: m.defaultBaseUrl({}), settings: {}, log: () => undefined, stateDir: os.tmpdir() })]),
  ['openai-videos', new OpenAiVideosProvider({ baseUrl: 'https://gateway.example/v1', apiKey: 'test-key-0000', log: () => undefined })],
];

test('every operation a profile claims, its adapter sends', () => {
  for (const [id, adapter] of adapters) {
    for (const kind of ['remix', 'extend'] as const) {
      const claimed = providerProfile(id)!.models.filter((m) => m[kind]).map((m) => m.id);
      if (claimed.length) assert.ok(adapter.derives?.includes(kind), `${id}: ${claimed.join(', ')} say they can ${kind}, but the adapter does not send it`);
    }
  }
});

test('fal and Gemini extend now; a refusal can name them', () => {
  const extend = modelsThatCan('extend');
  for (const id of ['fal fal-ai/veo3.1', 'fal fal-ai/veo3.1/fast', 'gemini gemini-omni-1.1-flash']) assert.ok(extend.some((x) => x.includes(`(${id})`)), id);
  assert.ok(!modelsThatCan('remix').some((x) => x.includes('(fal ') || x.includes('(gemini ')), 'neither remixes');
});
