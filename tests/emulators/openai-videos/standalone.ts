// Runs the /v1/videos emulator on its own:
//   npm run emulator -- --port 4010 [--key K] [--faults all|none] [--speed N] [--seed N] [--quiet]
// --speed N makes jobs N times faster than the (realistic) default of 5 s queued + 60 s running.
import { FAULTS_ALL, startOpenAiVideosEmulator } from './server.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: npm run emulator -- [--port 4010] [--key K] [--faults all|none] [--speed N] [--seed N] [--quiet]`);
  process.exit(2);
}

const port = Number(arg('port') ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${arg('port')}`);
const speed = Number(arg('speed') ?? 1);
if (!(speed > 0)) usage(`bad --speed ${arg('speed')}`);
const faultsName = arg('faults') ?? 'none';
if (faultsName !== 'all' && faultsName !== 'none') usage(`bad --faults ${faultsName}`);
const seed = Number(arg('seed') ?? 1);
const quiet = process.argv.includes('--quiet');
const key = arg('key') || 'sk-emulator';

const emu = await startOpenAiVideosEmulator({
  port,
  apiKey: key,
  seed,
  timing: { queuedMs: 5_000 / speed, runningMs: 60_000 / speed, pollAfterMs: Math.max(100, Math.round(2_000 / speed)) },
  faults: faultsName === 'all' ? FAULTS_ALL : {},
  log: quiet ? undefined : (line) => console.log(`[emulator] ${line}`),
});
console.log(`/v1/videos emulator listening on ${emu.url}`);
console.log(`  key: ${key === 'sk-emulator' ? 'sk-emulator (default)' : '(as given)'} · faults: ${faultsName} · speed: ${speed}x · spec validation: ${emu.validating ? 'on' : 'OFF'}`);
console.log(`  try: OPENAI_BASE_URL=${emu.url} STORYREEL_API_KEY=<key> storyreel ...`);

const stop = (): void => {
  console.log(`\nstopping (${emu.stats.requests.length} requests, ${emu.stats.creates} creates)`);
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
