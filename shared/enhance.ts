// Enhance: a chat model rewrites a scene's prompt (any OpenAI-compatible chat-completions endpoint: OpenRouter,
// a LiteLLM proxy, Gemini's OpenAI-compatible endpoint). Pure parts: what is asked, how the answer is read,
// and the word diff the window shows before the creator accepts it.

/** What the chat model is told: rewrite, keep the creator's intent and names, say camera, light, motion. */
export const ENHANCE_SYSTEM_PROMPT = [
  'You rewrite prompts for an AI video model. Keep the creator\'s subject, story, names and language.',
  'Make the shot concrete: shot size and camera move with direction and speed, the subject\'s action, the setting, the lighting and time of day, and the style.',
  'One shot only: no cuts, no list of scenes. Replace vague words (beautiful, nice, amazing) with what the camera sees.',
  'Do not name real people or copyrighted characters; describe originals instead.',
  'Answer with the rewritten prompt only: no preface, no quotes, no Markdown.',
].join(' ');

export function enhanceMessages(prompt: string, context: { style?: string; seconds?: number } = {}): Array<{ role: 'system' | 'user'; content: string }> {
  const notes = [context.seconds ? `The shot lasts ${context.seconds} seconds.` : '', context.style?.trim() ? `The project style (added separately, do not repeat it): ${context.style.trim()}` : ''].filter(Boolean);
  return [
    { role: 'system', content: ENHANCE_SYSTEM_PROMPT },
    { role: 'user', content: `${notes.length ? `${notes.join('\n')}\n\n` : ''}Prompt to rewrite:\n${prompt.trim()}` },
  ];
}

/** The rewritten prompt from a chat model's answer: code fences, a "Prompt:" label and wrapping quotes off. */
export function readEnhanced(content: string): string {
  let t = content.trim();
  const fence = /^```[a-z]*\n([\s\S]*?)\n```$/i.exec(t);
  if (fence) t = fence[1]!.trim();
  t = t.replace(/^(?:enhanced |rewritten |improved )?prompt\s*:\s*/i, '');
  if (/^["“'].*["”']$/s.test(t)) t = t.slice(1, -1).trim();
  return t;
}

export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** A word diff (longest common subsequence over words and the spaces between them), for the review. */
export function wordDiff(before: string, after: string): DiffPart[] {
  // Words, the spaces between them and punctuation apart, so "harbour" and "harbour," share the word.
  const a = before.split(/(\s+|[.,;:!?。，、；：！？])/).filter(Boolean);
  const b = after.split(/(\s+|[.,;:!?。，、；：！？])/).filter(Boolean);
  // Prompts are short (a few hundred words); past that the table would be large, so show a replace.
  if (a.length * b.length > 4_000_000) return [...(before ? [{ op: 'del' as const, text: before }] : []), ...(after ? [{ op: 'add' as const, text: after }] : [])];
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    const last = out.at(-1);
    if (last?.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push('del', a[i++]!);
    else push('add', b[j++]!);
  }
  while (i < n) push('del', a[i++]!);
  while (j < m) push('add', b[j++]!);
  return out;
}
