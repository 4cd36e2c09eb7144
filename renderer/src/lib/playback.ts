// Sequence playback without exporting. The film's clock (shared/timeline.ts) says which scene plays at each
// moment and, inside a transition, which two; this module turns a moment into "what each of the two video
// slots shows" (pure, unit-tested) and keeps the playhead (a small store: playing, time, rate).
import { create } from 'zustand';
import type { Transition } from '../../../shared/project.ts';
import type { Timeline } from '../../../shared/timeline.ts';

export interface Shown {
  index: number;
  /** Seconds into the take's file (trim in + time into the scene); null for a scene with no take yet. */
  at: number | null;
  file: string | null;
}

export interface Frame {
  /** The scene playing (the outgoing one inside a transition). */
  main: Shown;
  /** Inside a transition: the incoming scene, how far through it is (0..1) and which effect. */
  incoming: (Shown & { progress: number; transition: Exclude<Transition, 'cut'> }) | null;
}

function shown(timeline: Timeline, index: number, t: number): Shown {
  const s = timeline.scenes[index]!;
  const into = Math.min(Math.max(0, t - s.start), s.length);
  return { index, at: s.take ? s.take.in + into : null, file: s.take?.file ?? null };
}

/** What plays at film time `t` (clamped to the film); null for an empty film. */
export function frameAt(timeline: Timeline, t: number): Frame | null {
  const scenes = timeline.scenes;
  if (!scenes.length) return null;
  const time = Math.min(Math.max(0, t), timeline.total);
  // The last scene that has started: inside an overlap, the outgoing one is the main picture.
  let i = scenes.length - 1;
  for (let k = 0; k < scenes.length; k++) {
    if (time < scenes[k]!.end || k === scenes.length - 1) {
      i = k;
      break;
    }
  }
  const b = timeline.boundaries[i];
  const next = scenes[i + 1];
  if (b && next && b.overlap > 0 && b.transition !== 'cut' && time >= next.start) {
    return { main: shown(timeline, i, time), incoming: { ...shown(timeline, i + 1, time), progress: (time - next.start) / b.overlap, transition: b.transition } };
  }
  return { main: shown(timeline, i, time), incoming: null };
}

/** How each of the two pictures looks at a point of a transition (CSS), from the outgoing one's side. */
export function mixStyle(transition: Exclude<Transition, 'cut'>, p: number): { outgoing: Record<string, string | number>; incoming: Record<string, string | number>; overlay: string | null; volume: [number, number] } {
  const q = Math.min(1, Math.max(0, p));
  const pct = `${(q * 100).toFixed(2)}%`;
  switch (transition.type) {
    case 'fade-black':
    case 'dip-white':
      // Down to a colour for the first half, up from it for the second.
      return {
        outgoing: { opacity: q < 0.5 ? 1 - q * 2 : 0 },
        incoming: { opacity: q < 0.5 ? 0 : (q - 0.5) * 2 },
        overlay: transition.type === 'dip-white' ? '#fff' : '#000',
        volume: [1 - q, q],
      };
    case 'wipe-left':
      return { outgoing: {}, incoming: { clipPath: `inset(0 0 0 ${(100 - q * 100).toFixed(2)}%)` }, overlay: null, volume: [1 - q, q] };
    case 'wipe-right':
      return { outgoing: {}, incoming: { clipPath: `inset(0 ${(100 - q * 100).toFixed(2)}% 0 0)` }, overlay: null, volume: [1 - q, q] };
    case 'slide-left':
      return { outgoing: { transform: `translateX(-${pct})` }, incoming: { transform: `translateX(${((1 - q) * 100).toFixed(2)}%)` }, overlay: null, volume: [1 - q, q] };
    case 'slide-right':
      return { outgoing: { transform: `translateX(${pct})` }, incoming: { transform: `translateX(-${((1 - q) * 100).toFixed(2)}%)` }, overlay: null, volume: [1 - q, q] };
    default:
      return { outgoing: {}, incoming: { opacity: q }, overlay: null, volume: [1 - q, q] };
  }
}

/** J/K/L shuttle: L speeds up forwards (1×, 2×, 4×), J backwards, K stops. */
export function shuttle(rate: number, key: 'j' | 'k' | 'l'): number {
  if (key === 'k') return 0;
  const dir = key === 'l' ? 1 : -1;
  if (Math.sign(rate) !== dir) return dir;
  return Math.max(-4, Math.min(4, rate * 2));
}

interface PlaybackState {
  /** Seconds on the film's clock. */
  time: number;
  /** 0 = paused; 1 = normal; negative = backwards (J). */
  rate: number;
}

export const usePlayback = create<PlaybackState>()(() => ({ time: 0, rate: 0 }));

export const seek = (time: number) => usePlayback.setState({ time: Math.max(0, time) });
export const setRate = (rate: number) => usePlayback.setState({ rate });
export const togglePlay = (total: number) =>
  usePlayback.setState((s) => (s.rate !== 0 ? { rate: 0 } : { rate: 1, time: s.time >= total - 0.05 ? 0 : s.time }));
