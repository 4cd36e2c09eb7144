// What makes one Preview take look different from another: a palette and a camera move drawn from a seed,
// like a model's seed. Pure (no ffmpeg), so the same seed always gives the same look and the same bytes.

/** mulberry32: a small seeded generator; the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 31-bit number for a text (a job id), used as the seed when the creator gave none. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
  return (h >>> 0) % 2147483647;
}

export interface AnimaticLook {
  /** Base hue in degrees; the palette is three colours around it. */
  hue: number;
  /** Where the camera pans: unit direction, and how far (a fraction of the spare border). */
  pan: { dx: number; dy: number };
  /** The moving subject (a soft disc): start and end centre as fractions of the frame, and its radius as a fraction of the height. */
  subject: { x0: number; y0: number; x1: number; y1: number; radius: number; hueOffset: number };
  /** Gentle bob of the subject (cycles over the clip). */
  wobble: number;
}

/** What a remix changes: exactly one attribute of its source's look, so the two takes stay visibly related. */
export type RemixShift = 'palette' | 'motion';

export function lookOf(seed: number): AnimaticLook {
  const r = seededRandom(seed);
  const hue = Math.floor(r() * 360);
  const angle = r() * 2 * Math.PI;
  const x0 = 0.15 + r() * 0.3;
  const y0 = 0.35 + r() * 0.35;
  return {
    hue,
    pan: { dx: round(Math.cos(angle)), dy: round(Math.sin(angle)) },
    subject: { x0: round(x0), y0: round(y0), x1: round(0.55 + r() * 0.3), y1: round(0.3 + r() * 0.4), radius: round(0.14 + r() * 0.1), hueOffset: 150 + Math.floor(r() * 60) },
    wobble: round(1 + r() * 2),
  };
}

/** The source's look with one attribute moved: its palette turned a third of the way round, or its motion reversed. */
export function remixLook(look: AnimaticLook, shift: RemixShift): AnimaticLook {
  if (shift === 'palette') return { ...look, hue: (look.hue + 120) % 360 };
  const s = look.subject;
  return { ...look, pan: { dx: -look.pan.dx, dy: -look.pan.dy }, subject: { ...s, x0: s.x1, y0: s.y1, x1: s.x0, y1: s.y0 } };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** "0xRRGGBB" for a hue, saturation and lightness (0..1). */
export function hslHex(h: number, s: number, l: number): string {
  const k = (n: number): number => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (x: number): string => Math.round(x * 255).toString(16).padStart(2, '0');
  return `0x${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}

/** The three gradient colours and the subject's colour of a look. */
export function paletteOf(look: AnimaticLook): { stops: [string, string, string]; subject: string } {
  return {
    stops: [hslHex(look.hue, 0.55, 0.16), hslHex((look.hue + 40) % 360, 0.5, 0.3), hslHex((look.hue + 80) % 360, 0.6, 0.5)],
    subject: hslHex((look.hue + look.subject.hueOffset) % 360, 0.75, 0.68),
  };
}

/**
 * The title drawn on a take: the first words of the prompt, never the scene's number (which changes when
 * scenes move: a reordered scene would carry its old number into the export).
 */
export function promptExcerpt(prompt: string, maxChars = 42): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  if (!flat) return 'Untitled shot';
  const sentence = /^(.+?[.!?。！？])(\s|$)/u.exec(flat)?.[1] ?? flat;
  const chars = [...sentence];
  if (chars.length <= maxChars) return sentence;
  const cut = chars.slice(0, maxChars).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/u, '')}…`;
}

/** "Take 3 · seed 41237", "Take 4 · remix of take 2 · seed 41237". */
export function takeLabel(o: { takeNumber: number | null; seed: number; derived?: { kind: 'extend' | 'remix'; takeNumber: number | null } | null }): string {
  const take = o.takeNumber === null ? 'Take' : `Take ${o.takeNumber}`;
  const from = o.derived ? ` · ${o.derived.kind === 'remix' ? 'remix of' : 'extends'} ${o.derived.takeNumber === null ? 'a take' : `take ${o.derived.takeNumber}`}` : '';
  return `${take}${from} · seed ${o.seed}`;
}
