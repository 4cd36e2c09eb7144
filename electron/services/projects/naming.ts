// Names on disk made from a film's title: the folder a new project goes into, and the stem of an exported
// file. A title in any script gives a name a creator recognises: Latin letters lose their accents, other
// scripts keep their letters in folder names (every desktop OS shows them) and, in file names that travel
// (uploads, e-mail, older tools), fall back to the project's id rather than a bare "film".
import path from 'node:path';

/** Characters no file system (or no shell a creator pastes into) takes in a name. */
const FORBIDDEN = /[\\/:*?"<>|\u0000-\u001f\u007f]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** Latin letters without their accents ("Café" → "Cafe", "Straße" → "Strasse"). */
export function stripAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, (c) => (c === 'æ' ? 'ae' : 'AE'))
    .replace(/[œŒ]/g, (c) => (c === 'œ' ? 'oe' : 'OE'))
    .replace(/[øØ]/g, (c) => (c === 'ø' ? 'o' : 'O'))
    .replace(/[łŁ]/g, (c) => (c === 'ł' ? 'l' : 'L'));
}

/** A folder name for a title: its own letters in any script, without what file systems refuse. */
export function folderName(title: string, fallback = 'Untitled film'): string {
  const name = title.normalize('NFC').replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+|\.+$/g, '').slice(0, 80).trim();
  return !name || WINDOWS_RESERVED.test(name) ? fallback : name;
}

/** A new project's folder under `parent`, named after the title; " 2", " 3"… when the name is taken. */
export async function newProjectFolder(parent: string, title: string, taken: (dir: string) => Promise<boolean>): Promise<string> {
  const base = folderName(title);
  for (let n = 1; n < 1000; n++) {
    const dir = path.join(parent, n === 1 ? base : `${base} ${n}`);
    if (!(await taken(dir))) return dir;
  }
  return path.join(parent, `${base} ${Date.now()}`);
}

/**
 * The stem of an exported file: the title in lower-case ASCII words ("Café at Dawn" → "cafe-at-dawn"). A title
 * with no Latin letters ("灯台守の夜") becomes "film-<the project id's tail>", the same for every export of that
 * project, so its files still sort together and tell projects apart.
 */
export function exportStem(title: string, projectId: string): string {
  const ascii = stripAccents(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
    .replace(/-$/, '');
  // Mostly another script ("灯台守の夜 2"): the few Latin characters left would not name the film.
  const letters = (title.match(/\p{L}/gu) ?? []).length;
  const latin = (ascii.match(/[a-z]/g) ?? []).length;
  if (ascii && latin * 2 >= letters) return ascii;
  const tail = projectId.replace(/^proj_/, '').replace(/[^A-Za-z0-9]/g, '').slice(-8).toLowerCase();
  return tail ? `film-${tail}` : 'film';
}
