// The windowed render's sound: each clip's sound cut to an exact-length float WAV (a stem, cached by the
// take's content, its in point and its length), the stems joined with the same concat/acrossfade joins as
// the one-pass render, the loudness pass and music bed when asked, and one AAC encode, made alongside the
// picture. The copy path uses the stems too.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Transition } from '../../../shared/project.ts';
import { AUDIO_RATE, type FilmPlan } from '../export/plan.ts';
import { pieceKey, reusePiece } from './cache-prune.ts';
import { escapeFilterValue, type Ffmpeg, type MediaInfo, type RunOptions } from './ffmpeg.ts';
import { audioOutputOptions, filmSamples, joinAudio, stemsJob, type Quality } from './film-graph.ts';
import { prepareFinish, type SoundFinish } from './film-sound.ts';
import { trackTemps } from './temp-files.ts';

export interface StemClip {
  file: string;
  hash?: string | undefined;
  /** The video's codec extradata hash (SPS/PPS), when known. */
  extradataHash?: string | null | undefined;
  in: number;
  info: MediaInfo;
}

/** Each clip's sound as an exact-length float WAV: from the cache, the missing ones made in one ffmpeg. */
export async function stems(ff: Ffmpeg, clips: readonly StemClip[], plan: FilmPlan, dir: string, opts: RunOptions): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = clips.map((c, i) => path.join(dir, `${c.hash ? pieceKey('stem2', c.hash, Math.round(c.in * AUDIO_RATE), plan.samples[i]!) : `once-${i}-${randomBytes(6).toString('hex')}`}.wav`));
  const missing: Array<{ file: string; hasAudio: boolean; in: number; samples: number; out: string; final: string }> = [];
  for (const [i, c] of clips.entries()) {
    if (await reusePiece(files[i]!)) continue;
    missing.push({ file: c.file, hasAudio: c.info.audio !== null, in: c.in, samples: plan.samples[i]!, final: files[i]!, out: `${files[i]!}.${randomBytes(4).toString('hex')}.tmp` });
  }
  const untrack = trackTemps(...missing.map((m) => m.out));
  try {
    // A dozen takes per ffmpeg: each input holds what it read while probing, so 48 at once grew the
    // export's memory with the length of the film.
    for (let from = 0; from < missing.length; from += STEM_BATCH) {
      const batch = missing.slice(from, from + STEM_BATCH);
      await ff.run(stemsJob(batch), opts.signal ? { signal: opts.signal } : {});
      for (const m of batch) await rename(m.out, m.final);
    }
  } finally {
    await Promise.all(missing.map((m) => rm(m.out, { force: true })));
    untrack();
  }
  return files;
}

/** Takes whose sound is cut into stems by one ffmpeg. */
const STEM_BATCH = 12;

/** The film's sound: stems, joins, the loudness pass and music when asked, one AAC encode, into `soundFile`. */
export async function makeSound(ff: Ffmpeg, clips: readonly StemClip[], transitions: readonly Transition[], plan: FilmPlan, cacheDir: string, soundFile: string, o: { quality: Quality; sound?: SoundFinish | undefined }, signal: AbortSignal | undefined): Promise<void> {
  const run = signal ? { signal } : {};
  const stemFiles = await stems(ff, clips, plan, path.join(cacheDir, 'stems'), run);
  const groups: string[] = [];
  const untracks: Array<() => void> = [];
  try {
    // A dozen stems joined per ffmpeg, then the groups joined: every open stem holds its reading buffers,
    // and 48 at once took the sound's process to 109 MB. Exact: the float WAVs lose nothing, and a join
    // only touches the overlap's samples, which a group's edge leaves as they were (an overlap is at
    // most half of either clip, so a clip's two overlaps never meet).
    const joined = stemFiles.length > STEM_BATCH ? groups : stemFiles;
    for (let from = 0; stemFiles.length > STEM_BATCH && from < stemFiles.length; from += STEM_BATCH) {
      const part = stemFiles.slice(from, from + STEM_BATCH);
      const out = path.join(cacheDir, 'stems', `once-${from}-${randomBytes(6).toString('hex')}.wav.${randomBytes(4).toString('hex')}.tmp`);
      groups.push(out);
      untracks.push(trackTemps(out));
      const sub = { ...plan, overlapSamples: plan.overlapSamples.slice(from) };
      const graph = part.length > 1 ? joinAudio(part.map((_, i) => `${i}:a:0`), transitions.slice(from), sub) : { parts: ['[0:a:0]anull[ja0]'], out: 'ja0' };
      await ff.run({ inputs: part.map((f) => ({ path: f })), filterComplex: graph.parts.join(';'), outputOptions: ['-map', `[${graph.out}]`, '-c:a', 'pcm_f32le', '-f', 'wav'], output: out, totalSeconds: 0 }, run);
    }
    // The groups' joins, on the group boundaries' overlaps.
    const edges = stemFiles.length > STEM_BATCH ? groups.map((_, g) => g * STEM_BATCH) : stemFiles.map((_, i) => i);
    const joinPlan = { ...plan, overlapSamples: edges.slice(1).map((e) => plan.overlapSamples[e - 1]!) };
    const joinTransitions = edges.slice(1).map((e) => transitions[e - 1] ?? 'cut');
    // One input, the rest read by amovie sources in the graph: ffmpeg before 7 gives every input a thread.
    const mix = {
      inputs: [{ path: joined[0]! }],
      graph: (at: number) => {
        const sources = joined.slice(1).map((f, k) => `amovie=filename=${escapeFilterValue(f)}[st${k + 1}]`);
        const j = joinAudio(joined.map((_, i) => (i === 0 ? `${at}:a:0` : `st${i}`)), joinTransitions, joinPlan);
        return { parts: [...sources, ...j.parts], out: j.out };
      },
    };
    // A loudness target measures the joined mix first (film-sound.ts); the encode then applies one linear gain.
    const finish = await prepareFinish(ff, mix, o.sound, filmSamples(plan), run);
    const audio = mix.graph(0);
    const finished = finish?.graph(audio.out, mix.inputs.length);
    const parts = [...audio.parts, ...(finished?.parts ?? [])];
    await ff.run(
      {
        inputs: [...mix.inputs, ...(finish?.inputs ?? [])],
        filterComplex: parts.length ? parts.join(';') : `[0:a:0]anull[ja0]`,
        outputOptions: ['-map', `[${parts.length ? (finished?.out ?? audio.out) : 'ja0'}]`, ...audioOutputOptions(o.quality), '-map_metadata', '-1', '-f', 'mp4'],
        output: soundFile,
        totalSeconds: 0,
      },
      run,
    );
  } finally {
    await Promise.all(groups.map((g) => rm(g, { force: true })));
    for (const u of untracks) u();
  }
}
