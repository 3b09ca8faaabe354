/**
 * Reading oned's XML into a small element tree (document order and repeats kept, text and CDATA
 * as separate nodes, as libxml2 gives them to oned), with the lookups the document parsers need.
 *
 *   readXml(xml, what)               the root element; XmlDocumentError names `what` if malformed
 *   scanXml(xml)                     the same, throwing XmlSyntaxError { line, column, reason }
 *   walkXml(xml, visitor)            the same scan without a tree: the visitor keeps what it wants
 *   child(el, name), children(el, name), elements(el), text(el)
 *   intOf(el, name, fallback, what)  a child's integer value, the fallback when the child is absent
 *   intValue(el, what)               an element's own integer value
 *   XmlDocumentError                 one sentence saying which document and what is wrong
 */
export interface XmlElement {
  name: string;
  children: XmlNode[];
}

/** An element, or a text or CDATA section (a plain string). */
export type XmlNode = XmlElement | string;

export class XmlDocumentError extends Error {
  override readonly name: string = 'XmlDocumentError';
}

/** Malformed XML, with the 1-based position of the fault. */
export class XmlSyntaxError extends XmlDocumentError {
  override readonly name = 'XmlSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${reason} at line ${line}, column ${column}.`);
  }
}

const enum C {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Bang = 33,
  DoubleQuote = 34,
  Ampersand = 38,
  SingleQuote = 39,
  Slash = 47,
  Lt = 60,
  Equal = 61,
  Gt = 62,
  Question = 63,
}

function isSpace(c: number): boolean {
  return c === C.Space || c === C.Newline || c === C.Tab || c === C.Return;
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const entity = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-z]+));/y;

/**
 * What a scan tells as it reads a document. `open` names the element by its offsets in the
 * document (slice it only if the name is wanted); text and CDATA come, decoded, only while
 * `wantsText()` says so, which lets a reader that wants four fields of each VM skip the rest of
 * a pool without allocating a string for it. Well-formedness is checked all the same.
 */
export interface XmlVisitor {
  open(xml: string, nameStart: number, nameEnd: number): void;
  close(): void;
  wantsText(): boolean;
  text(value: string): void;
}

/**
 * A non-validating reader for the XML oned writes: elements, text, CDATA, the five predefined
 * entities and character references; attributes are skipped, comments and processing
 * instructions ignored, DTDs refused. It exists because fast-xml-parser reads oned's pools at
 * about 10 MB/s, seconds per poll of a 10,000-VM cloud; this reads them many times faster, and
 * the tests hold it to fast-xml-parser's tree on every sample and on random documents.
 */
class Scanner {
  private pos = 0;
  // open elements: where each tag and its name start and end, as number arrays (no garbage)
  private readonly openedAt: number[] = [];
  private readonly nameStarts: number[] = [];
  private readonly nameEnds: number[] = [];
  private rooted = false;
  /** the first '&' at or after pos, so text without one is never searched twice */
  private nextAmp = -1;

  constructor(
    private readonly xml: string,
    private readonly visitor: XmlVisitor,
  ) {}

  scan(): void {
    const xml = this.xml;
    const end = xml.length;
    while (this.pos < end) {
      const lt = xml.indexOf('<', this.pos);
      const textEnd = lt < 0 ? end : lt;
      if (textEnd > this.pos) this.text(textEnd);
      if (lt < 0) break;
      const next = xml.charCodeAt(lt + 1);
      if (next === C.Slash) this.endTag(lt);
      else if (next === C.Bang) this.markup(lt);
      else if (next === C.Question) this.skipPast(lt, '?>', 'processing instruction');
      else this.startTag(lt);
    }
    const depth = this.openedAt.length;
    if (depth > 0) this.fail(this.openedAt[depth - 1]!, `<${this.openName(depth - 1)}> is never closed`);
    if (!this.rooted) this.fail(end, 'there is no element');
  }

