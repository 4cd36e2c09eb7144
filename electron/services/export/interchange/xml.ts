// XML for the interchange writers, through xmlbuilder (the writer behind xml2js and plist, no
// dependencies): the writers describe a tree, xmlbuilder escapes attributes and text and indents. The
// indentation is whitespace between elements, which FCPXML and xmeml readers ignore (element-only content).
// (@xmldom/xmldom was the first choice, but its typings pull the DOM library into the whole Node program.)
import xmlbuilder from 'xmlbuilder';

export type XmlAttrs = Record<string, string | number | undefined>;
export interface XmlNode {
  name: string;
  attrs: XmlAttrs;
  children: Array<XmlNode | string>;
}

/** An element: `el('clip', { id: 1 }, el('name', {}, 'A'))`; undefined attributes are left out. */
export function el(name: string, attrs: XmlAttrs = {}, ...children: Array<XmlNode | string | number | null | undefined | false | Array<XmlNode | null | undefined | false>>): XmlNode {
  const flat: Array<XmlNode | string> = [];
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    flat.push(typeof c === 'number' ? String(c) : c);
  }
  return { name, attrs, children: flat };
}

/** The document, with the XML declaration and a `<!DOCTYPE root>` line, indented by two spaces. */
export function renderXml(root: XmlNode): string {
  const doc = xmlbuilder.create(root.name, { version: '1.0', encoding: 'UTF-8' });
  // Both formats name the root as their doctype, with no DTD URL.
  doc.dtd();
  const build = (node: XmlNode, into: xmlbuilder.XMLElement) => {
    for (const [k, v] of Object.entries(node.attrs)) if (v !== undefined) into.att(k, String(v));
    for (const child of node.children) {
      if (typeof child === 'string') into.txt(child);
      else build(child, into.ele(child.name));
    }
  };
  build(root, doc);
  return doc.end({ pretty: true, indent: '  ', newline: '\n' }) + '\n';
}
