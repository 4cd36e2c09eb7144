/** Shared set-up for the /v1/videos adapter tests: an emulator with a sentinel key, the adapter with a recording sleep, and assertions. */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { OpenAiVideosProvider } from '../../electron/services/providers/openai-videos.ts';
import type { OpenAiVideosOptions } from '../../electron/services/providers/openai-videos.ts';
import type { CreateRequest, RemoteStatus } from '../../electron/services/providers/types.ts';
import { AppError } from '../../shared/errors.ts';
import { startOpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import type { EmulatorOptions, OpenAiVideosEmulator } from '../emulators/openai-videos/server.ts';
import { specCheck } from './openapi-spec.ts';

/** Must never show up in an error, a detail or a log line. */
export const SENTINEL_KEY = 'sk-SENTINEL-7f3a9c2e-do-not-leak-41d8';

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const signal = (): AbortSignal => new AbortController().signal;

export interface Harness {
  emu: OpenAiVideosEmulator;
  provider: OpenAiVideosProvider;
  /** Every wait the adapter asked for (ms), in order. The injected sleep does not really wait. */
  sleeps: number[];
  logs: string[];
  close(): Promise<void>;
}

export async function harness(emuOpts: EmulatorOptions = {}, provOpts: Partial<OpenAiVideosOptions> = {}): Promise<Harness> {
  const emu = await startOpenAiVideosEmulator({ apiKey: SENTINEL_KEY, timing: { queuedMs: 30, runningMs: 150, pollAfterMs: 25 }, ...emuOpts });
  const sleeps: number[] = [];
  const logs: string[] = [];
  const provider = new OpenAiVideosProvider({
    baseUrl: emu.url,
    apiKey: SENTINEL_KEY,
    log: (l) => logs.push(l),
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...provOpts,
  });
  return { emu, provider, sleeps, logs, close: () => emu.close() };
}

export function request(over: Partial<CreateRequest> = {}): CreateRequest {
  return { jobId: `job-${Math.random().toString(36).slice(2)}`, model: 'gateway/video-model-x', prompt: 'a lighthouse at dusk, slow dolly in', seconds: 4, size: '1280x720', referenceImage: null, sentAt: Date.now(), ...over };
}

export async function pollUntilDone(provider: OpenAiVideosProvider, id: string): Promise<RemoteStatus[]> {
  const seen: RemoteStatus[] = [];
  const deadline = Date.now() + 8000;
  for (;;) {
    const s = await provider.status(id, signal());
    seen.push(s);
    if (s.state !== 'queued' && s.state !== 'running') return seen;
    assert.ok(Date.now() < deadline, 'job did not finish');
    await pause(Math.min(50, s.pollAfterMs ?? 50));
  }
}

export function ffprobe(file: string): { duration: number; streams: Array<{ codec_type: string; width?: number; height?: number }> } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { streams: Array<{ codec_type: string; width?: number; height?: number }>; format: { duration: string } };
  return { duration: Number(j.format.duration), streams: j.streams };
}

/** Every request the adapter sent validated against the OpenAPI extract (skipped, saying so, without it). */
export async function assertAllValid(t: TestContext, emu: OpenAiVideosEmulator): Promise<void> {
  await specCheck(t, 'every request the adapter sent matches the OpenAPI extract', () => {
    assert.ok(emu.validating, 'spec validation must be on');
    const bad = emu.stats.requests.filter((r) => r.validation !== 'valid');
    assert.deepEqual(bad.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}: ${r.validation} ${r.validationError ?? ''}`), []);
  });
}

/** Everything an error can show: message, detail, stack, JSON form, causes. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof Error) parts.push(e.message, e.stack ?? '', String(e));
    if (e instanceof AppError) parts.push(e.detail ?? '', JSON.stringify(e.toJSON()));
    try {
      parts.push(JSON.stringify(e));
    } catch {
      /* circular */
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

export async function catchErr(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

