// Finishing the film's sound: an optional music bed (looped or cut to the film, faded in and out, ducked
// under the clips' own sound) and optional loudness normalisation in two passes (loudnorm measures the
// finished mix, then applies one linear gain with the measured values). The same finishing follows
// every path: on the fast path it sits between the joined PCM stems and the one AAC encode, so the
// picture is still stream-copied.
//
// The finished sound is cut or padded to exactly the film's samples, so picture and sound stay the same
// length whatever loudnorm's resampling does.
import { AppError } from '../../../shared/errors.ts';
import { AUDIO_RATE } from '../export/plan.ts';
import type { Ffmpeg, FfmpegInput, FfmpegJob, RunOptions } from './ffmpeg.ts';

/** The loudness targets offered (LUFS, integrated); −14 is what streaming sites play at. */
export const LOUDNESS_TARGETS = [-14, -16, -23] as const;
export const DEFAULT_LOUDNESS = -14;
/** True peak ceiling, dBTP. */
export const TRUE_PEAK = -1;
/** loudnorm accepts −70…−5 LUFS; a target outside that is refused before anything runs. */
export const LOUDNESS_RANGE = { min: -70, max: -5 } as const;

/** How loud the bed sits before ducking (−9 dB), and how it ducks under the clips' sound. */
const BED_GAIN = 0.35;
const DUCK = 'threshold=0.015:ratio=8:attack=20:release=400';

export interface SoundFinish {
  /** Target integrated loudness in LUFS; null/undefined = left as it is. */
  loudness?: number | null;
  /** An audio file (absolute path) laid under the whole film; null/undefined = none. */
  music?: string | null;
}

