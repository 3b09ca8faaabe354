/**
 * VM template documents on the wire (VMTemplate::to_xml; opennebula/xsd/vmtemplate.xsd,
 * vmtemplate_pool.xsd).
 *
 *   renderVmTemplate(t)          one.template.info
 *   renderVmTemplatePool(ts)     one.templatepool.info, in the order given
 *   parseVmTemplate(xml), parseVmTemplatePool(xml), vmTemplateFromElement(el)
 */
import type { VmTemplateDocument } from './documents.js';
import { lockFromElement, lockXml, permissionsFromElement, permissionsXml } from './pool-object-xml.js';
import { templateFromElement } from './template.js';
import { child, children, intOf, readXml, textOf, XmlDocumentError, type XmlElement } from './xml-reader.js';
import { escapeXml, poolXml, templateXml } from './xml-text.js';

export function renderVmTemplate(t: VmTemplateDocument): string {
  return (
    `<VMTEMPLATE><ID>${t.id}</ID><UID>${t.uid}</UID><GID>${t.gid}</GID>` +
    `<UNAME>${escapeXml(t.uname)}</UNAME><GNAME>${escapeXml(t.gname)}</GNAME><NAME>${escapeXml(t.name)}</NAME>` +
    `${lockXml(t.lock)}${permissionsXml(t.permissions)}<REGTIME>${t.regtime}</REGTIME>` +
    `${templateXml('TEMPLATE', t.template)}</VMTEMPLATE>`
  );
}

export function renderVmTemplatePool(templates: Iterable<VmTemplateDocument>): string {
  return poolXml('VMTEMPLATE_POOL', templates, renderVmTemplate);
}

export function vmTemplateFromElement(el: XmlElement): VmTemplateDocument {
  if (el.name !== 'VMTEMPLATE') throw new XmlDocumentError(`Expected a <VMTEMPLATE> element but found <${el.name}>.`);
  const id = intOf(el, 'ID', Number.NaN, 'A VM template');
  if (Number.isNaN(id)) throw new XmlDocumentError('A <VMTEMPLATE> element has no <ID>.');
  const what = `VM template ${id}`;
  const lock = lockFromElement(child(el, 'LOCK'), what);
  const template = child(el, 'TEMPLATE');
  return {
    id,
    uid: intOf(el, 'UID', 0, what),
    gid: intOf(el, 'GID', 0, what),
    uname: textOf(el, 'UNAME', ''),
    gname: textOf(el, 'GNAME', ''),
    name: textOf(el, 'NAME', ''),
    ...(lock === undefined ? {} : { lock }),
    permissions: permissionsFromElement(child(el, 'PERMISSIONS'), what),
    regtime: intOf(el, 'REGTIME', 0, what),
    template: template === undefined ? [] : templateFromElement(template),
  };
}

/** Reads a one.template.info answer. */
export function parseVmTemplate(xml: string): VmTemplateDocument {
  return vmTemplateFromElement(readXml(xml, 'The VM template document'));
}

/** Reads a one.templatepool.info answer, templates in document order. */
export function parseVmTemplatePool(xml: string): VmTemplateDocument[] {
  const root = readXml(xml, 'The VM template pool document');
  if (root.name !== 'VMTEMPLATE_POOL') {
    throw new XmlDocumentError(`The VM template pool document has <${root.name}> at its root instead of <VMTEMPLATE_POOL>.`);
  }
  return children(root, 'VMTEMPLATE').map(vmTemplateFromElement);
}
