// Reading project.json: bytes → checked text → JSON → current format → a validated project, with every
// problem said in words (which scene, which field, what is wrong), all of them at once. Pure (no Node):
// main reads the bytes and decides what to write; this decides what they mean.
import { providerProfile } from './capabilities.ts';
import { AppError } from './errors.ts';
import { invalidUtf8At, lineColumn, locateJsonError } from './json-text.ts';
import { migrateProject } from './project-migrations.ts';
import { generateId, PROJECT_FORMAT_VERSION, ProjectSchema, projectRuleProblems, type Project } from './project.ts';

type Path = ReadonlyArray<PropertyKey>;
export interface ProjectIssue {
  path: Path;
  code: string;
  message: string;
  expected?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  origin?: string;
  values?: readonly unknown[];
  format?: string;
}

export interface LoadedProject {
  project: Project;
  /** The format version the file was written in. */
  fromVersion: number;
  /** What was repaired or filled in, in words, for the log. */
  notes: string[];
  /**
   * The file should be written back once (after the lock is ours): it was migrated, or scenes were given
   * ids that jobs will refer to, or a chosen take was repaired.
   */
  needsSave: boolean;
}

const UNTOUCHED = 'The file was left untouched.';
const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

// ---- problems in words ---------------------------------------------------------------------------

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 40 ? 'text' : `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'text in "quotes"',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list [ … ]',
  object: 'an object { … }',
  null: 'null',
};

const MISSING_HINT: Record<string, string> = {
  prompt: ' (every scene needs its text, e.g. "prompt": "A lighthouse at dawn")',
  seconds: ' (every scene needs its length in whole seconds, e.g. "seconds": 8)',
  formatVersion: ` (write "formatVersion": ${PROJECT_FORMAT_VERSION} at the top)`,
};

/** A hint for a missing field is only for a scene's own fields and the top level, not a take's. */
const hintable = (path: Path) => path.length === 1 || (path.length === 3 && path[0] === 'scenes');

/** "Scene 2 ("A lamp lights up…"), take 1" or "The project", and the field name, for a path. */
function place(root: unknown, path: Path): { where: string; field: string } {
  const parts = [...path];
  let where = 'The project';
  if (parts[0] === 'scenes' && typeof parts[1] === 'number') {
    const i = parts[1];
    const prompt = valueAt(root, ['scenes', i, 'prompt']);
    const snippet = typeof prompt === 'string' && prompt.trim() ? ` ("${prompt.trim().slice(0, 32)}${prompt.trim().length > 32 ? '…' : ''}")` : '';
    where = `Scene ${i + 1}${snippet}`;
    parts.splice(0, 2);
    if ((parts[0] as PropertyKey) === 'takes' && typeof parts[1] === 'number') {
      where += `, take ${parts[1] + 1}`;
      parts.splice(0, 2);
    }
  }
  const field = parts.length ? `"${parts.map(String).join('.')}"` : where === 'The project' ? 'the file' : 'it';
  return { where, field };
}

function transitionWords(v: unknown): string {
  const types = 'crossfade, fade-black, dip-white, wipe-left, wipe-right, slide-left, slide-right';
  const shape = `must be "cut" or {"type": "crossfade", "seconds": 1} (types: ${types})`;
  if (isObject(v)) {
    if (typeof v.type !== 'string') return `needs a "type" (${types})`;
    if (!types.split(', ').includes(v.type)) return `has type "${v.type}", which is not one of: ${types}`;
    if (typeof v.seconds !== 'number') return 'needs "seconds", the length of the overlap, e.g. "seconds": 1';
    return 'must have "seconds" more than 0 and at most 60';
  }
  if (typeof v === 'string' && types.split(', ').includes(v)) return `must be "cut" or an object: for a ${v}, write {"type": "${v}", "seconds": 1}`;
  return `${shape}, not ${kindOf(v)}`;
}

/** One sentence for one problem, naming the scene and field, in words rather than schema language. */
export function describeIssue(root: unknown, issue: ProjectIssue): string {
  const value = valueAt(root, issue.path);
  const { where, field } = place(root, issue.path);
  const last = String(issue.path.at(-1) ?? '');
  const say = (text: string) => `${where}: ${field} ${text}.`;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return say(`is missing${hintable(issue.path) ? (MISSING_HINT[last] ?? '') : ''}`);
      return say(`must be ${EXPECTED[String(issue.expected)] ?? String(issue.expected)}, not ${kindOf(value)}`);
    case 'too_small':
      if (issue.origin === 'string') return say('must not be empty');
      if (issue.origin === 'array') return say(`must have at least ${String(issue.minimum)} item(s)`);
      return say(issue.inclusive === false ? `must be more than ${String(issue.minimum)}, not ${kindOf(value)}` : `must be at least ${String(issue.minimum)}, not ${kindOf(value)}`);
    case 'too_big':
      if (issue.origin === 'string') return say(`is too long (${typeof value === 'string' ? value.length : '?'} characters; at most ${String(issue.maximum)})`);
      if (issue.origin === 'array') return say(`has too many items (at most ${String(issue.maximum)})`);
      return say(`must be at most ${String(issue.maximum)}, not ${kindOf(value)}`);
    case 'invalid_value':
      return say(`must be ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(' or ')}, not ${kindOf(value)}`);
    case 'invalid_union':
      if (last === 'transition') return say(transitionWords(value));
      return say(`is not in a form Storyreel understands (${kindOf(value)})`);
    case 'invalid_format':
      if (last === 'size' || issue.path.includes('size')) return say(`must look like 1280x720 (width x height in pixels), not ${kindOf(value)}`);
      return say(`is not in the expected form (${kindOf(value)})`);
    case 'custom':
      return say(`${issue.message}${issue.message.startsWith('must') ? `, not ${kindOf(value)}` : ''}`);
    default:
      return say(`is not valid (${issue.message})`);
  }
}

/** Every problem with a (migrated) project value: schema and cross-field rules, one sentence each. */
export function projectProblems(value: unknown): { project: Project; problems: [] } | { project: null; problems: string[] } {
  const parsed = ProjectSchema.safeParse(value);
  const rules = projectRuleProblems(value).map((r) => `${place(value, r.path).where}: ${place(value, r.path).field} ${r.message}.`);
  if (parsed.success && !rules.length) return { project: parsed.data, problems: [] };
  const issues = parsed.success ? [] : (parsed.error.issues as unknown as ProjectIssue[]);
  return { project: null, problems: [...issues.map((i) => describeIssue(value, i)), ...rules] };
}

/** "…: one sentence" or "…: N problems:\n  - …" */
export function listProblems(problems: string[]): string {
  if (problems.length === 1) return problems[0]!;
  return `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`;
}

// ---- the whole read --------------------------------------------------------------------------------

/**
 * Reads project.json's bytes. `name` says which file in messages ("project.json in /films/x").
 * Throws AppError ProjectCorrupt / ProjectTooNew, whose message says once that the file was left
 * untouched (this function never writes; the caller must not either after a throw).
 */
export function readProjectBytes(bytes: Uint8Array, name: string): LoadedProject {
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) if (bytes[i] === 10) [line, lineStart] = [line + 1, i + 1];
    throw new AppError('ProjectCorrupt', `${name} is not valid UTF-8 text (byte ${bad}, line ${line}, column ${bad - lineStart + 1}); save it as UTF-8 and open it again. ${UNTOUCHED}`);
  }
  // A byte-order mark (Windows editors write one) is not part of the JSON.
  const text = new TextDecoder('utf-8').decode(bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const { offset, what } = locateJsonError(text);
    const { line, column } = lineColumn(text, offset);
    throw new AppError('ProjectCorrupt', `${name} is damaged and cannot be read: ${what}${text.trim() ? ` at line ${line}, column ${column}` : ''}. ${UNTOUCHED}`, { detail: (err as Error).message });
  }
  if (!isObject(raw)) throw new AppError('ProjectCorrupt', `${name} is not a valid Storyreel project: it holds ${kindOf(raw)}, not an object { … }. ${UNTOUCHED}`);
  const version = raw.formatVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROJECT_FORMAT_VERSION) {
    throw new AppError('ProjectTooNew', `This project was saved by a newer Storyreel (format ${version}; this version reads up to ${PROJECT_FORMAT_VERSION}). ${UNTOUCHED}`);
  }
  if (version === undefined || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    const problem = version === undefined ? `"formatVersion" is missing${MISSING_HINT.formatVersion}` : `"formatVersion" must be a whole number from 1 to ${PROJECT_FORMAT_VERSION}, not ${kindOf(version)}`;
    throw new AppError('ProjectCorrupt', `${name} is not a valid Storyreel project: ${problem}. ${UNTOUCHED}`);
  }
  return loadProjectValue(raw, version, name);
}

function loadProjectValue(raw: Record<string, unknown>, version: number, name: string): LoadedProject {
  const notes: string[] = [];
  let needsSave = version < PROJECT_FORMAT_VERSION;
  if (needsSave) notes.push(`migrated ${name} from format ${version} to ${PROJECT_FORMAT_VERSION}`);
  const value = migrateProject(raw, version);
  // The model a provider uses when the file names none (written by hand: "provider": "preview").
  if (value.model === undefined) {
    const provider = providerProfile(typeof value.provider === 'string' ? value.provider : 'preview');
    if (provider) value.model = provider.defaultModel;
  }
  // Ids that jobs will refer to are given now, and saved before any job exists.
  if (value.id === undefined) {
    value.id = generateId('proj');
    needsSave = true;
  }
  if (Array.isArray(value.scenes)) {
    value.scenes = value.scenes.map((s: unknown, i) => {
      if (!isObject(s) || s.id !== undefined) return s;
      needsSave = true;
      const id = generateId('scene');
      notes.push(`scene ${i + 1} had no id; it is now ${id}`);
      return { id, ...s };
    });
  }
  const checked = projectProblems(value);
  if (!checked.project) {
    throw new AppError('ProjectCorrupt', `${name} is not a valid Storyreel project. ${listProblems(checked.problems)}${checked.problems.length > 1 ? '' : ' '}${UNTOUCHED}`);
  }
  const project = checked.project;
  for (const [i, scene] of project.scenes.entries()) {
    const repaired = repairChosenTake(scene);
    if (repaired === undefined) continue;
    notes.push(`scene ${i + 1}'s chosen take "${scene.chosenTake}" does not exist; ${repaired ? `chose its newest take "${repaired}"` : 'it has no takes, so none is chosen'}`);
    scene.chosenTake = repaired;
    needsSave = true;
  }
  return { project, fromVersion: version, notes, needsSave };
}

/**
 * A chosen take that points at no take (a hand edit, a take removed by hand) would make "generate what
 * has no take" pay for that scene again and again. It becomes the newest take, or none.
 * Returns undefined when nothing needs repairing.
 */
export function repairChosenTake(scene: Pick<Project['scenes'][number], 'chosenTake' | 'takes'>): string | null | undefined {
  if (scene.chosenTake === null || scene.takes.some((t) => t.id === scene.chosenTake)) return undefined;
  let newest: (typeof scene.takes)[number] | null = null;
  for (const t of scene.takes) if (!newest || t.createdAt >= newest.createdAt) newest = t;
  return newest?.id ?? null;
}
