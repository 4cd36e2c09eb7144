// The prompt linter: what makes a paid generation likely to miss, found as the creator types, each with a
// fix they can act on. Pure and cheap (word lists and regexes; runs on every keystroke). It advises only:
// nothing here stops a generation — the hard limits (the model's length) are checked by capabilities.ts too.
// The lists are small and curated; they catch the common cases the seed documents warn about (vague
// adjectives, crowded shots, camera moves without direction, real people and well-known characters that
// the providers' moderation blocks), not every case.

export type LintCode = 'vague' | 'contradiction' | 'crowded' | 'motion' | 'no-camera' | 'no-lighting' | 'too-long' | 'blocked';

export interface LintWarning {
  code: LintCode;
  /** 'error': the provider will refuse it; 'warn': likely to waste a take; 'tip': the prompt could say more. */
  level: 'error' | 'warn' | 'tip';
  /** What was found, in words. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** The words in the prompt the warning is about, as written. */
  words?: string[];
}

export interface LintOptions {
  /** The prompt as it will be sent (scene prompt + bible + style); defaults to the prompt. */
  sent?: string;
  /** The model's limit on `sent`, in characters. */
  maxChars?: number;
  modelLabel?: string;
}

const words = (list: string): string[] => list.split('|');
/** A case-insensitive whole-word (or whole-phrase) pattern for a list of words. */
const anyOf = (list: string[], flags = 'i'): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])(?:${list.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s-]+')).join('|')})(?![\\p{L}\\p{N}])`, `${flags}u`);
/** Each distinct match, as written (first spelling wins). */
const found = (re: RegExp, text: string): string[] => {
  const seen = new Map<string, string>();
  for (const m of text.matchAll(new RegExp(re.source, `${re.flags}g`))) if (!seen.has(m[0].toLowerCase())) seen.set(m[0].toLowerCase(), m[0]);
  return [...seen.values()];
};

/** Words that say the creator liked it, not what the camera sees; each with concrete alternatives. */
const VAGUE: Record<string, string> = {
  beautiful: 'name what makes it so: golden-hour backlight, symmetrical framing, dew on the petals',
  nice: 'say what is nice: warm tungsten light, a gentle smile, a clean composition',
  amazing: 'describe the spectacle: a 50-metre wave, fireworks over the bay',
  awesome: 'describe what the viewer sees: a low-angle shot of the rocket lifting off',
  stunning: 'name the light, colour or scale: teal-and-orange grade, vast canyon at dawn',
  gorgeous: 'name the detail: silk dress catching the wind, rim light on her hair',
  good: 'say what good looks like: sharp focus, steady camera, soft daylight',
  great: 'say how: a crowd of 200, a towering cliff, a long steady take',
  cool: 'name the look: neon reflections on wet asphalt, blue moonlight',
  pretty: 'name the detail: pastel colours, soft diffused window light',
  epic: 'give scale and motion: sweeping aerial crane shot over a marching army',
  interesting: 'say what happens: the cat knocks the cup off the table',
  lovely: 'name the detail: warm afternoon light through lace curtains',
  incredible: 'describe what is seen: a whale breaching beside the boat',
  things: 'name the objects: three brass lanterns, a stack of letters',
  stuff: 'name the objects: scattered maps, a compass, a half-eaten apple',
  'a lot of': 'give a number or a density: a dozen, a crowd of about fifty',
};
const VAGUE_RE = anyOf(Object.keys(VAGUE));

/** Pairs that cannot both hold in one shot. */
const CONTRADICTIONS: Array<{ a: string[]; b: string[]; fix: string }> = [
  {
    a: words('sunny|sunlit|midday|noon|broad daylight|daylight|blue sky|bright sun|afternoon sun'),
    b: words('starry night|starry sky|night sky|midnight|moonlit|moonlight|at night|nighttime|night-time'),
    fix: 'pick one time of day; for a change from day to night, make it two scenes or say "time-lapse from afternoon to night"',
  },
  {
    a: words('sunny|clear sky|cloudless|bright sun|dry'),
    b: words('rain|raining|rainy|downpour|storm|stormy|snowing|snowfall|blizzard'),
    fix: 'pick one weather, or say the change ("clouds roll in and rain starts")',
  },
  {
    a: words('static shot|static camera|locked-off|locked off|tripod|still camera|fixed camera'),
    b: words('pan|pans|panning|dolly|tracking shot|tracks|handheld|hand-held|orbit|orbits|crane shot|zooms|zoom in|zoom out|whip pan'),
    fix: 'a locked-off camera does not move; keep the static shot or the camera move, not both',
  },
  {
    a: words('slow motion|slow-motion|slow-mo'),
    b: words('time-lapse|timelapse|time lapse|sped up|fast motion|fast-forward'),
    fix: 'slow motion and time-lapse pull time opposite ways; choose one',
  },
  {
    a: words('black and white|black-and-white|monochrome|greyscale|grayscale'),
    b: words('vibrant colors|vibrant colours|colorful|colourful|saturated colors|saturated colours|neon colors|rainbow'),
    fix: 'choose black and white or colour; for a colour accent say "black and white except the red coat"',
  },
];

const CONTRADICTION_RES = CONTRADICTIONS.map((c) => ({ a: anyOf(c.a), b: anyOf(c.b), fix: c.fix }));

const CAMERA = words(
  'shot|close-up|closeup|close up|wide|medium|aerial|drone|pan|pans|tilt|tilts|dolly|tracking|tracks|handheld|hand-held|static|angle|lens|pov|over-the-shoulder|framing|framed|camera|zoom|crane|establishing|macro|steadicam|gimbal|35mm|50mm|85mm|24mm|focus|bokeh|low-angle|high-angle|bird\'s-eye|top-down|push in|pull back|orbit',
);
const CAMERA_RE = new RegExp(`${anyOf(CAMERA).source}|镜头|特写|航拍|推进|拉远|俯瞰`, 'iu');
const LIGHT = words(
  'light|lights|lit|lighting|sun|sunlight|sunlit|sunny|sunset|sunrise|golden hour|blue hour|dusk|dawn|twilight|night|neon|lamp|lamps|lantern|candle|candlelight|shadow|shadows|backlit|backlight|silhouette|glow|glowing|overcast|moon|moonlight|moonlit|daylight|tungsten|fluorescent|spotlight|rim light|high-key|low-key|chiaroscuro|noon|midday|morning|evening|firelight|flames',
);
const LIGHT_RE = new RegExp(`${anyOf(LIGHT).source}|光|晨|夜|日出|日落|朝阳|灯`, 'iu');

/** Camera and subject moves that need a direction or a speed to come out as meant. */
const MOTION_RE = anyOf(words('pan|pans|panning|tilt|tilts|tilting|dolly|dollies|zoom|zooms|zooming|tracking|tracks|orbit|orbits|orbiting|crane|truck|trucks|moves|moving|camera moves|push|pushes|pull|pulls|arc|arcs|drifts|glides|sweeps'));
const DIRECTION_RE = anyOf(
  words(
    'left|right|up|down|in|out|toward|towards|away|forward|forwards|backward|backwards|back|clockwise|counterclockwise|counter-clockwise|around|across|past|into|over|under|upward|downward|north|south|east|west|ahead|behind|along|closer|from|through|overhead|above|below|360',
  ),
);
const SPEED_RE = anyOf(words('slow|slowly|fast|quick|quickly|rapid|rapidly|gentle|gently|steady|steadily|gradual|gradually|sudden|suddenly|smooth|smoothly|brisk|leisurely|creeping|whip|snap|crawl|crawls|speeding|sluggish'));

/** Sequencing words: each one usually starts another action. */
const SEQUENCE_RE = anyOf(words('then|and then|after that|afterwards|next|finally|later|meanwhile|before|while|suddenly|eventually'));
/** People and animals (and @-named bible entries) that count as subjects. */
const SUBJECT_RE = anyOf(
  words(
    'man|woman|men|women|boy|girl|child|children|kid|kids|baby|girl|old man|old woman|teenager|soldier|soldiers|dancer|dancers|chef|driver|doctor|nurse|farmer|fisherman|king|queen|knight|robot|dog|dogs|cat|cats|horse|horses|bird|birds|dragon|crowd|family|couple|friends|detective|astronaut|pilot|musician|singer|monk|priest|teacher|student|students|police|officer|waiter|worker|workers|villager|villagers|warrior|wizard|witch|alien|aliens|fox|wolf|bear|elephant|lion|tiger|owl|whale|dolphin|shark|mother|father|grandmother|grandfather|brother|sister|son|daughter',
  ),
);
const MENTION_RE = /@[\p{L}\p{N}_-]+/gu;

/**
 * Real people and well-known copyrighted characters: the providers' moderation blocks prompts naming them
 * (seed 002: "对于一些真人形象…以及一些已有版权的内容字眼提交请求时会直接拦截"). Each with an original
 * description to use instead.
 */
const REAL_PEOPLE: Record<string, string> = {
  'taylor swift': 'a blonde pop singer in a sequined bodysuit on a stadium stage',
  'elon musk': 'a tech founder in a black T-shirt in a rocket factory',
  'donald trump': 'a politician in a navy suit and red tie at a podium',
  'joe biden': 'an elderly statesman in aviator sunglasses',
  'barack obama': 'a tall statesman in a grey suit giving a speech',
  'tom cruise': 'an action hero in a leather jacket on a motorbike',
  'keanu reeves': 'a long-haired man in a black suit',
  'scarlett johansson': 'a red-haired agent in a black tactical suit',
  beyoncé: 'a pop diva in a gold gown under stage lights',
  beyonce: 'a pop diva in a gold gown under stage lights',
  'michael jackson': 'a dancer in a sequined glove and fedora',
  'xi jinping': 'a head of state in a dark suit',
  'vladimir putin': 'a head of state in a dark suit',
  'leonardo dicaprio': 'a charming man in a 1920s tuxedo',
  'brad pitt': 'a rugged blond man in a denim jacket',
  'kim kardashian': 'a glamorous woman in a fitted cream dress',
  'cristiano ronaldo': 'a footballer in a white kit scoring a goal',
  'lionel messi': 'a small, quick footballer in a striped kit',
  'marilyn monroe': 'a 1950s starlet with platinum curls in a white dress',
  'albert einstein': 'an elderly physicist with wild white hair at a chalkboard',
};
const CHARACTERS: Record<string, string> = {
  'mickey mouse': 'a cheerful cartoon mouse in red shorts',
  'spider-man': 'a masked acrobat in a red-and-blue suit',
  spiderman: 'a masked acrobat in a red-and-blue suit',
  batman: 'a caped vigilante in dark armour',
  superman: 'a flying hero in a blue suit and red cape',
  'darth vader': 'a towering armoured villain in a black helmet',
  'harry potter': 'a young wizard with round glasses and a scarf',
  pikachu: 'a small yellow electric creature with long ears',
  'super mario': 'a moustached plumber in red overalls',
  'princess elsa': 'an ice queen in a pale blue gown',
  shrek: 'a green ogre in a swamp',
  'iron man': 'a hero in red-and-gold powered armour',
  yoda: 'a tiny, wrinkled green sage with a cane',
  'homer simpson': 'a bald cartoon dad in a white shirt',
  spongebob: 'a cheerful yellow sea sponge',
  'hello kitty': 'a small white cartoon cat with a bow',
  'sonic the hedgehog': 'a fast blue cartoon hedgehog',
  'buzz lightyear': 'a toy space ranger in a white suit',
  'optimus prime': 'a giant truck-robot',
  'james bond': 'a suave secret agent in a tuxedo',
  'studio ghibli': 'hand-painted watercolour backgrounds, soft pastel anime',
  pixar: 'a polished 3D animated family film look',
  disney: 'a classic hand-drawn animated fairy-tale look',
};
const PEOPLE_RE = anyOf(Object.keys(REAL_PEOPLE));
const CHARACTER_RE = anyOf(Object.keys(CHARACTERS));

const sentences = (text: string): string[] => text.split(/(?<=[.!?。！？;；])\s*|\n+/).filter((s) => s.trim());
const quote = (xs: string[]): string => xs.map((x) => `“${x}”`).join(', ');

export function lintPrompt(prompt: string, opts: LintOptions = {}): LintWarning[] {
  const out: LintWarning[] = [];
  const text = prompt.trim();
  const sent = opts.sent ?? text;
  if (opts.maxChars !== undefined && sent.length > opts.maxChars) {
    const over = sent.length - opts.maxChars;
    out.push({
      code: 'too-long',
      level: 'error',
      message: `The prompt as sent is ${sent.length.toLocaleString('en-US')} characters; ${opts.modelLabel ?? 'the model'} takes at most ${opts.maxChars.toLocaleString('en-US')}.`,
      fix: `Cut ${over.toLocaleString('en-US')} characters: drop repeated adjectives, or move long descriptions into the project bible so they are written once.`,
    });
  }
  if (!text) return out;

  const people = found(PEOPLE_RE, text);
  const characters = found(CHARACTER_RE, text);
  for (const name of [...people, ...characters]) {
    const key = name.toLowerCase().replace(/\s+/g, ' ');
    const isPerson = REAL_PEOPLE[key] !== undefined;
    const instead = (isPerson ? REAL_PEOPLE : CHARACTERS)[key] ?? '';
    out.push({
      code: 'blocked',
      level: 'warn',
      message: isPerson ? `“${name}” is a real person; providers block prompts that name real people.` : `“${name}” is a copyrighted character or studio; providers often block prompts that name one.`,
      fix: `Describe an original instead${instead ? `, e.g. “${instead}”` : ''}.`,
      words: [name],
    });
  }

  const vague = found(VAGUE_RE, text);
  for (const w of vague.slice(0, 4)) {
    out.push({ code: 'vague', level: 'warn', message: `“${w}” tells the model you like it, not what it looks like.`, fix: `Replace it with what the camera sees — ${VAGUE[w.toLowerCase().replace(/\s+/g, ' ')] ?? 'the light, the colour, the detail'}.`, words: [w] });
  }

  for (const c of CONTRADICTION_RES) {
    const a = found(c.a, text);
    const b = found(c.b, text);
    if (a.length && b.length) out.push({ code: 'contradiction', level: 'warn', message: `${quote(a)} and ${quote(b)} contradict each other in one shot.`, fix: `${c.fix[0]!.toUpperCase()}${c.fix.slice(1)}.`, words: [...a, ...b] });
  }

  const subjects = new Set([...found(SUBJECT_RE, text).map((s) => s.toLowerCase()), ...(text.match(MENTION_RE) ?? [])]);
  const steps = [...text.matchAll(new RegExp(SEQUENCE_RE.source, 'giu'))].length;
  if (subjects.size >= 4) {
    out.push({ code: 'crowded', level: 'warn', message: `${subjects.size} subjects (${[...subjects].slice(0, 5).join(', ')}) in one shot: models lose track of who does what.`, fix: 'Keep one or two subjects in focus; put the others in the background or in their own scene.', words: [...subjects] });
  }
  if (steps >= 3) {
    out.push({ code: 'crowded', level: 'warn', message: `About ${steps + 1} actions one after another in one shot; a 4–12 s clip holds one or two.`, fix: 'Split it: one action per scene (Import shot list… or Add scene), and keep the camera move simple.', words: found(SEQUENCE_RE, text) });
  }

  for (const s of sentences(text)) {
    const moves = found(MOTION_RE, s);
    if (moves.length && !DIRECTION_RE.test(s) && !SPEED_RE.test(s)) {
      out.push({ code: 'motion', level: 'warn', message: `${quote(moves)} without a direction or speed: the model will guess.`, fix: 'Say which way and how fast, e.g. “slow pan left to right”, “fast dolly in” or “tilts up slowly”.', words: moves });
    }
  }

  // Tips only once there is a prompt worth judging (a few words), so an empty field is not nagged.
  if (text.split(/\s+/).length >= 4 || /[\u3000-\u9fff]{8}/u.test(text)) {
    if (!CAMERA_RE.test(sent)) out.push({ code: 'no-camera', level: 'tip', message: 'No camera: the model picks the shot size and move for you.', fix: 'Add the shot and the move, e.g. “medium close-up, slow dolly in”.' });
    if (!LIGHT_RE.test(sent)) out.push({ code: 'no-lighting', level: 'tip', message: 'No lighting or time of day.', fix: 'Add the light, e.g. “soft overcast daylight” or “warm tungsten lamps at night”.' });
  }
  return out;
}
