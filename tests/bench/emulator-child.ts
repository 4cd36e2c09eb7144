// The /v1/videos emulator in a process of its own for bench 3, so the memory and CPU it uses are not
// counted against either side. Loopback only (the emulator binds 127.0.0.1 on a free port).
//   node --import tsx tests/bench/emulator-child.ts <cacheDir> <queuedMs> <runningMs> <pollAfterMs>
// Prints "EMULATOR {url, apiKey}" once listening, and "EMULATOR_STATS {...}" when asked to stop. Stops on SIGTERM/SIGINT or when its stdin closes
// (the parent went away), and after a hard limit in any case.
import { startOpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';

const [cacheDir, queuedMs, runningMs, pollAfterMs] = process.argv.slice(2);
if (!cacheDir) {
  console.error('usage: emulator-child.ts <cacheDir> <queuedMs> <runningMs> <pollAfterMs>');
  process.exit(2);
}
const HARD_LIMIT_MS = 240_000;

const emu = await startOpenAiVideosEmulator({
  apiKey: 'sk-bench-0123456789abcdef',
  cacheDir,
  timing: { queuedMs: Number(queuedMs ?? 20), runningMs: Number(runningMs ?? 100), pollAfterMs: Number(pollAfterMs ?? 25) },
});
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  const invalid = emu.stats.requests.filter((r) => r.validation === 'invalid' || r.validation === 'unmatched').length;
  console.log(`EMULATOR_STATS ${JSON.stringify({ requests: emu.stats.requests.length, creates: emu.stats.creates, retrieves: emu.stats.retrieveCalls, contents: emu.stats.contentCalls, invalid })}`);
  void emu.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
setTimeout(stop, HARD_LIMIT_MS).unref();

console.log(`EMULATOR ${JSON.stringify({ url: emu.url, apiKey: emu.apiKey, validating: emu.validating })}`);