/** loudnorm's first-pass figures, as it prints them. */
export interface LoudnessMeasure {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** How the film's raw sound is made from inputs numbered from `at`: the graph parts and the label it ends on. */
export interface SoundSource {
  inputs: FfmpegInput[];
  graph(at: number): { parts: string[]; out: string };
}

/** What a final job adds to finish the sound: its inputs (the bed) and the graph from the raw sound's label. */
export interface Finisher {
  inputs: FfmpegInput[];
  graph(inLabel: string, at: number): { parts: string[]; out: string };
  /** One line for the plan: what was done to the sound. */
  summary: string;
}

export const wantsFinish = (o: SoundFinish | undefined): boolean => o?.loudness != null || !!o?.music;

const label = (l: string): string => (l.startsWith('[') ? l : `[${l}]`);

/** The music bed's input: looped for ever (the graph cuts it), picture ignored. */
const musicInput = (file: string): FfmpegInput => ({ path: file, options: ['-stream_loop', '-1', '-vn'] });

/**
 * Graph parts from the raw sound at `inLabel` (and the bed at input `musicAt`) to the finished sound,
 * exactly `samples` long. `loudnorm` is the filter's own options: the first pass's print or the second's gain.
 */
export function finishGraph(inLabel: string, musicAt: number | null, samples: number, loudnorm: string | null, id = 'f'): { parts: string[]; out: string } {
  const parts: string[] = [];
  let a = label(inLabel);
  if (musicAt !== null) {
    const seconds = samples / AUDIO_RATE;
    const fade = Math.min(2, seconds / 4);
    parts.push(
      `[${musicAt}:a:0]aresample=${AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo,atrim=end_sample=${samples},asetpts=PTS-STARTPTS,` +
        `volume=${BED_GAIN},afade=t=in:d=${fade.toFixed(3)},afade=t=out:st=${(seconds - fade).toFixed(3)}:d=${fade.toFixed(3)}[${id}bed]`,
      `${a}aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo,asplit=2[${id}own][${id}key]`,
      `[${id}bed][${id}key]sidechaincompress=${DUCK}[${id}duck]`,
      `[${id}own][${id}duck]amix=inputs=2:duration=first:normalize=0[${id}mix]`,
    );
    a = `[${id}mix]`;
  }
  // The concat demuxer's stems come without a channel layout, which the filters after loudnorm need.
  const format = `aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo`;
  const norm = loudnorm ? `${format},loudnorm=${loudnorm},aresample=${AUDIO_RATE},` : '';
  parts.push(`${a}${norm}${format},apad,atrim=end_sample=${samples}[${id}out]`);
  return { parts, out: `${id}out` };
}

/** loudnorm's target options; the LRA target is raised to the measured one so the gain stays linear. */
function targetOptions(lufs: number, lra = 7): string {
  return `I=${lufs}:TP=${TRUE_PEAK}:LRA=${Math.min(50, Math.max(7, Math.ceil(lra)))}`;
}

/** Reads the JSON block loudnorm prints at the end of a first pass. */
export function parseLoudnorm(lines: readonly string[]): LoudnessMeasure {
  const text = lines.join('\n');
  const start = text.lastIndexOf('{');
  const end = text.indexOf('}', start);
  if (start < 0 || end < 0) throw new Error('loudnorm printed no measurement');
  const data = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  const keys = ['input_i', 'input_tp', 'input_lra', 'input_thresh', 'target_offset'] as const;
  // Silence measures "-inf": kept as text, and read as "nothing to normalise" by the caller.
  for (const k of keys) if (typeof data[k] !== 'string') throw new Error(`loudnorm's ${k} is ${String(data[k])}`);
  return Object.fromEntries(keys.map((k) => [k, data[k] as string])) as unknown as LoudnessMeasure;
}

/** The second pass's options: the measured values, one linear gain. */
export function secondPass(lufs: number, m: LoudnessMeasure): string {
  return `${targetOptions(lufs, Number(m.input_lra))}:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true:print_format=summary`;
}

/** The first pass: the finished mix (bed included) made and measured, nothing written. */
export function measureJob(source: SoundSource, finish: SoundFinish, samples: number): FfmpegJob {
  const raw = source.graph(0);
  const musicAt = finish.music ? source.inputs.length : null;
  const tail = finishGraph(raw.out, musicAt, samples, `${targetOptions(finish.loudness!)}:print_format=json`);
  return {
    inputs: [...source.inputs, ...(finish.music ? [musicInput(finish.music)] : [])],
    filterComplex: [...raw.parts, ...tail.parts].join(';'),
    outputOptions: ['-map', `[${tail.out}]`, '-f', 'null'],
    output: '-',
    totalSeconds: samples / AUDIO_RATE,
  };
}

/** Checks the bed is a file with sound in it; the message names it. */
export async function checkMusic(ff: Ffmpeg, file: string, signal?: AbortSignal): Promise<void> {
  const info = await ff.probe(file, signal ? { signal } : {}).catch((err: unknown) => {
    if (err instanceof AppError && (err.code === 'Aborted' || err.code === 'FfmpegMissing')) throw err;
    return null;
  });
  const name = file.split(/[\\/]/).pop() ?? file;
  if (!info) throw new AppError('InvalidInput', `The music bed (${name}) is not a sound file Storyreel can read. Choose another file.`, { detail: file });
  if (!info.audio) throw new AppError('InvalidInput', `The music bed (${name}) has no sound in it. Choose an audio file.`, { detail: file });
  if (!(info.durationSeconds > 0.1)) throw new AppError('InvalidInput', `The music bed (${name}) is too short to play. Choose a longer file.`, { detail: file });
}

/**
 * Measures (when a loudness target is set) and returns how a final job finishes the sound, or null when
 * nothing is asked. `source` is how that job's own raw sound is made, for the first pass to hear the same.
 */
export async function prepareFinish(ff: Ffmpeg, source: SoundSource, finish: SoundFinish | undefined, samples: number, run: RunOptions): Promise<Finisher | null> {
  if (!finish || !wantsFinish(finish)) return null;
  let gain: string | null = null;
  const said: string[] = [];
  if (finish.music) said.push('music bed laid under the film, ducked under the clips’ sound');
  if (finish.loudness != null) {
    const lines: string[] = [];
    await ff.run(measureJob(source, finish, samples), { ...run, onLine: (l) => lines.push(l) });
    let m: LoudnessMeasure;
    try {
      m = parseLoudnorm(lines.slice(-40));
    } catch (err) {
      throw new AppError('FfmpegFailed', 'Storyreel could not measure the film’s loudness.', { detail: `${err instanceof Error ? err.message : String(err)}\n${lines.slice(-20).join('\n')}`, cause: err });
    }
    // Silence measures −inf/−70: there is nothing to make louder, so the sound is left as it is.
    if (Number.isFinite(Number(m.input_i)) && Number(m.input_i) > -70 && Number.isFinite(Number(m.input_tp))) {
      gain = secondPass(finish.loudness, m);
      said.push(`loudness ${Number(m.input_i).toFixed(1)} LUFS measured, brought to ${finish.loudness} LUFS (true peak ${TRUE_PEAK} dBTP)`);
    } else said.push('loudness not changed: the film is silent');
  }
  const music = finish.music;
  return {
    inputs: music ? [musicInput(music)] : [],
    graph: (inLabel, at) => finishGraph(inLabel, music ? at : null, samples, gain),
    summary: said.join('; '),
  };
}
