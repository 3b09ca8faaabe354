/**
 * OpenNebula's template language, read and written as oned does (src/parsers/template_parser.l and
 * template_syntax.y, src/template/Template.cc, include/Attribute.h):
 *
 *   NAME = value                      bare value: anything but blanks, newline and = # , [ ]
 *   NAME = "quoted \"value\""         only \" is an escape; a quoted value may span lines
 *   NAME =                            (then a newline) an empty value
 *   DISK = [ IMAGE_ID = 0,            vector attribute: a comma between pairs (newlines alone
 *            TYPE = "fs" ]            are NOT a separator for oned), `NAME = [ ]` is empty
 *   # comment                         to the end of the line, wherever an attribute may start
 *
 * Names are [A-Za-z0-9_]+ and upper-cased; a top-level name starting with a digit, or with
 * "XML", gets the prefix ONE_ (oned keeps names valid as XML elements). Repeated
 * attributes are kept in order (two DISKs); inside a vector the first of a repeated key wins.
 * A value containing `]]>` is refused, as oned does (it would break the CDATA it renders).
 *
 * Exports:
 *   type Template = TemplateAttribute[]         plain data, in source order
 *   type TemplateAttribute = SingleAttribute | VectorAttribute
 *   class TemplateSyntaxError { line, column }  1-based position of the offending character
 *   parseTemplate(text)      what one.vm.allocate reads: XML if text starts with '<', else syntax
 *   parseTemplateText(text), parseTemplateXml(text)
 *   templateFromElement(el)  the attributes under an element of a parsed oned document
 *   renderTemplate(t)        the text form, which parseTemplate reads back to the same template
 *   getSingle, getVectors, getVector, setSingle, removeAttribute, normalizeAttributeName, isVector,
 *   setVectorValue(vector, key, value)   sets a key safely, whatever its name (even __proto__)
 *
 * Where oned accepts input only by accident of its lexer (an unterminated quote read as a bare
 * word, a comment on the last line without a newline), we report an error instead; a carriage
 * return counts as a blank so that CRLF files read as their author meant.
 */
import { elements, isElement, scanXml, XmlSyntaxError, type XmlElement } from './xml-reader.js';

export interface SingleAttribute {
  name: string;
  value: string;
}

export interface VectorAttribute {
  name: string;
  vector: Record<string, string>;
}

export type TemplateAttribute = SingleAttribute | VectorAttribute;
export type Template = TemplateAttribute[];

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`Template error at line ${line}, column ${column}: ${reason}.`);
  }
}

export function isVector(attribute: TemplateAttribute): attribute is VectorAttribute {
  return 'vector' in attribute;
}

/**
 * oned's Attribute constructor: upper-case, and prefix ONE_ where the name would not be a valid
 * XML element (first character neither a letter nor '_', or the name starting with "XML" as written).
 */
export function normalizeAttributeName(name: string): string {
  const upper = name.toUpperCase();
  const first = name.charCodeAt(0);
  const validStart = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95;
  return !validStart || name.startsWith('XML') ? `ONE_${upper}` : upper;
}

/** Sets a key on a vector without ever touching Object.prototype, whatever the key. */
export function setVectorValue(vector: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(vector, key, { value, enumerable: true, writable: true, configurable: true });
}

// ------------------------------------------------------------------------------ parsing

/** Reads either form, as oned's Template::parse_str_or_xml: XML only when the very first character is '<'. */
export function parseTemplate(text: string): Template {
  return text.startsWith('<') ? parseTemplateXml(text) : parseTemplateText(text);
}

const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Comma = 44,
  Equal = 61,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
}

