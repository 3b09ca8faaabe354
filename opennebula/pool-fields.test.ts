import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPoolFields } from './pool-fields.js';
import { doneVm, pendingVm, runningVm } from './test-support/fixtures.js';
import { renderVmPool } from './vm-xml.js';
import { child, children, scanXml, text, XmlSyntaxError, type XmlElement } from './xml-reader.js';

const PATHS = ['ID', 'STATE', 'USER_TEMPLATE/ERROR', 'HISTORY_RECORDS/HISTORY/HOSTNAME'];

/** The same fields read from the element tree: the last element at each step on the way, the first field. */
function fromTree(xml: string): { root: string; items: Array<Array<string | undefined>> } {
  const root = scanXml(xml);
  const field = (el: XmlElement, path: string): string | undefined => {
    let at: XmlElement | undefined = el;
    const names = path.split('/');
    names.forEach((name, i) => {
      if (at !== undefined) at = i === names.length - 1 ? child(at, name) : children(at, name).at(-1);
    });
    return at === undefined ? undefined : text(at);
  };
  return { root: root.name, items: children(root, 'VM').map((vm) => PATHS.map((p) => field(vm, p))) };
}

describe('readPoolFields', () => {
  it('reads the fields of the pools we render as the element tree has them', () => {
    const vms = [pendingVm(), runningVm(), doneVm()];
    const xml = renderVmPool(vms, 'short');
    const read = readPoolFields(xml, 'VM', PATHS);
    expect(read).toEqual(fromTree(xml));
    expect(read.items.map((item) => item[0])).toEqual(vms.map((vm) => String(vm.id)));
    expect(readPoolFields(renderVmPool(vms, 'extended'), 'VM', PATHS)).toEqual(fromTree(renderVmPool(vms, 'extended')));
  });

  it('takes the first of repeated fields, the last of repeated elements on the way, and decodes text and CDATA', () => {
    const xml =
      '<VM_POOL><VM><ID>1</ID><ID>2</ID><STATE>a &amp; <![CDATA[<b>]]><X>not this</X>c</STATE>' +
      '<HISTORY_RECORDS><HISTORY><HOSTNAME>h1</HOSTNAME></HISTORY><HISTORY><SEQ>1</SEQ></HISTORY></HISTORY_RECORDS></VM>' +
      '<OTHER><ID>9</ID></OTHER><VM><USER_TEMPLATE><ERROR/></USER_TEMPLATE></VM></VM_POOL>';
    expect(readPoolFields(xml, 'VM', PATHS)).toEqual({
      root: 'VM_POOL',
      items: [
        ['1', 'a & <b>c', undefined, undefined],
        [undefined, undefined, '', undefined],
      ],
    });
  });

  it('agrees with the element tree on random pools', () => {
    const leaf = (name: string) =>
      fc.oneof(
        fc.constantFrom('', 'x', '7', 'a&amp;b', '<![CDATA[c]]>', ' ').map((t) => (t === '' ? `<${name}/>` : `<${name}>${t}</${name}>`)),
        fc.constant(`<${name}>1<Z>2</Z>3</${name}>`),
      );
    const history = fc.array(fc.oneof(leaf('HOSTNAME'), leaf('SEQ')), { maxLength: 3 }).map((k) => `<HISTORY>${k.join('')}</HISTORY>`);
    const member = fc
      .array(
        fc.oneof(
          leaf('ID'),
          leaf('STATE'),
          leaf('NAME'),
          fc.array(fc.oneof(leaf('ERROR'), leaf('LABELS')), { maxLength: 2 }).map((k) => `<USER_TEMPLATE>${k.join('')}</USER_TEMPLATE>`),
          fc.array(history, { maxLength: 3 }).map((k) => `<HISTORY_RECORDS>${k.join('')}</HISTORY_RECORDS>`),
        ),
        { maxLength: 6 },
      )
      .map((k) => `<VM>${k.join('')}</VM>`);
    fc.assert(
      fc.property(fc.array(member, { maxLength: 4 }), (vms) => {
        const xml = `<VM_POOL>${vms.join('')}</VM_POOL>`;
        expect(readPoolFields(xml, 'VM', PATHS)).toEqual(fromTree(xml));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a malformed document as the tree reader does, even where no field is read', () => {
    for (const xml of ['<VM_POOL><VM><NAME>a & b</NAME></VM></VM_POOL>', '<VM_POOL><VM><NAME></VM></VM_POOL>', '<VM_POOL>']) {
      expect(() => readPoolFields(xml, 'VM', PATHS)).toThrow(XmlSyntaxError);
      expect(() => readPoolFields(xml, 'VM', PATHS)).toThrow((() => {
        try {
          scanXml(xml);
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      })());
    }
  });
});