  private openName(level: number): string {
    return this.xml.slice(this.nameStarts[level], this.nameEnds[level]);
  }

  private text(textEnd: number): void {
    const xml = this.xml;
    const from = this.pos;
    this.pos = textEnd;
    if (this.openedAt.length === 0) {
      for (let i = from; i < textEnd; i++) if (!isSpace(xml.charCodeAt(i))) this.fail(from, 'text outside the root element');
      return;
    }
    if (this.nextAmp < from && this.nextAmp !== -2) {
      this.nextAmp = xml.indexOf('&', from);
      if (this.nextAmp < 0) this.nextAmp = -2; // none in the rest of the document
    }
    const hasAmp = this.nextAmp >= 0 && this.nextAmp < textEnd;
    if (this.visitor.wantsText()) {
      const raw = xml.slice(from, textEnd);
      this.visitor.text(hasAmp ? this.decode(raw, from) : raw);
    } else if (hasAmp) {
      this.decode(xml.slice(from, textEnd), from); // checked, not kept
    }
  }

  private decode(raw: string, at: number): string {
    let out = '';
    let from = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
      entity.lastIndex = amp;
      const m = entity.exec(raw);
      const named = m?.[3];
      const code = m === null ? undefined : m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 10) : undefined;
      let value: string | undefined;
      if (named !== undefined) value = entities[named];
      else if (code !== undefined && code <= 0x10ffff) value = String.fromCodePoint(code);
      if (m === null || value === undefined) this.fail(at + amp, "'&' starts no known entity");
      out += raw.slice(from, amp) + value;
      from = amp + m[0].length;
    }
    return out + raw.slice(from);
  }

  private name(from: number): number {
    const xml = this.xml;
    let i = from;
    for (; i < xml.length; i++) {
      const c = xml.charCodeAt(i);
      if (isSpace(c) || c === C.Slash || c === C.Gt || c === C.Equal || c === C.Lt) break;
    }
    if (i === from) this.fail(from, 'an element name is missing');
    return i;
  }

  private startTag(lt: number): void {
    const xml = this.xml;
    const nameEnd = this.name(lt + 1);
    let i = nameEnd;
    // attributes are skipped: oned writes none, and a quoted value may hold '>'
    for (;;) {
      const c = xml.charCodeAt(i);
      if (Number.isNaN(c)) this.fail(lt, `<${xml.slice(lt + 1, nameEnd)}> is never closed`);
      if (c === C.Gt) break;
      if (c === C.Slash && xml.charCodeAt(i + 1) === C.Gt) break;
      if (c === C.DoubleQuote || c === C.SingleQuote) {
        const close = xml.indexOf(String.fromCharCode(c), i + 1);
        if (close < 0) this.fail(i, 'an attribute value is never closed');
        i = close + 1;
      } else {
        i++;
      }
    }
    const selfClosing = xml.charCodeAt(i) === C.Slash;
    if (this.openedAt.length === 0) {
      if (this.rooted) this.fail(lt, `a second root element <${xml.slice(lt + 1, nameEnd)}>`);
      this.rooted = true;
    }
    this.visitor.open(xml, lt + 1, nameEnd);
    if (selfClosing) {
      this.visitor.close();
    } else {
      this.openedAt.push(lt);
      this.nameStarts.push(lt + 1);
      this.nameEnds.push(nameEnd);
    }
    this.pos = i + (selfClosing ? 2 : 1);
  }

  private endTag(lt: number): void {
    const xml = this.xml;
    const nameEnd = this.name(lt + 2);
    let i = nameEnd;
    while (isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== C.Gt) this.fail(i, `</${xml.slice(lt + 2, nameEnd)} is not closed with '>'`);
    const level = this.openedAt.length - 1;
    if (level < 0) this.fail(lt, `</${xml.slice(lt + 2, nameEnd)}> closes nothing`);
    if (!this.sameName(level, lt + 2, nameEnd)) this.fail(lt, `</${xml.slice(lt + 2, nameEnd)}> closes <${this.openName(level)}>`);
    this.openedAt.pop();
    this.nameStarts.pop();
    this.nameEnds.pop();
    this.visitor.close();
    this.pos = i + 1;
  }

  private sameName(level: number, from: number, to: number): boolean {
    const start = this.nameStarts[level]!;
    if (this.nameEnds[level]! - start !== to - from) return false;
    const xml = this.xml;
    for (let k = 0; k < to - from; k++) if (xml.charCodeAt(start + k) !== xml.charCodeAt(from + k)) return false;
    return true;
  }

  private markup(lt: number): void {
    const xml = this.xml;
    if (xml.startsWith('<!--', lt)) {
      this.skipPast(lt, '-->', 'comment');
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close < 0) this.fail(lt, 'a CDATA section is never closed');
      if (this.openedAt.length === 0) this.fail(lt, 'CDATA outside the root element');
      if (this.visitor.wantsText()) this.visitor.text(xml.slice(lt + 9, close));
      this.pos = close + 3;
    } else {
      this.fail(lt, 'a DOCTYPE or other declaration, which oned never sends');
    }
  }

  private skipPast(lt: number, terminator: string, what: string): void {
    const close = this.xml.indexOf(terminator, lt + 2);
    if (close < 0) this.fail(lt, `a ${what} is never closed`);
    this.pos = close + terminator.length;
  }

  private fail(offset: number, reason: string): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.xml.indexOf('\n'); i >= 0 && i < offset; i = this.xml.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new XmlSyntaxError(line, offset - lineStart + 1, reason);
  }
}

