/**
 * Validates documents against OpenNebula's own XSDs (opennebula/xsd/, copied verbatim from
 * release-7.4.0) with xmllint-wasm, for tests.
 *
 *   validateXsd(xml, schema, options?)         -> { valid, errors }
 *   validateXsdMany(docs, schema, options?)    -> one verdict per { name, xml }, one xmllint run
 *   SchemaName: 'vm' | 'vm_pool' | 'vm_pool_extended' | 'host' | 'host_pool' | 'vmtemplate' | 'vmtemplate_pool'
 *               | 'opennebula_configuration'
 *
 * The schemas declare targetNamespace="http://opennebula.org/XMLSchema" while oned writes no
 * namespace; we drop the target and the default namespace from the schema text in memory, so the
 * documents are checked exactly as oned sends them and `xs:include` of shared.xsd keeps working.
 * The one known case where oned contradicts its own schema is patched the same way (XSD_ERRATA)
 * unless `{ verbatim: true }` is passed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

export type SchemaName =
  | 'vm'
  | 'vm_pool'
  | 'vm_pool_extended'
  | 'host'
  | 'host_pool'
  | 'vmtemplate'
  | 'vmtemplate_pool'
  | 'opennebula_configuration';

export interface XsdVerdict {
  valid: boolean;
  errors: string[];
}

export interface XsdOptions {
  /** validate against the published schemas without XSD_ERRATA */
  verbatim?: boolean;
}

interface Erratum {
  file: string;
  find: string;
  replace: string;
  why: string;
}

export const XSD_ERRATA: readonly Erratum[] = [
  {
    file: 'vm.xsd',
    find: '<xs:element name="TM_MAD_SYSTEM" type="xs:string"/>',
    replace: '<xs:element name="TM_MAD_SYSTEM" type="xs:string" minOccurs="0"/>',
    why: 'oned adds TM_MAD_SYSTEM to the VM template only when the VM is first deployed, so every PENDING VM it returns lacks it',
  },
];

const xsdDir = fileURLToPath(new URL('../xsd/', import.meta.url));

function withoutNamespace(text: string): string {
  return text.replace(/\s+targetNamespace="[^"]*"/, '').replace(/\s+xmlns="http:\/\/opennebula\.org\/XMLSchema"/, '');
}

function loadSchemas(verbatim: boolean): Map<string, string> {
  const schemas = new Map<string, string>();
  for (const file of readdirSync(xsdDir).filter((f) => f.endsWith('.xsd'))) {
    schemas.set(file, withoutNamespace(readFileSync(xsdDir + file, 'utf8')));
  }
  if (!verbatim) {
    for (const erratum of XSD_ERRATA) {
      const text = schemas.get(erratum.file);
      if (text === undefined || !text.includes(erratum.find)) {
        throw new Error(`XSD erratum for ${erratum.file} no longer applies: '${erratum.find}' is not in the schema.`);
      }
      schemas.set(erratum.file, text.replace(erratum.find, erratum.replace));
    }
  }
  return schemas;
}

const cache = new Map<boolean, Map<string, string>>();

function schemasFor(verbatim: boolean): Map<string, string> {
  let schemas = cache.get(verbatim);
  if (schemas === undefined) {
    schemas = loadSchemas(verbatim);
    cache.set(verbatim, schemas);
  }
  return schemas;
}

export async function validateXsdMany(
  docs: readonly { name: string; xml: string }[],
  schema: SchemaName,
  options: XsdOptions = {},
): Promise<Map<string, XsdVerdict>> {
  const schemas = schemasFor(options.verbatim ?? false);
  const main = `${schema}.xsd`;
  const mainText = schemas.get(main);
  if (mainText === undefined) throw new Error(`No schema ${main} in ${xsdDir}.`);
  const preload: XMLFileInfo[] = [...schemas].filter(([file]) => file !== main).map(([fileName, contents]) => ({ fileName, contents }));
  const files = docs.map((d, i) => ({ fileName: `doc-${i}.xml`, contents: d.xml }));
  const result = await validateXML({
    xml: files,
    schema: [{ fileName: main, contents: mainText }],
    preload,
    initialMemoryPages: 1024,
    maxMemoryPages: 16384,
  });
  const verdicts = new Map<string, XsdVerdict>();
  docs.forEach((d, i) => {
    const errors = result.errors.filter((e) => e.loc?.fileName === `doc-${i}.xml`).map((e) => e.message);
    verdicts.set(d.name, { valid: errors.length === 0, errors });
  });
  const unplaced = result.errors.filter((e) => !files.some((f) => f.fileName === e.loc?.fileName));
  if (!result.valid && unplaced.length > 0 && [...verdicts.values()].every((v) => v.valid)) {
    throw new Error(`xmllint failed without naming a document: ${unplaced.map((e) => e.rawMessage).join('; ')}`);
  }
  return verdicts;
}

export async function validateXsd(xml: string, schema: SchemaName, options: XsdOptions = {}): Promise<XsdVerdict> {
  const verdicts = await validateXsdMany([{ name: 'document', xml }], schema, options);
  return verdicts.get('document') as XsdVerdict;
}
