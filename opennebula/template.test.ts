import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TemplateSyntaxError,
  getSingle,
  getVector,
  getVectors,
  parseTemplate,
  parseTemplateText,
  parseTemplateXml,
  removeAttribute,
  renderTemplate,
  setSingle,
  type Template,
} from './template.js';

function syntaxError(text: string): TemplateSyntaxError {
  try {
    parseTemplate(text);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe('parseTemplateText: what oned accepts', () => {
  it('reads single attributes, upper-casing names', () => {
    expect(parseTemplateText('cpu = 0.5\nMemory=512\nNAME = "web 1"\n')).toEqual([
      { name: 'CPU', value: '0.5' },
      { name: 'MEMORY', value: '512' },
      { name: 'NAME', value: 'web 1' },
    ]);
  });

  it('reads several attributes on one line and keeps source order', () => {
    expect(parseTemplateText('B = 2 A = "1"')).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
  });

  it('unescapes \\" and nothing else inside quotes', () => {
    expect(parseTemplateText('DESCRIPTION = "say \\"hi\\" to C:\\\\temp"')).toEqual([
      { name: 'DESCRIPTION', value: 'say "hi" to C:\\\\temp' },
    ]);
  });

  it('keeps a quoted value across lines', () => {
    const t = parseTemplateText('SCRIPT = "#!/bin/sh\necho = [x], y"\nCPU = 1\n');
    expect(t).toEqual([
      { name: 'SCRIPT', value: '#!/bin/sh\necho = [x], y' },
      { name: 'CPU', value: '1' },
    ]);
  });

  it('reads `NAME =` then a newline, and "" as empty values', () => {
    expect(parseTemplateText('A =\nB = ""\n')).toEqual([
      { name: 'A', value: '' },
      { name: 'B', value: '' },
    ]);
  });

  it('reads vector attributes with commas, across lines, and keeps repeated attributes', () => {
    const text = [
      'DISK = [ IMAGE_ID = 0, TYPE = "fs" ]',
      'DISK = [',
      '  type = swap ,',
      '  SIZE = 1024',
      ']',
      'CONTEXT = [ ]',
    ].join('\n');
    expect(parseTemplateText(text)).toEqual([
      { name: 'DISK', vector: { IMAGE_ID: '0', TYPE: 'fs' } },
      { name: 'DISK', vector: { TYPE: 'swap', SIZE: '1024' } },
      { name: 'CONTEXT', vector: {} },
    ]);
  });

  it('keeps the first of a repeated key inside a vector, as std::map::insert does', () => {
    expect(parseTemplateText('NIC = [ IP = 1, ip = 2 ]')).toEqual([{ name: 'NIC', vector: { IP: '1' } }]);
  });

  it('skips comments wherever an attribute or vector pair may start', () => {
    const text = ['# a VM', 'CPU = 1 # one core', 'DISK = [ # the OS', '  IMAGE_ID = 3 # ubuntu', ', SIZE = 9 ]', ''].join('\n');
    expect(parseTemplateText(text)).toEqual([
      { name: 'CPU', value: '1' },
      { name: 'DISK', vector: { IMAGE_ID: '3', SIZE: '9' } },
    ]);
  });

  it('prefixes ONE_ to names that are not valid XML element names, as oned 5+ does', () => {
    expect(parseTemplateText('1ST = a\n_X = b\nXMLDATA = c\nxmldata = d\n')).toEqual([
      { name: 'ONE_1ST', value: 'a' },
      { name: '_X', value: 'b' },
      { name: 'ONE_XMLDATA', value: 'c' },
      { name: 'XMLDATA', value: 'd' },
    ]);
  });

  it('reads `"x"y` as the bare word it is to oned (the longest lexer match wins)', () => {
    expect(parseTemplateText('A = "x"y\n')).toEqual([{ name: 'A', value: '"x"y' }]);
  });

  it('treats a carriage return as a blank, so CRLF files read as meant', () => {
    expect(parseTemplateText('CPU = 1\r\nMEMORY =\r\nDISK = [ A = 1,\r\n B = 2 ]\r\n')).toEqual([
      { name: 'CPU', value: '1' },
      { name: 'MEMORY', value: '' },
      { name: 'DISK', vector: { A: '1', B: '2' } },
    ]);
  });

  it('reads an empty or comment-only template as no attributes', () => {
    expect(parseTemplateText('')).toEqual([]);
    expect(parseTemplateText('\n  # nothing\n')).toEqual([]);
  });
});

describe('parseTemplateText: what oned refuses, with the position of the fault', () => {
  const cases: { text: string; line: number; column: number; says: RegExp }[] = [
    { text: 'CPU 1', line: 1, column: 5, says: /expected '=' after CPU but found '1'/ },
    { text: 'CPU = 1\n= 2', line: 2, column: 1, says: /expected an attribute name but found '='/ },
    { text: 'MEMORY = 512\nCPU = ', line: 2, column: 7, says: /expected a value for CPU but found the end of the template/ },
    { text: 'CPU = ,', line: 1, column: 7, says: /expected a value for CPU but found ','/ },
    { text: 'DISK = [ IMAGE_ID = 0\n  TYPE = fs ]', line: 2, column: 3, says: /expected ',' or ']' in vector attribute DISK but found 'TYPE'.*comma/ },
    { text: 'A = 1\nDISK = [ IMAGE_ID = 0,', line: 2, column: 1, says: /vector attribute DISK is never closed/ },
    { text: 'DISK = [ IMAGE_ID =\n, X = 1 ]', line: 1, column: 20, says: /IMAGE_ID in vector attribute DISK has no value/ },
    { text: 'DISK = [ = 1 ]', line: 1, column: 10, says: /expected a name inside vector attribute DISK but found '='/ },
    { text: 'NAME = "abc\nCPU = 1\n', line: 1, column: 8, says: /quoted value of NAME is never closed/ },
    { text: 'CPU = 1\n  A = "x]]>y"', line: 2, column: 9, says: /contains '\]\]>'/ },
    { text: 'CPU = 1\n# trailing', line: 2, column: 1, says: /comment must end with a newline/ },
    { text: 'CPU-MAX = 1', line: 1, column: 4, says: /expected '=' after CPU but found '-'/ },
  ];
  for (const { text, line, column, says } of cases) {
    it(`${JSON.stringify(text)} -> line ${line}, column ${column}`, () => {
      const error = syntaxError(text);
      expect({ line: error.line, column: error.column }).toEqual({ line, column });
      expect(error.message).toMatch(says);
      expect(error.message).toMatch(new RegExp(`^Template error at line ${line}, column ${column}: .*\\.$`));
    });
  }
});

describe('parseTemplate: the XML form one.vm.allocate also accepts', () => {
  it('reads singles, CDATA, vectors and repeats in document order', () => {
    const xml =
      '<TEMPLATE><cpu>0.5</cpu><NAME><![CDATA[a <b> & c]]></NAME>\n' +
      '  <DISK>\n    <IMAGE_ID>0</IMAGE_ID>\n    <TYPE><![CDATA[fs]]></TYPE>\n  </DISK>' +
      '<DISK><SIZE>1</SIZE><SIZE>2</SIZE></DISK><EMPTY/><ALSO_EMPTY></ALSO_EMPTY><AMP>x &amp; y</AMP></TEMPLATE>';
    expect(parseTemplate(xml)).toEqual([
      { name: 'CPU', value: '0.5' },
      { name: 'NAME', value: 'a <b> & c' },
      { name: 'DISK', vector: { IMAGE_ID: '0', TYPE: 'fs' } },
      { name: 'DISK', vector: { SIZE: '2' } },
      { name: 'AMP', value: 'x & y' },
    ]);
  });

  it('is chosen only when the first character is "<", as in oned', () => {
    expect(syntaxError(' <TEMPLATE/>').message).toMatch(/line 1, column 2: expected an attribute name but found '<'/);
  });

  it('reports malformed XML with its position', () => {
    const error = syntaxError('<TEMPLATE>\n<CPU>1</MEMORY></TEMPLATE>');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/XML template is malformed/);
  });

  it('agrees with the text form on the same template', () => {
    const text = 'CPU = 1\nDISK = [ IMAGE_ID = 7, TARGET = vda ]\n';
    const xml = '<TEMPLATE><CPU>1</CPU><DISK><IMAGE_ID>7</IMAGE_ID><TARGET>vda</TARGET></DISK></TEMPLATE>';
    expect(parseTemplateXml(xml)).toEqual(parseTemplateText(text));
  });
});

describe('renderTemplate', () => {
  it('writes bare values where it can and quotes the rest', () => {
    const t: Template = [
      { name: 'CPU', value: '0.5' },
      { name: 'NAME', value: 'say "hi"' },
      { name: 'EMPTY', value: '' },
      { name: 'DISK', vector: { IMAGE_ID: '0', TARGET: 'a b' } },
      { name: 'CONTEXT', vector: {} },
    ];
    expect(renderTemplate(t)).toBe(
      'CPU = 0.5\nNAME = "say \\"hi\\""\nEMPTY = ""\nDISK = [\n  IMAGE_ID = 0,\n  TARGET = "a b" ]\nCONTEXT = [ ]\n',
    );
  });

  it('refuses the values the syntax cannot carry, naming the attribute', () => {
    expect(() => renderTemplate([{ name: 'A', value: 'x]]>' }])).toThrow(/attribute A: .*'\]\]>'/);
    expect(() => renderTemplate([{ name: 'D', vector: { P: 'a b\\' } }])).toThrow(/attribute D\/P: .*backslash/);
  });

  it('reads back what it writes, for any template it can write', () => {
    const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/).filter((n) => !n.startsWith('XML'));
    const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '=', ',', '[', ']', '#', '\n', '\t', '>', '.'), maxLength: 12 });
    const attribute = fc.oneof(
      fc.record({ name, value }),
      fc.record({ name, vector: fc.dictionary(name, value, { maxKeys: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(attribute, { maxLength: 6 }), (template) => {
        let text: string;
        try {
          text = renderTemplate(template);
        } catch {
          // unwritable: a quoted value ending in a backslash, or ']]>' anywhere
          const values = template.flatMap((a) => ('value' in a ? [a.value] : Object.values(a.vector)));
          return values.some((v) => v.endsWith('\\') || v.includes(']]>'));
        }
        expect(parseTemplateText(text)).toEqual(template);
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('accessors', () => {
  const t = parseTemplateText('CPU = 1\nDISK = [ IMAGE_ID = 0 ]\nMEMORY = 64\nDISK = [ TYPE = swap ]\n');

  it('find singles and vectors by name, case-insensitively', () => {
    expect(getSingle(t, 'cpu')).toBe('1');
    expect(getSingle(t, 'DISK')).toBeUndefined();
    expect(getSingle(t, 'VCPU')).toBeUndefined();
    expect(getVectors(t, 'disk')).toEqual([{ IMAGE_ID: '0' }, { TYPE: 'swap' }]);
    expect(getVector(t, 'DISK')).toEqual({ IMAGE_ID: '0' });
    expect(getVector(t, 'NIC')).toBeUndefined();
  });

  it('setSingle replaces every attribute of the name where the first stood, without touching the input', () => {
    expect(setSingle(t, 'disk', 'none')).toEqual([
      { name: 'CPU', value: '1' },
      { name: 'DISK', value: 'none' },
      { name: 'MEMORY', value: '64' },
    ]);
    expect(setSingle(t, 'vmid', '7').at(-1)).toEqual({ name: 'VMID', value: '7' });
    expect(t).toHaveLength(4);
  });

  it('removeAttribute drops every attribute of the name', () => {
    expect(removeAttribute(t, 'Disk').map((a) => a.name)).toEqual(['CPU', 'MEMORY']);
  });
});
