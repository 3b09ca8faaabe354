/**
 * VM template documents on the wire (VMTemplate::to_xml; opennebula/xsd/vmtemplate.xsd,
 * vmtemplate_pool.xsd).
 *
 *   renderVmTemplate(t)          one.template.info
 *   renderVmTemplatePool(ts)     one.templatepool.info, in the order given
 */
import type { VmTemplateDocument } from './documents.js';
import { escapeXml, lockXml, permissionsXml, poolXml, templateXml } from './xml-text.js';

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
