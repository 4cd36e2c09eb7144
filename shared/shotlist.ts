// Shot lists in: plain text or Markdown as creators write them → one scene per shot. Pure (the window
// previews the same result the CLI and main import).
//
// What counts as a shot, first match wins:
//  1. The shot-sequence format creators paste into these models (the seed documents): numbered bold titles
//     (`**1. Opening: sunrise**`) each followed by `镜头`/`Shot:` lines. Copy-paste often loses the line
//     breaks, so titles are found anywhere in a line, not only at its start.
//  2. Top-level numbered items (`1.`, `2)`): headings around them are only act titles.
//  3. Headings (`#`, `##`…): the heading and the text under it.
//  4. Top-level bullets (`-`, `*`), when there are two or more.
//  5. Paragraphs (blank lines between).
// A shot's sub-bullets and following lines (camera, lighting) stay in its prompt. `[8s]`, `(8 s)`, `[8 sec]`
// or `[8秒]` set its length and are taken out of the prompt.
import { snapDuration, type ModelProfile } from './capabilities.ts';
import { MAX_PROMPT_CHARS } from './project.ts';

export interface ShotListShot {
  /** The bold title or heading, when the shot had one. */
  title: string | null;
  prompt: string;
  /** The length written in the list, or null. */
  seconds: number | null;
}

export interface ParsedShotList {
  shots: ShotListShot[];
  /** Style words found before the first shot (`【核心风格】…`, `Style: …`), or null. */
  style: string | null;
  /** How the text was read, for the preview ("7 numbered shots (shot-sequence format)"). */
  format: 'shot-sequence' | 'numbered' | 'headings' | 'bullets' | 'paragraphs' | 'empty';
}

const DURATION = /[[(（【]\s*(\d{1,3})(?:\.\d+)?\s*(?:s|sec|secs|seconds?|秒)\s*[\])）】]/i;
const NUMBERED = /^(\d{1,3})[.)、]\s+(.*)$/;
const BULLET = /^[-*+•]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
/** `**1. Title**` (or `**1、Title**`) anywhere in a line. */
const BOLD_TITLE = /\*\*\s*(\d{1,3})\s*[.、)]\s*([^*]+?)\s*\*\*/g;
/** A `**【Section】**` header or a `---` rule ends the shot sequence (keywords, music notes follow). */
const SECTION_END = /\*\*\s*【[^】]*】\s*\*\*|^\s*-{3,}\s*$|-{3,}(?=\s*\*\*)/m;
/** Style lines before the first shot. */
const STYLE_LINE = /(?:\*\*)?\s*(?:【\s*(?:核心风格|风格)\s*】|style\s*:)\s*(?:\*\*)?\s*:?\s*(.+?)(?=\*\*【|\*\*\s*\d|$)/im;