function isBlank(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.Return;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Characters a bare value may not contain (template_parser.l STRING). */
function isBareChar(c: number): boolean {
  return !(
    isBlank(c) ||
    c === Ch.Newline ||
    c === Ch.Equal ||
    c === Ch.Hash ||
    c === Ch.Comma ||
    c === Ch.OpenBracket ||
    c === Ch.CloseBracket
  );
}

class TextParser {
  private pos = 0;
  private readonly attributes: Template = [];

  constructor(private readonly text: string) {}

  parse(): Template {
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= this.text.length) return this.attributes;
      this.attribute();
    }
  }

  private attribute(): void {
    const nameAt = this.pos;
    const rawName = this.name('an attribute name');
    const name = normalizeAttributeName(rawName);
    this.skipSpaceAndComments();
    this.expect(Ch.Equal, `'=' after ${rawName}`);
    this.skipBlanks();
    const c = this.peek();
    if (c === Ch.Newline) {
      this.pos++;
      this.attributes.push({ name, value: '' });
      return;
    }
    if (c === Ch.OpenBracket) {
      this.pos++;
      this.attributes.push({ name, vector: this.vectorBody(rawName, nameAt) });
      return;
    }
    this.attributes.push({ name, value: this.value(rawName) });
  }

  private vectorBody(rawName: string, nameAt: number): Record<string, string> {
    const vector: Record<string, string> = {};
    this.skipSpaceAndComments();
    if (this.peek() === Ch.CloseBracket) {
      this.pos++;
      return vector;
    }
    for (;;) {
      this.skipSpaceAndComments();
      if (this.pos >= this.text.length) this.unclosed(rawName, nameAt);
      const key = this.name(`a name inside vector attribute ${rawName}`).toUpperCase();
      this.skipSpaceAndComments();
      this.expect(Ch.Equal, `'=' after ${key} in vector attribute ${rawName}`);
      this.skipBlanks();
      if (this.peek() === Ch.Newline || this.pos >= this.text.length) {
        this.fail(`${key} in vector attribute ${rawName} has no value (use "" for an empty one)`);
      }
      const value = this.value(`${key} in vector attribute ${rawName}`);
      // std::map::insert keeps the first value of a repeated key
      if (!Object.hasOwn(vector, key)) setVectorValue(vector, key, value);
      this.skipSpaceAndComments();
      const next = this.peek();
      if (next === Ch.Comma) {
        this.pos++;
        continue;
      }
      if (next === Ch.CloseBracket) {
        this.pos++;
        return vector;
      }
      if (this.pos >= this.text.length) this.unclosed(rawName, nameAt);
      this.fail(
        `expected ',' or ']' in vector attribute ${rawName} but found ${this.describeHere()} (oned needs a comma between vector values)`,
      );
    }
  }

  /** A value after `=`: flex takes the longest of its candidate rules, the first listed on a tie. */
  private value(what: string): string {
    const start = this.pos;
    const lineEnd = this.indexOrEnd('\n', start);
    const cdataAt = this.text.indexOf(']]>', start);
    const bareLength = this.bareLength(start);
    const quotedEnd = this.peek() === Ch.Quote ? this.quotedEnd(start) : -1;
    const quotedLength = quotedEnd < 0 ? 0 : quotedEnd + 1 - start;
    if (cdataAt >= 0 && cdataAt < lineEnd && lineEnd - start >= Math.max(bareLength, quotedLength)) {
      this.pos = cdataAt;
      this.fail(`the value of ${what} contains ']]>', which oned refuses`);
    }
    if (quotedLength > 0 && quotedLength >= bareLength) {
      const inner = this.text.slice(start + 1, quotedEnd);
      if (inner.includes(']]>')) {
        this.pos = start + 1 + inner.indexOf(']]>');
        this.fail(`the value of ${what} contains ']]>', which oned refuses`);
      }
      this.pos = quotedEnd + 1;
      return inner.replaceAll('\\"', '"');
    }
    if (this.peek() === Ch.Quote && quotedEnd < 0) {
      this.fail(`the quoted value of ${what} is never closed with '"'`);
    }
    if (bareLength === 0) {
      this.fail(`expected a value for ${what} but found ${this.describeHere()}`);
    }
    this.pos = start + bareLength;
    return this.text.slice(start, this.pos);
  }

  private bareLength(start: number): number {
    let end = start;
    while (end < this.text.length && isBareChar(this.text.charCodeAt(end))) end++;
    return end - start;
  }

  /**
   * Index of the closing quote of a quoted value opening at `open`, or -1. The lexer's rule
   * `"([^"]|\\")*"` matches up to the last quote such that every quote inside is preceded by a
   * backslash: so we stop at the first unescaped quote, else take the last escaped one.
   */
  private quotedEnd(open: number): number {
    let candidate = -1;
    for (let i = this.text.indexOf('"', open + 1); i >= 0; i = this.text.indexOf('"', i + 1)) {
      if (this.text.charCodeAt(i - 1) !== Ch.Backslash) return i;
      candidate = i;
    }
    return candidate;
  }

  private name(what: string): string {
    const start = this.pos;
    while (this.pos < this.text.length && isNameChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail(`expected ${what} but found ${this.describeHere()}`);
    return this.text.slice(start, this.pos);
  }

  private skipBlanks(): void {
    while (this.pos < this.text.length && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.peek();
      if (isBlank(c) || c === Ch.Newline) {
        this.pos++;
      } else if (c === Ch.Hash) {
        const end = this.text.indexOf('\n', this.pos);
        if (end < 0) this.fail('a comment must end with a newline (oned rejects one on the last line without it)');
        this.pos = end + 1;
      } else {
        return;
      }
    }
  }

  private expect(c: number, what: string): void {
    if (this.peek() !== c) this.fail(`expected ${what} but found ${this.describeHere()}`);
    this.pos++;
  }

  private peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  private indexOrEnd(needle: string, from: number): number {
    const at = this.text.indexOf(needle, from);
    return at < 0 ? this.text.length : at;
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the template';
    const c = this.text[this.pos];
    if (c === '\n') return 'the end of the line';
    const word = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.pos, this.pos + 40));
    return `'${word ? word[0] : c}'`;
  }

  private unclosed(rawName: string, nameAt: number): never {
    this.pos = nameAt;
    this.fail(`vector attribute ${rawName} is never closed with ']'`);
  }

  private fail(reason: string): never {
    const { line, column } = position(this.text, this.pos);
    throw new TemplateSyntaxError(line, column, reason);
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Reads the `KEY = VALUE` syntax; throws TemplateSyntaxError. */
export function parseTemplateText(text: string): Template {
  return new TextParser(text).parse();
}

/**
 * Reads an XML template as oned's Template::from_xml: each child of the root is a single
 * attribute when its only content is text or CDATA, a vector when it has child elements (each
 * with text content; the last of a repeated key wins), and is dropped when empty.
 */
export function parseTemplateXml(text: string): Template {
  let root: XmlElement;
  try {
    root = scanXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new TemplateSyntaxError(error.line, error.column, `the XML template is malformed: ${error.reason}`);
    }
    throw error;
  }
  return templateFromElement(root);
}

