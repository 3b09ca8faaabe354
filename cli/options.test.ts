import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { checkOutDir, checkScenarioFile, clockChoice, outDir, profileName, scenarioSetting, wholeNumber } from './options.js';

describe('flag parsers', () => {
  it('read the values a user types', () => {
    expect(wholeNumber('--vms', 1, 1000)('512')).toBe(512);
    expect(wholeNumber('--seed', 0, 2 ** 32 - 1)('0')).toBe(0);
    expect(clockChoice('virtual')).toEqual({ kind: 'virtual' });
    expect(clockChoice('scaled:2.5')).toEqual({ kind: 'scaled', scale: 2.5 });
    expect(clockChoice('scaled:1e9')).toEqual({ kind: 'scaled', scale: 1e9 });
    expect(profileName('opennebula-4.4')).toBe('opennebula-4.4');
    expect(outDir('out/run-1')).toBe('out/run-1');
  });

  it('refuse the rest with a sentence naming the flag and the value', () => {
    expect(() => wholeNumber('--vms', 1, 100)('1e3')).toThrow(InvalidArgumentError);
    expect(() => wholeNumber('--vms', 1, 100)('1e3')).toThrow('--vms must be a whole number >= 1, got "1e3".');
    expect(() => wholeNumber('--seed', 0, 2 ** 32 - 1)('99999999999999999999')).toThrow('--seed 99999999999999999999 is too large: at most 4,294,967,295.');
    expect(() => wholeNumber('--vms', 1, 100)('101')).toThrow('--vms 101 is too large: at most 100.');
    expect(() => clockChoice('scaled:')).toThrow('--clock must be virtual, scaled:FACTOR with FACTOR a positive number');
    expect(() => clockChoice('scaled:0')).toThrow('got "scaled:0"');
    expect(() => profileName('')).toThrow('--profile must be a profile name');
  });

  it('check that a scenario file exists and is of a kind the loader reads', () => {
    expect(checkScenarioFile('package.json')).toBeUndefined();
    expect(checkScenarioFile('nowhere/nightly.yaml')).toBe('scenario file "nowhere/nightly.yaml" does not exist.');
    expect(checkScenarioFile('README')).toBe('scenario file "README" must end in .ts, .mts, .json, .yaml or .yml.');
  });

  it('read --set PATH=VALUE with the value as YAML, in order', () => {
    const a = scenarioSetting('load.mode=serial', undefined);
    const b = scenarioSetting('latency.vmm.deploy={dist: fixed, value: 300}', a);
    const c = scenarioSetting('budgets.total=[mean < 60s]', b);
    expect(c).toEqual([
      { path: ['load', 'mode'], value: 'serial' },
      { path: ['latency', 'vmm', 'deploy'], value: { dist: 'fixed', value: 300 } },
      { path: ['budgets', 'total'], value: ['mean < 60s'] },
    ]);
    expect(scenarioSetting('seed=7', undefined)[0]!.value).toBe(7);
    expect(() => scenarioSetting('=3', undefined)).toThrow('--set takes PATH=VALUE');
    expect(() => scenarioSetting('a..b=3', undefined)).toThrow('--set takes PATH=VALUE');
    expect(() => scenarioSetting('vms={count: ', undefined)).toThrow('--set vms: the value is not valid YAML');
  });
});

describe('the report directory', () => {
  it('is created level by level, and refused with a sentence where it cannot be', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'stampede-out-'));
    try {
      expect(await checkOutDir(join(dir, 'a', 'b'))).toBeUndefined();
      await writeFile(join(dir, 'file'), '');
      expect(await checkOutDir(join(dir, 'file', 'x'))).toBe(`--out "${join(dir, 'file', 'x')}": ${join(dir, 'file')} is a file, not a directory.`);
      // procfs: a recursive mkdir here never returns
      expect(await checkOutDir('/proc/x')).toBe('--out "/proc/x": cannot create /proc/x (that place does not take new directories).');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
