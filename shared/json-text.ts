// Text a person may have written by hand: is it UTF-8, and where exactly does its JSON go wrong?
// Node's JSON.parse often says neither line nor column, so the grammar is walked here. Pure (no Node).

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where JSON.parse gave up, and why, in words. Node's own message often has no position, so this walks
 * the text with the JSON grammar itself. Only called after JSON.parse has failed.
 */
export function locateJsonError(text: string): { offset: number; what: string } {
  let i = 0;
  const n = text.length;
  const show = (c: string | undefined) => (c === undefined ? 'the end of the file' : c === '\n' ? 'a line break' : `"${c}"`);
  class Stop {
    constructor(
      readonly offset: number,
      readonly what: string,
    ) {}
  }
  const fail = (what: string, at = i): never => {
    throw new Stop(at, what);
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    const start = i++;
    while (i < n) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`${show(e)} cannot follow a backslash in a string (write \\\\ for a backslash)`, i);
        continue;
      }
      if (c < ' ') fail(c === '\n' ? 'a line break inside a "string" (a closing quote is missing, or write \\n)' : 'a control character inside a "string"');
      i++;
    }
    fail('a "string" that is never closed', start);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
      m.lastIndex = i;
      if (!m.exec(text)) fail(`a number cannot start with ${show(c)}${text[i + 1] ?? ''}`);
      i = m.lastIndex;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === undefined) fail('the file ends where a value was expected');
    fail(c === "'" ? "a value in 'single quotes' (JSON needs \"double quotes\")" : `unexpected ${show(c)} where a value was expected`);
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? 'a comma before "}" (remove the last comma)' : `expected a field name in "double quotes", found ${show(text[i])}`);
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the field name, found ${show(text[i])}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}" after a value, found ${show(text[i])}`);
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('a comma before "]" (remove the last comma)');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]" after a value, found ${show(text[i])}`);
    }
  };
  if (!text.trim()) return { offset: 0, what: 'the file is empty' };
  try {
    value();
    ws();
    if (i < n) fail(`unexpected ${show(text[i])} after the end of the project`);
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, what: err.what };
    throw err;
  }
  return { offset: n, what: 'the JSON could not be read' };
}
