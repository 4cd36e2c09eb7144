// The part of sax (a strict, streaming XML parser; a devDependency with no typings of its own) that
// tests/helpers/xml.ts uses.
declare module 'sax' {
  interface Tag {
    name: string;
    attributes: Record<string, string>;
  }
  interface SAXParser {
    onopentag: (tag: Tag) => void;
    onclosetag: (name: string) => void;
    ontext: (text: string) => void;
    oncdata: (text: string) => void;
    ondoctype: (doctype: string) => void;
    onerror: (err: Error) => void;
    write(s: string): SAXParser;
    close(): SAXParser;
  }
  const sax: { parser(strict: boolean, opt?: { trim?: boolean; normalize?: boolean; xmlns?: boolean; position?: boolean }): SAXParser };
  export default sax;
}
