/**
 * Reading oned's XML into a small element tree (fast-xml-parser underneath, document order and
 * repeats kept, text and CDATA as written), with the lookups the document parsers need.
 *
 *   readXml(xml, what)               the root element; XmlDocumentError names `what` if malformed
 *   child(el, name), children(el, name), elements(el), text(el)
 *   intOf(el, name, fallback, what)  a child's integer value, the fallback when the child is absent
 *   intValue(el, what)               an element's own integer value
 *   XmlDocumentError                 one sentence saying which document and what is wrong
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlText {
  text: string;
}

export interface XmlElement {
  name: string;
  children: XmlNode[];
}

export type XmlNode = XmlElement | XmlText;

export class XmlDocumentError extends Error {
  override readonly name = 'XmlDocumentError';
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  processEntities: true,
  htmlEntities: false,
});

type OrderedNode = Record<string, unknown>;

function convert(node: OrderedNode): XmlNode | undefined {
  for (const key of Object.keys(node)) {
    if (key === '#text') return { text: String(node[key]) };
    if (key === '#cdata') {
      const parts = node[key] as OrderedNode[];
      return { text: parts.map((p) => String(p['#text'] ?? '')).join('') };
    }
    if (key === ':@' || key.startsWith('#') || key.startsWith('?')) continue;
    const children: XmlNode[] = [];
    for (const c of (node[key] as OrderedNode[] | undefined) ?? []) {
      const converted = convert(c);
      if (converted !== undefined) children.push(converted);
    }
    return { name: key, children };
  }
  return undefined;
}

/** Parses a document and returns its root element. `what` names it in errors, e.g. "one.vm.info's answer". */
export function readXml(xml: string, what: string): XmlElement {
  let parsed: OrderedNode[];
  try {
    parsed = parser.parse(xml, true) as OrderedNode[];
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    throw new XmlDocumentError(`${what} is not well-formed XML: ${reason}.`);
  }
  for (const node of parsed) {
    const converted = convert(node);
    if (converted !== undefined && isElement(converted)) return converted;
  }
  throw new XmlDocumentError(`${what} holds no XML element.`);
}

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
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
  for (const c of el.children) if (!isElement(c)) out += c.text;
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
