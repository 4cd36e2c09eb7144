// Runs one provider emulator on its own:
//   npm run emulator -- [openai-videos|fal|gemini|ark|openrouter|all] [--port N] [--key K] [--faults all|none]
//                       [--speed N] [--seed N] [--quiet] [provider options]
// No provider name (or `openai-videos`) runs the /v1/videos emulator exactly as before (port 4010).
// Default ports: fal 4011, gemini 4012, ark 4013, openrouter 4014. `all` starts those four together
// (--port N: fal on N, gemini on N+1, ark N+2, openrouter N+3) and prints one line of environment to paste.
// Speed: jobs take 5 s queued + 60 s running at --speed 1 (the default here, close to real providers);
// --speed 20 makes that 0.25 s + 3 s. Tests start the emulators in-process with their fast defaults
// (50 ms queued + 250 ms running) or a hand-moved clock.
// Provider options: fal --validation deferred|submit --moderation-at result|submit;
// ark --moderation-at output|create; openrouter --cost-variance 0.05 --credits 10.
import { startArkEmulator } from './ark/server.ts';
import { startFalEmulator } from './fal/server.ts';
import { startGeminiEmulator } from './gemini/server.ts';
import { startOpenRouterEmulator } from './openrouter/server.ts';
import { PROVIDER_EMULATORS } from './index.ts';
import type { ProviderEmulatorName as Provider } from './index.ts';
import type { KitEmulator, KitOptions } from './kit/index.ts';

const PROVIDERS = Object.keys(PROVIDER_EMULATORS) as Provider[];

const first = process.argv[2];
const name = first && !first.startsWith('--') ? first : 'openai-videos';

try {
  if (name === 'openai-videos') {
    await import('./openai-videos/standalone.ts');
  } else if (name === 'all') {
    // Every provider emulator at once (a film mixing providers): --port N puts fal on N, gemini on N+1, …
    const basePort = arg('port');
    const started: Array<{ provider: Provider; emu: KitEmulator }> = [];
    for (const [i, provider] of PROVIDERS.entries()) {
      const port = basePort === undefined ? undefined : Number(basePort) === 0 ? 0 : Number(basePort) + i;
      started.push({ provider, emu: await startProvider(provider, port) });
    }
    console.log(`  all: ${started.map(({ provider, emu }) => `${PROVIDER_EMULATORS[provider].baseVar}=${emu.url} ${PROVIDER_EMULATORS[provider].keyVar}=${emu.apiKey}`).join(' ')}`);
    stopOnSignal(started);
  } else {
    if (!(PROVIDERS as string[]).includes(name)) usage(`unknown emulator '${name}'`);
    const provider = name as Provider;
    stopOnSignal([{ provider, emu: await startProvider(provider, arg('port') === undefined ? undefined : Number(arg('port'))) }]);
  }
} catch (err) {
  busyPort(err);
  throw err;
}

/** A port already taken ends in one line that says which and what to type, not an EADDRINUSE trace. */
function busyPort(err: unknown): void {
  const e = err as { code?: string; port?: number };
  if (e?.code !== 'EADDRINUSE') return;
  const next = (e.port ?? 4010) + 100;
  console.error(`Port ${e.port} on 127.0.0.1 is already in use (an emulator still running? \`lsof -i :${e.port}\` shows what holds it).\nChoose another: npm run emulator -- ${first && !first.startsWith('--') ? `${first} ` : ''}--port ${next}`);
  process.exit(1);
}

function stopOnSignal(started: Array<{ provider: Provider; emu: KitEmulator }>): void {
  const stop = (): void => {
    for (const { provider, emu } of started) console.log(`\nstopping ${provider} (${emu.stats.requests.length} requests, ${emu.stats.creates} creates, billed $${emu.billed().totalUsd})`);
    void Promise.all(started.map(({ emu }) => emu.close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function arg(flag: string): string | undefined {
  const i = process.argv.indexOf(`--${flag}`);
  if (i === -1) return undefined;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: npm run emulator -- [openai-videos|${PROVIDERS.join('|')}|all] [--port N] [--key K] [--faults all|none] [--speed N] [--seed N] [--quiet]`);
  process.exit(2);
}

async function startProvider(provider: Provider, portArg: number | undefined): Promise<KitEmulator> {
  const keys: Record<Provider, string> = { fal: 'fal-emulator-key', gemini: 'gemini-emulator-key', ark: 'ark-emulator-key', openrouter: 'sk-or-emulator-key' };
  const d = { ...PROVIDER_EMULATORS[provider], key: keys[provider] };
  const port = portArg ?? d.defaultPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${arg('port')}`);
  const speed = Number(arg('speed') ?? 1);
  if (!(speed > 0)) usage(`bad --speed ${arg('speed')}`);
  const faultsName = arg('faults') ?? 'none';
  if (faultsName !== 'all' && faultsName !== 'none') usage(`bad --faults ${faultsName}`);
  const seed = Number(arg('seed') ?? 1);
  const key = arg('key') || d.key;
  const quiet = process.argv.includes('--quiet');
  const all = d.faultsAll;
  const opts: KitOptions = {
    port,
    apiKey: key,
    seed,
    timing: { queuedMs: 5_000 / speed, runningMs: 60_000 / speed, pollAfterMs: Math.max(100, Math.round(2_000 / speed)) },
    faults: faultsName === 'all' ? all : {},
    log: quiet ? undefined : (line) => console.log(`[${provider}] ${line}`),
  };
  const pick = <T extends string>(flag: string, allowed: readonly T[]): T | undefined => {
    const v = arg(flag);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) usage(`bad --${flag} ${v}`);
    return v as T;
  };
  let emu: KitEmulator;
  switch (provider) {
    case 'fal':
      emu = await startFalEmulator({ ...opts, validation: pick('validation', ['deferred', 'submit'] as const), moderationAt: pick('moderation-at', ['result', 'submit'] as const) });
      break;
    case 'gemini':
      emu = await startGeminiEmulator(opts);
      break;
    case 'ark':
      emu = await startArkEmulator({ ...opts, moderationAt: pick('moderation-at', ['output', 'create'] as const) });
      break;
    case 'openrouter': {
      const cv = arg('cost-variance');
      const credits = arg('credits');
      emu = await startOpenRouterEmulator({ ...opts, ...(cv ? { costVariance: Number(cv) } : {}), ...(credits ? { creditsUsd: Number(credits) } : {}) });
      break;
    }
  }
  console.log(`${provider} emulator listening on ${emu.url}`);
  console.log(`  key: ${key}${key === d.key ? ' (default)' : ''} · faults: ${faultsName} · speed: ${speed}x (${5 / speed}s queued + ${60 / speed}s running)`);
  console.log(`  try: ${d.baseVar}=${emu.url} ${d.keyVar}=${key} storyreel render <dir> --provider ${provider}`);
  return emu;
}
