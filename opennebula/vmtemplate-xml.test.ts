import { describe, expect, it } from 'vitest';
import { vmTemplate } from './test-support/fixtures.js';
import { validateXsd } from './test-support/xsd.js';
import { parseVmTemplate, parseVmTemplatePool, renderVmTemplate, renderVmTemplatePool } from './vmtemplate-xml.js';

describe('renderVmTemplate (one.template.info)', () => {
  it('writes the document in vmtemplate.xsd order with a sorted, CDATA template', () => {
    expect(renderVmTemplate(vmTemplate(4))).toBe(
      '<VMTEMPLATE><ID>4</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>scale-template</NAME>' +
        '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A>' +
        '<OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS><REGTIME>1795609846</REGTIME><TEMPLATE>' +
        '<CONTEXT><NETWORK><![CDATA[YES]]></NETWORK><SSH_PUBLIC_KEY><![CDATA[ssh-ed25519 AAAA test@stampede]]></SSH_PUBLIC_KEY></CONTEXT>' +
        '<CPU><![CDATA[0.1]]></CPU><DISK><IMAGE_ID><![CDATA[0]]></IMAGE_ID></DISK>' +
        '<DISK><FORMAT><![CDATA[qcow2]]></FORMAT><SIZE><![CDATA[64]]></SIZE><TYPE><![CDATA[fs]]></TYPE></DISK>' +
        '<MEMORY><![CDATA[64]]></MEMORY></TEMPLATE></VMTEMPLATE>',
    );
  });

  it('writes a LOCK between NAME and PERMISSIONS while locked', () => {
    const xml = renderVmTemplate({ ...vmTemplate(1), lock: { locked: 1, owner: 0, time: 1795610000, reqId: 12 } });
    expect(xml).toContain('<NAME>scale-template</NAME><LOCK><LOCKED>1</LOCKED><OWNER>0</OWNER><TIME>1795610000</TIME><REQ_ID>12</REQ_ID></LOCK><PERMISSIONS>');
  });
});

describe('VM template documents validate against OpenNebula 7.4 XSDs', () => {
  it('vmtemplate.xsd and vmtemplate_pool.xsd', async () => {
    const locked = { ...vmTemplate(1), lock: { locked: 1, owner: 0, time: 1795610000, reqId: 12 } };
    expect(await validateXsd(renderVmTemplate(locked), 'vmtemplate')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(renderVmTemplatePool([vmTemplate(0), locked]), 'vmtemplate_pool')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(renderVmTemplatePool([]), 'vmtemplate_pool')).toEqual({ valid: true, errors: [] });
  });
});

describe('parseVmTemplate and parseVmTemplatePool', () => {
  it('read back what the renderers write', () => {
    const locked = { ...vmTemplate(1), lock: { locked: 1, owner: 0, time: 1795610000, reqId: 12 } };
    const parsed = parseVmTemplate(renderVmTemplate(locked));
    expect({ ...parsed, template: [] }).toEqual({ ...locked, template: [] });
    expect(renderVmTemplate(parsed)).toBe(renderVmTemplate(locked));
    expect(parseVmTemplatePool(renderVmTemplatePool([vmTemplate(3), vmTemplate(2)])).map((t) => t.id)).toEqual([3, 2]);
  });
});