/** Markdown emphasis and label decoration off, so the prompt reads as a sentence. */
function clean(text: string): string {
  return text
    .replace(/\*\*|__/g, '')
    .replace(/`/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Takes a `[8s]`-style length out of the text. */
function takeDuration(text: string): { text: string; seconds: number | null } {
  const m = DURATION.exec(text);
  if (!m) return { text, seconds: null };
  return { text: (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s{2,}/g, ' ').trim(), seconds: Number(m[1]) };
}

/** Lines of a shot joined into one prompt: each line a sentence, sub-bullet markers removed. */
function joinLines(lines: string[]): string {
  const parts = lines
    .map((l) => clean(l.replace(/^\s*(?:[-*+•]|\d{1,3}[.)、])\s+/, '')))
    .filter(Boolean)
    .map((l) => (/[.!?。！？:：;；,，]$/.test(l) ? l : `${l}.`));
  return parts.join(' ').trim();
}

function shot(title: string | null, bodyLines: string[]): ShotListShot {
  const titleD = takeDuration(title ?? '');
  let seconds = titleD.seconds;
  const body = joinLines(
    bodyLines.map((l) => {
      const d = takeDuration(l);
      seconds ??= d.seconds;
      return d.text;
    }),
  );
  const cleanTitle = titleD.text ? clean(titleD.text).replace(/[.。:：]$/, '') : null;
  // A title in Chinese or Japanese ends with their full stop, so the prompt reads as one language.
  const stop = cleanTitle && /[\u3000-\u9fff]/.test(cleanTitle) ? '。' : '.';
  const prompt = [cleanTitle ? `${cleanTitle}${stop}` : '', body].filter(Boolean).join(stop === '.' ? ' ' : '').trim();
  return { title: cleanTitle, prompt: prompt.slice(0, MAX_PROMPT_CHARS), seconds };
}

function styleOf(preamble: string): string | null {
  const m = STYLE_LINE.exec(preamble);
  const words = m?.[1] ? clean(m[1]).replace(/[。.]$/, '') : '';
  return words || null;
}

/** The seed documents' format: numbered bold titles followed by `* **镜头**:` / `Shot:` lines. */
function shotSequence(text: string): ParsedShotList | null {
  const titles = [...text.matchAll(BOLD_TITLE)];
  if (titles.length < 2) return null;
  const end = SECTION_END.exec(text.slice(titles.at(-1)!.index));
  const stop = end ? titles.at(-1)!.index + end.index : text.length;
  const shots = titles.map((t, i) => {
    const from = t.index + t[0].length;
    const to = i + 1 < titles.length ? titles[i + 1]!.index : stop;
    const body = text
      .slice(from, to)
      .split('\n')
      // The `镜头` / `Shot` label says what the line is; the model needs only what follows it.
      .map((l) => l.replace(/^\s*[-*•]?\s*\**\s*(?:镜头|shot|camera)\s*\**\s*[:：]\s*\**\s*/i, ''));
    return shot(t[2]!, body);
  });
  return { shots, style: styleOf(text.slice(0, titles[0]!.index)), format: 'shot-sequence' };
}

interface Line {
  raw: string;
  indent: number;
  kind: 'blank' | 'heading' | 'numbered' | 'bullet' | 'text';
  text: string;
}

function lex(text: string): Line[] {
  return text.split('\n').map((raw) => {
    const indent = raw.length - raw.trimStart().length;
    const t = raw.trim();
    if (!t) return { raw, indent, kind: 'blank', text: '' };
    const h = HEADING.exec(t);
    if (h) return { raw, indent, kind: 'heading', text: h[2]! };
    const n = NUMBERED.exec(t);
    if (n) return { raw, indent, kind: 'numbered', text: n[2]! };
    const b = BULLET.exec(t);
    if (b) return { raw, indent, kind: 'bullet', text: b[1]! };
    return { raw, indent, kind: 'text', text: t };
  });
}

/** Splits at every line `starts` says begins a shot; what comes before the first is the preamble. */
function splitAt(lines: Line[], starts: (l: Line) => boolean, titled: boolean): { shots: ShotListShot[]; preamble: string } {
  const shots: ShotListShot[] = [];
  const pre: string[] = [];
  let current: { title: string | null; body: string[] } | null = null;
  const close = () => {
    if (current) {
      const s = shot(current.title, current.body);
      if (s.prompt) shots.push(s);
    }
  };
  for (const l of lines) {
    if (starts(l)) {
      close();
      current = titled ? { title: l.text, body: [] } : { title: null, body: [l.text] };
    } else if (current) {
      // A heading that does not start a shot (an act title) belongs to no shot.
      if (l.kind !== 'heading') current.body.push(l.raw);
    } else pre.push(l.raw);
  }
  close();
  return { shots, preamble: pre.join('\n') };
}

export function parseShotList(input: string): ParsedShotList {
  const text = input.replace(/\r\n?/g, '\n');
  if (!text.trim()) return { shots: [], style: null, format: 'empty' };
  const seq = shotSequence(text);
  if (seq) return seq;
  const lines = lex(text);
  const top = (kind: Line['kind']) => (l: Line) => l.kind === kind && l.indent < 2;
  let split: { shots: ShotListShot[]; preamble: string };
  let format: ParsedShotList['format'];
  if (lines.some(top('numbered'))) {
    split = splitAt(lines, top('numbered'), false);
    format = 'numbered';
  } else if (lines.some((l) => l.kind === 'heading')) {
    split = splitAt(lines, (l) => l.kind === 'heading', true);
    format = 'headings';
  } else if (lines.filter(top('bullet')).length >= 2) {
    split = splitAt(lines, top('bullet'), false);
    format = 'bullets';
  } else {
    // Paragraphs: a blank line ends a shot.
    const shots: ShotListShot[] = [];
    let para: string[] = [];
    for (const l of [...lines, { raw: '', indent: 0, kind: 'blank' as const, text: '' }]) {
      if (l.kind !== 'blank') para.push(l.raw);
      else if (para.length) {
        const s = shot(null, para);
        if (s.prompt) shots.push(s);
        para = [];
      }
    }
    // A first paragraph that is only a style line is the style, not a shot.
    const style = shots.length > 1 && /^style\s*:/i.test(shots[0]!.prompt) ? styleOf(shots.shift()!.prompt) : null;
    return { shots, style, format: 'paragraphs' };
  }
  return { shots: split.shots, style: styleOf(split.preamble), format };
}

export interface FittedScene {
  prompt: string;
  seconds: number;
}

/**
 * The shots as scenes for a model: each length snapped to one the model makes (the nearest, ties to the
 * longer), a shot without one gets `fallbackSeconds` (snapped too). Every change is said in `notes`.
 */
export function fitShots(shots: readonly ShotListShot[], model: Pick<ModelProfile, 'id' | 'durations'> | undefined, fallbackSeconds = 4): { scenes: FittedScene[]; notes: string[] } {
  const notes: string[] = [];
  const durations = model?.durations.length ? model.durations : null;
  const snap = (s: number) => (durations ? snapDuration({ durations } as ModelProfile, s) : s);
  const allowed = durations ? (durations.length > 12 ? `${durations[0]}–${durations.at(-1)} s` : `${durations.join(', ')} s`) : '';
  const scenes = shots.map((s, i) => {
    const wanted = s.seconds ?? fallbackSeconds;
    const seconds = Math.min(120, Math.max(1, snap(wanted)));
    if (s.seconds !== null && seconds !== s.seconds) notes.push(`Shot ${i + 1} asked for ${s.seconds} s; ${model?.id ?? 'the model'} makes ${allowed}, so it is ${seconds} s.`);
    if (s.prompt.length >= MAX_PROMPT_CHARS) notes.push(`Shot ${i + 1}'s text was cut to ${MAX_PROMPT_CHARS.toLocaleString('en-US')} characters.`);
    return { prompt: s.prompt, seconds };
  });
  return { scenes, notes };
}

/** A one-line summary for the preview and the CLI ("7 shots, read as a numbered shot sequence"). */
export function describeShotList(parsed: ParsedShotList): string {
  const n = parsed.shots.length;
  const how: Record<ParsedShotList['format'], string> = {
    'shot-sequence': 'a shot sequence (numbered bold titles)',
    numbered: 'a numbered list',
    headings: 'headings',
    bullets: 'a bulleted list',
    paragraphs: 'paragraphs',
    empty: 'nothing',
  };
  return `${n} shot${n === 1 ? '' : 's'}, read as ${how[parsed.format]}`;
}
