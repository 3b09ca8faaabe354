import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXsd, validateXsdMany } from './xsd.js';

const sample = (name: string) => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8');

describe('validateXsd', () => {
  it('accepts the real oned responses, namespace-less as oned sends them', async () => {
    expect(await validateXsd(sample('vm-info.xml'), 'vm')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(sample('vmpool-info.xml'), 'vm_pool')).toEqual({ valid: true, errors: [] });
    expect(await validateXsd(sample('host-info.xml'), 'host')).toEqual({ valid: true, errors: [] });
  });

  it('needs its one erratum for a real PENDING VM, and says why without it', async () => {
    expect(await validateXsd(sample('vm-info-pending.xml'), 'vm')).toEqual({ valid: true, errors: [] });
    const verbatim = await validateXsd(sample('vm-info-pending.xml'), 'vm', { verbatim: true });
    expect(verbatim.valid).toBe(false);
    expect(verbatim.errors).toHaveLength(1);
    expect(verbatim.errors[0]).toMatch(/TM_MAD_SYSTEM/);
  });

  it('rejects a document out of schema order, and pins the error on that document only', async () => {
    const good = sample('vm-info.xml');
    const swapped = good.replace('<UID>0</UID><GID>0</GID>', '<GID>0</GID><UID>0</UID>');
    const verdicts = await validateXsdMany(
      [
        { name: 'good', xml: good },
        { name: 'swapped', xml: swapped },
      ],
      'vm',
    );
    expect(verdicts.get('good')).toEqual({ valid: true, errors: [] });
    expect(verdicts.get('swapped')?.valid).toBe(false);
    expect(verdicts.get('swapped')?.errors.join('\n')).toMatch(/Element 'GID': This element is not expected. Expected is \( UID \)/);
  });

  it('rejects a document with the wrong root for the schema', async () => {
    const verdict = await validateXsd(sample('host-info.xml'), 'vm');
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(/No matching global declaration available for the validation root/);
  });
});