/** The attributes under an element of oned's XML (TEMPLATE, USER_TEMPLATE, MONITORING, ...), in document order. */
export function templateFromElement(root: XmlElement): Template {
  const template: Template = [];
  for (const node of root.children) {
    if (!isElement(node)) continue;
    const only = node.children.length === 1 ? node.children[0] : undefined;
    if (typeof only === 'string') {
      template.push({ name: normalizeAttributeName(node.name), value: only });
      continue;
    }
    const entries = elements(node);
    if (entries.length === 0) continue;
    const vector: Record<string, string> = {};
    for (const entry of entries) {
      const first = entry.children[0];
      if (typeof first === 'string') setVectorValue(vector, entry.name, first);
    }
    template.push({ name: normalizeAttributeName(node.name), vector });
  }
  return template;
}

// ------------------------------------------------------------------------------ rendering

const bareValue = /^[^\s=#,[\]"]+$/;

function renderValue(name: string, value: string): string {
  if (value.includes(']]>')) {
    throw new Error(`Cannot write template attribute ${name}: its value contains ']]>', which OpenNebula's template syntax refuses.`);
  }
  if (bareValue.test(value)) return value;
  if (value.endsWith('\\')) {
    throw new Error(`Cannot write template attribute ${name}: a quoted value ending in a backslash cannot be written in OpenNebula's template syntax.`);
  }
  return `"${value.replaceAll('"', '\\"')}"`;
}

/**
 * The text form: one attribute per line, vectors one pair per line. Values are bare where
 * that reads back the same, quoted otherwise. Throws for the few values the syntax cannot carry.
 */
export function renderTemplate(template: Template): string {
  let out = '';
  for (const attribute of template) {
    if (!isVector(attribute)) {
      out += `${attribute.name} = ${renderValue(attribute.name, attribute.value)}\n`;
      continue;
    }
    const pairs = Object.entries(attribute.vector).map(
      ([key, value]) => `  ${key} = ${renderValue(`${attribute.name}/${key}`, value)}`,
    );
    out += pairs.length === 0 ? `${attribute.name} = [ ]\n` : `${attribute.name} = [\n${pairs.join(',\n')} ]\n`;
  }
  return out;
}

// ------------------------------------------------------------------------------ accessors

/** The value of the first single attribute of that name (case-insensitive), if any. */
export function getSingle(template: Template, name: string): string | undefined {
  const wanted = name.toUpperCase();
  for (const attribute of template) {
    if (attribute.name === wanted && !isVector(attribute)) return attribute.value;
  }
  return undefined;
}

/** Every vector attribute of that name, in order (e.g. all DISKs). */
export function getVectors(template: Template, name: string): Record<string, string>[] {
  const wanted = name.toUpperCase();
  const found: Record<string, string>[] = [];
  for (const attribute of template) {
    if (attribute.name === wanted && isVector(attribute)) found.push(attribute.vector);
  }
  return found;
}

export function getVector(template: Template, name: string): Record<string, string> | undefined {
  return getVectors(template, name)[0];
}

/** A copy with every attribute of that name replaced by one single attribute, where the first stood (oned's Template::replace). */
export function setSingle(template: Template, name: string, value: string): Template {
  const normalized = normalizeAttributeName(name);
  const result: Template = [];
  let placed = false;
  for (const attribute of template) {
    if (attribute.name !== normalized) {
      result.push(attribute);
    } else if (!placed) {
      result.push({ name: normalized, value });
      placed = true;
    }
  }
  if (!placed) result.push({ name: normalized, value });
  return result;
}

/** A copy without the attributes of that name. */
export function removeAttribute(template: Template, name: string): Template {
  const wanted = name.toUpperCase();
  return template.filter((a) => a.name !== wanted);
}
