// Reads XML back in tests, with sax in strict mode: a file that is not well-formed XML fails here, the
// way an editor would refuse it. Returns a small element tree.
import sax from 'sax';

export interface XmlEl {
  name: string;
  attrs: Record<string, string>;
  children: XmlEl[];
  /** The element's own text, trimmed. */
  text: string;
}

export function parseXml(text: string): { root: XmlEl; doctype: string | null } {
  const parser = sax.parser(true, { trim: false });
  const stack: XmlEl[] = [];
  let root: XmlEl | null = null;
  let doctype: string | null = null;
  let failure: Error | null = null;
  parser.onerror = (err) => {
    failure ??= err;
  };
  parser.ondoctype = (d) => {
    doctype = d.trim();
  };
  parser.onopentag = (tag) => {
    const el: XmlEl = { name: tag.name, attrs: { ...tag.attributes }, children: [], text: '' };
    stack.at(-1)?.children.push(el);
    if (!root) root = el;
    stack.push(el);
  };
  parser.onclosetag = () => {
    const el = stack.pop()!;
    el.text = el.text.trim();
  };
  parser.ontext = (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  };
  parser.write(text).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return { root, doctype };
}

/** Every descendant (depth first) named `name`. */
export function all(el: XmlEl, name: string): XmlEl[] {
  const out: XmlEl[] = [];
  const walk = (e: XmlEl) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** The first child named `name` (throws when there is none). */
export function child(el: XmlEl, name: string): XmlEl {
  const c = el.children.find((x) => x.name === name);
  if (!c) throw new Error(`<${el.name}> has no <${name}>`);
  return c;
}
