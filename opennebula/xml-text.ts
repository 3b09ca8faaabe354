/**
 * The few ways oned writes text into its XML, shared by the document renderers:
 *
 *   escapeXml(s)          fields oned streams as they are (NAME, UNAME, DEPLOY_ID, HOSTNAME in
 *                         full history): identical to oned for ordinary values, and still
 *                         well-formed for a value holding & < >
 *   cdata(s)              template values and what oned passes through one_util::escape_xml
 *   templateXml(root, t)  Template::to_xml: attributes sorted by name (a std::multimap, so
 *                         repeats keep their order), vector keys sorted (a std::map), every
 *                         value in CDATA; `<ROOT></ROOT>` when empty
 *   poolXml(root, items, render)  a pool: each member rendered, flattened, joined once
 */
import { isVector, type Template, type TemplateAttribute } from './template.js';

const specials = /[&<>]/;

export function escapeXml(text: string): string {
  if (!specials.test(text)) return text;
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function cdata(text: string): string {
  // A CDATA section cannot hold "]]>": close it after "]]" and open a new one before ">".
  return `<![CDATA[${text.includes(']]>') ? text.replaceAll(']]>', ']]]]><![CDATA[>') : text}]]>`;
}

function byName(a: TemplateAttribute, b: TemplateAttribute): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isSortedByName(template: Template): boolean {
  for (let i = 1; i < template.length; i++) {
    if ((template[i - 1] as TemplateAttribute).name > (template[i] as TemplateAttribute).name) return false;
  }
  return true;
}

function vectorXml(name: string, vector: Record<string, string>): string {
  const keys = Object.keys(vector).sort();
  let out = `<${name}>`;
  for (const key of keys) out += `<${key}>${cdata(vector[key] as string)}</${key}>`;
  return `${out}</${name}>`;
}

/** The attributes of a template as oned writes them, without a root element. */
export function templateBodyXml(template: Template): string {
  // Array.prototype.sort is stable, which keeps repeated attributes in order as a multimap does.
  const attributes = isSortedByName(template) ? template : [...template].sort(byName);
  let out = '';
  for (const attribute of attributes) {
    out += isVector(attribute)
      ? vectorXml(attribute.name, attribute.vector)
      : `<${attribute.name}>${cdata(attribute.value)}</${attribute.name}>`;
  }
  return out;
}

export function templateXml(root: string, template: Template): string {
  return `<${root}>${templateBodyXml(template)}</${root}>`;
}

/**
 * Renders a pool. Each document is built by concatenation, which V8 keeps as a tree of
 * fragments; holding 100,000 such trees until the final join costs seconds of garbage
 * collection. Reading one character flattens a document into one flat string while its
 * fragments are still young, which keeps a 100,000-VM pool to one cheap pass.
 */
export function poolXml<T>(root: string, items: Iterable<T>, render: (item: T) => string): string {
  const parts: string[] = [`<${root}>`];
  for (const item of items) {
    const xml = render(item);
    xml.charCodeAt(0);
    parts.push(xml);
  }
  parts.push(`</${root}>`);
  return parts.join('');
}
