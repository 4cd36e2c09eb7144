// The export tests' app, on a project made by conformFixture: Storyreel with real ffmpeg, settings in
// memory, no keys, and main's dialogs answered by the test (the music bed it "picks", what Show in folder
// is handed). And a music bed for them: a plain tone, AAC, of the length asked.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel, type StoryreelOptions } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';

const exec = promisify(execFile);

/** A tone of `seconds` at 44.1 kHz, encoded as AAC into `file` (an .m4a), to pick as a music bed. */
export async function musicBed(file: string, seconds: number): Promise<void> {
  await exec(resolveFfmpeg({ env: process.env }).ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=300:d=${seconds}:sample_rate=44100`, '-c:a', 'aac', file]);
}

/** The app the export tests drive; `music` is what main's music dialog answers (each time), `reveal` sees Show in folder. */
export function exportApp(o: { music?: string | (() => string | null); reveal?: (file: string) => Promise<boolean>; concurrency?: number } = {}): Storyreel {
  const options: StoryreelOptions = {
    version: 'e2e',
    ffmpeg: resolveFfmpeg({ env: process.env }),
    settings: new MemorySettings(),
    secrets: new EnvSecrets({}),
    log: () => undefined,
    owner: 'e2e',
    dialogs: { pickFolder: async () => null, pickImage: async () => null, pickAudio: async () => (typeof o.music === 'function' ? o.music() : (o.music ?? null)), reveal: o.reveal ?? (async () => false) },
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
  };
  return new Storyreel(options);
}
