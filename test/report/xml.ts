/**
 * A minimal, strict XML 1.0 parser for tests: enough of the spec to reject anything that is
 * not well-formed in the subset the JUnit reporter writes (declaration, comments, elements,
 * attributes, text, the five entities and character references; no DTD, CDATA or PIs), and
 * to return the tree with entities decoded so tests can assert on it.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** concatenated decoded text directly inside this element */
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
// XML 1.0 Char production, minus what we reject outright
const INVALID_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class XmlError extends Error {}

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);|&/g, (_m, body: string | undefined) => {
    if (body === undefined) throw new XmlError(`bare & at ${where}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (!num) throw new XmlError(`unknown entity &${body}; at ${where}`);
    const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2]!, 10);
    const ok =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!ok) throw new XmlError(`character reference to invalid char ${code} at ${where}`);
    return String.fromCodePoint(code);
  });
}

/** Parses a document; throws XmlError when it is not well-formed. */
export function parseXml(doc: string): XmlElement {
  if (INVALID_CHAR.test(doc)) throw new XmlError('document holds a character XML 1.0 forbids');
  let i = 0;
  const skipSpace = (): void => {
    while (i < doc.length && /[ \t\r\n]/.test(doc[i]!)) i++;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) throw new XmlError('unterminated comment');
        const body = doc.slice(i + 4, end);
        if (body.includes('--') || body.endsWith('-')) throw new XmlError('"--" inside a comment');
        i = end + 3;
      } else return;
    }
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration');
    if (!/^<\?xml version="1\.0"( encoding="[A-Za-z0-9._-]+")?( standalone="(yes|no)")? ?\?>$/.test(doc.slice(0, end + 2)))
      throw new XmlError('bad XML declaration');
    i = end + 2;
  }
  const parseElement = (): XmlElement => {
    if (doc[i] !== '<') throw new XmlError(`expected < at ${i}`);
    i++;
    const m = NAME.exec(doc.slice(i));
    if (!m) throw new XmlError(`bad element name at ${i}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      const before = i;
      skipSpace();
      if (doc.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new XmlError(`expected whitespace before attribute at ${i}`);
      const an = NAME.exec(doc.slice(i));
      if (!an) throw new XmlError(`bad attribute name at ${i}`);
      i += an[0].length;
      if (doc[i] !== '=') throw new XmlError(`expected = at ${i}`);
      i++;
      const quote = doc[i];
      if (quote !== '"' && quote !== "'") throw new XmlError(`expected quote at ${i}`);
      const end = doc.indexOf(quote, i + 1);
      if (end < 0) throw new XmlError('unterminated attribute');
      const raw = doc.slice(i + 1, end);
      if (raw.includes('<')) throw new XmlError(`< in attribute value at ${i}`);
      if (an[0] in el.attrs) throw new XmlError(`duplicate attribute ${an[0]}`);
      // attribute-value normalisation: literal whitespace becomes a space
      el.attrs[an[0]] = decode(raw.replace(/[\t\r\n]/g, ' '), i);
      i = end + 1;
    }
    for (;;) {
      const lt = doc.indexOf('<', i);
      if (lt < 0) throw new XmlError(`unclosed element ${el.name}`);
      const raw = doc.slice(i, lt);
      if (raw.includes(']]>')) throw new XmlError(`]]> in text at ${i}`);
      el.text += decode(raw, i);
      i = lt;
      if (doc.startsWith('</', i)) {
        i += 2;
        if (!doc.startsWith(el.name, i)) throw new XmlError(`mismatched end tag for ${el.name} at ${i}`);
        i += el.name.length;
        skipSpace();
        if (doc[i] !== '>') throw new XmlError(`bad end tag at ${i}`);
        i++;
        return el;
      }
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) throw new XmlError('unterminated comment');
        if (doc.slice(i + 4, end).includes('--')) throw new XmlError('"--" inside a comment');
        i = end + 3;
        continue;
      }
      if (doc.startsWith('<!', i) || doc.startsWith('<?', i)) throw new XmlError(`unsupported markup at ${i}`);
      el.children.push(parseElement());
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== doc.length) throw new XmlError(`content after the root element at ${i}`);
  return root;
}

/** Every element in document order. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
