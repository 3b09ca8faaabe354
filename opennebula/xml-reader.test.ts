import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderHost } from './host-xml.js';
import { doneVm, monitoredHost, pendingVm, runningVm } from './test-support/fixtures.js';
import { renderVm, renderVmPool } from './vm-xml.js';
import { XmlDocumentError, XmlSyntaxError, readXml, scanXml, type XmlElement, type XmlNode } from './xml-reader.js';

/** fast-xml-parser's reading of the same document, in our tree shape: the oracle for scanXml. */
const oracle = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  processEntities: true,
  // decodes character references (&#65;) too; the random documents hold no HTML-only entities
  htmlEntities: true,
});

type Ordered = Record<string, unknown>;

function fromOracle(node: Ordered): XmlNode | undefined {
  for (const key of Object.keys(node)) {
    if (key === '#text') return String(node[key]);
    if (key === '#cdata') return (node[key] as Ordered[]).map((p) => String(p['#text'] ?? '')).join('');
    if (key === ':@' || key.startsWith('?')) continue;
    const children = ((node[key] as Ordered[] | undefined) ?? []).map(fromOracle).filter((c) => c !== undefined);
    return { name: key, children };
  }
  return undefined;
}

function oracleRoot(xml: string): XmlElement {
  const nodes = (oracle.parse(xml) as Ordered[]).map(fromOracle);
  return nodes.find((n): n is XmlElement => typeof n === 'object') as XmlElement;
}

const sample = (name: string) => readFileSync(new URL(`./test-support/samples/${name}`, import.meta.url), 'utf8');

describe('scanXml agrees with fast-xml-parser', () => {
  it('on every real oned sample', () => {
    for (const name of ['vm-info.xml', 'vm-info-pending.xml', 'vmpool-info.xml', 'host-info.xml', 'deploy-payload-vm0.xml']) {
      expect(scanXml(sample(name)), name).toEqual(oracleRoot(sample(name)));
    }
  });

  it('on the documents we render', () => {
    for (const xml of [renderVm(runningVm()), renderVmPool([pendingVm(), doneVm()], 'short'), renderHost(monitoredHost())]) {
      expect(scanXml(xml)).toEqual(oracleRoot(xml));
    }
  });

  it('on random documents with entities, CDATA, blanks and a declaration', () => {
    const name = fc.constantFrom('VM', 'ID', 'TEMPLATE', 'DISK', 'a', 'b_2', 'NIC');
    const textChars = fc.constantFrom('x', ' ', '\n', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#65;', '&#x263A;', '>', '"', "'", ']', '9');
    const text = fc.array(textChars, { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
    const cdata = fc.string({ maxLength: 6 }).filter((s) => !s.includes(']]>')).map((s) => `<![CDATA[${s}]]>`);
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        name.map((n) => `<${n}></${n}>`),
        fc
          .tuple(name, fc.array(fc.oneof({ depthSize: 'small' }, text, cdata, tie('tree')), { maxLength: 4 }))
          .map(([n, kids]) => (kids.length === 0 ? `<${n}/>` : `<${n}>${kids.join('')}</${n}>`)),
      ),
    }));
    fc.assert(
      fc.property(tree, fc.boolean(), (xml, declared) => {
        const doc = declared ? `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n` : xml;
        expect(scanXml(doc)).toEqual(oracleRoot(doc));
      }),
      { numRuns: 300 },
    );
  });
});

describe('scanXml', () => {
  it('keeps text and CDATA as separate nodes, as libxml2 hands them to oned', () => {
    expect(scanXml('<A>x<![CDATA[<y>]]>z</A>')).toEqual({ name: 'A', children: ['x', '<y>', 'z'] });
  });

  it('skips comments and processing instructions', () => {
    expect(scanXml('<?xml version="1.0"?><!-- a --><A><!-- b --><B/><?pi x?></A><!-- c -->')).toEqual({
      name: 'A',
      children: [{ name: 'B', children: [] }],
    });
  });

  it('skips attributes, even with > inside quotes', () => {
    expect(scanXml('<A b="1>2" c=\'3\'><B x="y"/></A>')).toEqual({ name: 'A', children: [{ name: 'B', children: [] }] });
  });

  const faults: [string, number, number, RegExp][] = [
    ['<VM><ID>1</ID>', 1, 1, /<VM> is never closed/],
    ['<VM>\n  <ID>1</NAME></VM>', 2, 8, /<\/NAME> closes <ID>/],
    ['<VM></VM><VM></VM>', 1, 10, /a second root element <VM>/],
    ['<A>a & b</A>', 1, 6, /'&' starts no known entity/],
    ['<A>&nbsp;</A>', 1, 4, /'&' starts no known entity/],
    ['<A><![CDATA[x</A>', 1, 4, /CDATA section is never closed/],
    ['<!DOCTYPE a><a/>', 1, 1, /DOCTYPE/],
    ['hello <a/>', 1, 1, /text outside the root element/],
    ['', 1, 1, /there is no element/],
    ['<A></A >x', 1, 9, /text outside the root element/],
  ];
  for (const [xml, line, column, says] of faults) {
    it(`refuses ${JSON.stringify(xml)} at line ${line}, column ${column}`, () => {
      let error: unknown;
      try {
        scanXml(xml);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(XmlSyntaxError);
      expect(error).toMatchObject({ line, column });
      expect((error as Error).message).toMatch(says);
    });
  }

  it('readXml names the document in its one-sentence error', () => {
    expect(() => readXml('<VM>', 'The VM document')).toThrow(XmlDocumentError);
    expect(() => readXml('<VM>', 'The VM document')).toThrow('The VM document is not well-formed XML: <VM> is never closed at line 1, column 1.');
  });
});