/** Builds the element tree, every text and CDATA node kept. */
class TreeBuilder implements XmlVisitor {
  private readonly open_: XmlElement[] = [];
  root: XmlElement | undefined;

  open(xml: string, nameStart: number, nameEnd: number): void {
    const element: XmlElement = { name: xml.slice(nameStart, nameEnd), children: [] };
    const parent = this.open_.at(-1);
    if (parent !== undefined) parent.children.push(element);
    else this.root = element;
    this.open_.push(element);
  }

  close(): void {
    this.open_.pop();
  }

  wantsText(): boolean {
    return true;
  }

  text(value: string): void {
    this.open_.at(-1)!.children.push(value);
  }
}

/** Reads a document start to end, telling the visitor; XmlSyntaxError (line, column) if it is not well-formed. */
export function walkXml(xml: string, visitor: XmlVisitor): void {
  new Scanner(xml, visitor).scan();
}

/** The root element of a document; XmlSyntaxError (with line and column) if it is not well-formed. */
export function scanXml(xml: string): XmlElement {
  const tree = new TreeBuilder();
  walkXml(xml, tree);
  return tree.root!;
}

/** Parses a document and returns its root element. `what` names it in errors, e.g. "The VM document". */
export function readXml(xml: string, what: string): XmlElement {
  try {
    return scanXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new XmlDocumentError(`${what} is not well-formed XML: ${error.message}`);
    throw error;
  }
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement);
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (isElement(c) && c.name === name) return c;
  return undefined;
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && c.name === name);
}

/** The text and CDATA directly inside an element, concatenated. */
export function text(el: XmlElement): string {
  let out = '';
  for (const c of el.children) if (typeof c === 'string') out += c;
  return out;
}

export function textOf(el: XmlElement, name: string, fallback: string): string {
  const c = child(el, name);
  return c === undefined ? fallback : text(c);
}

export function intValue(el: XmlElement, what: string): number {
  const raw = text(el).trim();
  const value = Number(raw);
  if (raw === '' || !Number.isInteger(value)) {
    throw new XmlDocumentError(`${what}: <${el.name}> should be an integer but is '${raw}'.`);
  }
  return value;
}

export function intOf(el: XmlElement, name: string, fallback: number, what: string): number {
  const c = child(el, name);
  return c === undefined ? fallback : intValue(c, what);
}
