import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCall,
  decodeResponse,
  encodeCall,
  encodeFault,
  encodeResponse,
  escapeText,
  FaultCode,
  MAX_NESTING,
  XmlRpcFault,
  XmlRpcParseError,
  type XmlRpcValue,
} from './xmlrpc.js';

const sampleXml = (name: string) => readFileSync(new URL(`./test-support/samples/${name}`, import.meta.url), 'utf8');

/** Strings XML 1.0 can carry: any code point but the C0 controls other than tab, newline, CR. */
const xmlString = fc.string({ unit: 'binary' }).map((s) =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '?'),
);

const scalar: fc.Arbitrary<XmlRpcValue> = fc.oneof(
  xmlString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => !Number.isSafeInteger(Number(b))),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.date({ min: new Date(Date.UTC(0, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map(
    (d) => new Date(Math.floor(d.getTime() / 1000) * 1000),
  ),
  fc.uint8Array({ maxLength: 40 }),
);

const { value: arbitraryValue } = fc.letrec<{ value: XmlRpcValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(xmlString, tie('value'), { maxKeys: 5 }),
  ),
}));

describe('the XML-RPC codec', () => {
  it('reads back every value it writes, in calls and in responses', () => {
    fc.assert(
      fc.property(arbitraryValue, (value) => {
        expect(decodeResponse(encodeResponse(value))).toEqual({ value });
        expect(decodeCall(encodeCall('one.vm.allocate', [value, 'x']))).toEqual({ method: 'one.vm.allocate', params: [value, 'x'] });
      }),
      { numRuns: 400 },
    );
  });

  it('carries every sample answer of a real oned byte for byte, CDATA, entities and all', () => {
    for (const name of ['host-info.xml', 'vm-info.xml', 'vm-info-pending.xml', 'vmpool-info.xml']) {
      const xml = sampleXml(name);
      const wire = encodeResponse([true, xml, 0]);
      expect(wire).not.toContain('<![CDATA[');
      expect(decodeResponse(wire)).toEqual({ value: [true, xml, 0] });
    }
  });

  it('writes 32-bit whole numbers as <int>, wider ones as <i8>, and reads both', () => {
    expect(encodeResponse(2 ** 31 - 1)).toContain('<int>2147483647</int>');
    expect(encodeResponse(2 ** 31)).toContain('<i8>2147483648</i8>');
    expect(encodeResponse(2n ** 62n)).toContain('<i8>4611686018427387904</i8>');
    const failure7 = '<methodResponse><params><param><value><array><data><value><boolean>0</boolean></value><value><string>[one.vm.info] Error getting virtual machine [42].</string></value><value><i4>1024</i4></value><value><int>42</int></value><value><i8>-1</i8></value></data></array></value></param></params></methodResponse>';
    expect(decodeResponse(failure7)).toEqual({ value: [false, '[one.vm.info] Error getting virtual machine [42].', 1024, 42, -1] });
    expect(decodeResponse(encodeResponse(2n ** 62n))).toEqual({ value: 2n ** 62n });
  });

  it('reads untyped values as strings, <nil/> as null, empty strings in every spelling', () => {
    const v = (inner: string) => decodeResponse(`<methodResponse><params><param>${inner}</param></params></methodResponse>`);
    expect(v('<value>  one&amp;two </value>')).toEqual({ value: '  one&two ' });
    expect(v('<value/>')).toEqual({ value: '' });
    expect(v('<value><string/></value>')).toEqual({ value: '' });
    expect(v('<value><![CDATA[<VM>]]></value>')).toEqual({ value: '<VM>' });
    expect(v('<value><nil/></value>')).toEqual({ value: null });
    expect(v('<value><ex:nil/></value>')).toEqual({ value: null });
    expect(v('<value> <i4> 7 </i4> </value>')).toEqual({ value: 7 });
    expect(v('<value><string>a\r\nb&#13;c</string></value>')).toEqual({ value: 'a\nb\rc' });
    expect(v('<value><array><data/></array></value>')).toEqual({ value: [] });
    expect(v('<value><struct/></value>')).toEqual({ value: {} });
  });

  it('reads the documents Python and the xmlrpc package write', () => {
    const python =
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>one.vm.allocate</methodName>\n<params>\n<param>\n<value><string>oneadmin:oneadmin</string></value>\n</param>\n<param>\n<value><string>NAME=a</string></value>\n</param>\n<param>\n<value><boolean>0</boolean></value>\n</param>\n</params>\n</methodCall>\n";
    expect(decodeCall(python)).toEqual({ method: 'one.vm.allocate', params: ['oneadmin:oneadmin', 'NAME=a', false] });
    const npm = '<?xml version="1.0"?><methodCall><methodName>one.vmpool.info</methodName><params><param><value><string><![CDATA[oneadmin:oneadmin]]></string></value></param><param><value><int>-2</int></value></param></params></methodCall>';
    expect(decodeCall(npm)).toEqual({ method: 'one.vmpool.info', params: ['oneadmin:oneadmin', -2] });
    expect(decodeCall('<methodCall><methodName>system.listMethods</methodName></methodCall>')).toEqual({ method: 'system.listMethods', params: [] });
  });

  it('reads a fault, and writes one with its code and message', () => {
    const wire = encodeFault(FaultCode.NO_SUCH_METHOD, 'Method one.vm.fly not defined');
    expect(decodeResponse(wire)).toEqual({ fault: { code: -506, message: 'Method one.vm.fly not defined' } });
  });

  it('always writes a fault, even one quoting characters XML cannot carry', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (quoted) => {
        const { fault } = decodeResponse(encodeFault(FaultCode.PARSE, `"<${quoted}" is not a tag`)) as { fault: { message: string } };
        expect(fault.message).toHaveLength(`"<${quoted}" is not a tag`.length);
      }),
    );
    expect(decodeResponse(encodeFault(-503, 'a\u0001b\ud800c\udc00\ud83d\ude00'))).toEqual({ fault: { code: -503, message: 'a\ufffdb\ufffdc\ufffd\ud83d\ude00' } });
  });

  const refused: Array<[string, string, RegExp]> = [
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>a</methodName></methodCall>', /DOCTYPE is refused/],
    ['an undeclared entity', '<methodCall><methodName>a&b;</methodName></methodCall>', /"&b;" is not a character/],
    ['a bare ampersand', '<methodCall><methodName>a & b</methodName></methodCall>', /"&" that starts no entity/],
    ['a control character', '<methodCall><methodName>a\u0001</methodName></methodCall>', /U\+0001 is not allowed/],
    ['a reference to a control character', '<methodCall><methodName>a</methodName><params><param><value>&#1;</value></param></params></methodCall>', /"&#1;" is not a character/],
    ['an int beyond 32 bits', '<methodCall><methodName>a</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall>', /beyond 32 bits/],
    ['a fractional int', '<methodCall><methodName>a</methodName><params><param><value><i4>1.5</i4></value></param></params></methodCall>', /not a whole number/],
    ['an i8 beyond 64 bits', '<methodCall><methodName>a</methodName><params><param><value><i8>9223372036854775808</i8></value></param></params></methodCall>', /beyond 64 bits/],
    ['a boolean "true"', '<methodCall><methodName>a</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall>', /not 0 or 1/],
    ['an unknown type', '<methodCall><methodName>a</methodName><params><param><value><float>1</float></value></param></params></methodCall>', /<float> is not an XML-RPC type/],
    ['attributes', '<methodCall a="1"><methodName>a</methodName></methodCall>', /has attributes/],
    ['an unclosed element', '<methodCall><methodName>a</methodName>', /ends early/],
    ['a mismatched close', '<methodCall><methodName>a</methodName></methodResponse>', /expected <\/methodCall>/],
    ['trailing content', '<methodCall><methodName>a</methodName></methodCall><x/>', /content after the root/],
    ['a declaration with a stray character', '<?xml version="1.0" encod<ing="UTF-8"?><methodCall><methodName>a</methodName></methodCall>', /XML declaration is malformed/],
    ['a latin-1 declaration', '<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>a</methodName></methodCall>', /UTF-8 only/],
    ['a bad method name', '<methodCall><methodName>a b</methodName></methodCall>', /not a method name/],
    ['text where an element belongs', '<methodCall><methodName>a</methodName><params>x<param/></params></methodCall>', /text where an element belongs/],
    ['a repeated struct member', '<methodCall><methodName>a</methodName><params><param><value><struct><member><name>k</name><value>1</value></member><member><name>k</name><value>2</value></member></struct></value></param></params></methodCall>', /repeats the member "k"/],
    ['an empty document', '', /ends early/],
  ];
  for (const [what, xml, reason] of refused) {
    it(`refuses ${what} with a parse fault (-503) that says where`, () => {
      let caught: unknown;
      try {
        decodeCall(xml);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(XmlRpcParseError);
      expect((caught as XmlRpcParseError).code).toBe(-503);
      expect((caught as Error).message).toMatch(reason);
      expect((caught as Error).message).toMatch(/at line \d+, column \d+$/);
    });
  }

  it(`refuses values nested deeper than ${MAX_NESTING} levels, both ways`, () => {
    let deep: XmlRpcValue = 1;
    for (let i = 0; i < MAX_NESTING; i++) deep = [deep];
    expect(() => encodeResponse(deep)).toThrow(/nest deeper/);
    const xml = `<methodCall><methodName>a</methodName><params><param>${'<value><array><data>'.repeat(200)}${'</data></array></value>'.repeat(200)}</param></params></methodCall>`;
    expect(() => decodeCall(xml)).toThrow(/nest deeper/);
  });

  it('refuses to write what the wire cannot carry, with a type fault (-501)', () => {
    for (const bad of ['a\u0000b', 'a\ud800b', 'tail\udc00', '\uffff'] as const) {
      expect(() => escapeText(bad)).toThrow(XmlRpcFault);
    }
    expect(escapeText('a\ud83d\ude00b')).toBe('a\ud83d\ude00b');
    expect(() => encodeResponse(Number.NaN)).toThrow(/NaN has no XML-RPC form/);
    expect(() => encodeResponse(2 ** 60)).toThrow(/beyond 2\^53/);
    expect(() => encodeResponse(undefined as unknown as XmlRpcValue)).toThrow(/undefined has no XML-RPC form/);
    expect(() => encodeCall('a b', [])).toThrow(/not an XML-RPC method name/);
  });

  it('escapes markup, "]]>" and carriage returns so the text comes back as it went', () => {
    expect(escapeText('<a>&]]>\r')).toBe('&lt;a&gt;&amp;]]&gt;&#13;');
    expect(escapeText(readFileSync(new URL('./test-support/fixtures.ts', import.meta.url), 'utf8'))).not.toMatch(/[<>]/);
  });
});
