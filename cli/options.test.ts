import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { checkScenarioFile, clockChoice, outDir, profileName, wholeNumber } from './options.js';

describe('flag parsers', () => {
  it('read the values a user types', () => {
    expect(wholeNumber('--vms', 1)('512')).toBe(512);
    expect(wholeNumber('--seed', 0)('0')).toBe(0);
    expect(clockChoice('virtual')).toEqual({ kind: 'virtual' });
    expect(clockChoice('scaled:2.5')).toEqual({ kind: 'scaled', scale: 2.5 });
    expect(profileName('opennebula-4.4')).toBe('opennebula-4.4');
    expect(outDir('out/run-1')).toBe('out/run-1');
  });

  it('refuse the rest with a sentence naming the flag and the value', () => {
    expect(() => wholeNumber('--vms', 1)('1e3')).toThrow(InvalidArgumentError);
    expect(() => wholeNumber('--vms', 1)('1e3')).toThrow('--vms must be a whole number >= 1, got "1e3".');
    expect(() => wholeNumber('--seed', 0)('99999999999999999999')).toThrow('--seed must be a whole number >= 0');
    expect(() => clockChoice('scaled:')).toThrow('--clock must be "virtual" or "scaled:FACTOR"');
    expect(() => profileName('')).toThrow('--profile must be a profile name');
  });

  it('check that a scenario file exists and is of a kind the loader reads', () => {
    expect(checkScenarioFile('package.json')).toBeUndefined();
    expect(checkScenarioFile('nowhere/nightly.yaml')).toBe('scenario file "nowhere/nightly.yaml" does not exist.');
    expect(checkScenarioFile('README')).toBe('scenario file "README" must end in .ts, .mts, .json, .yaml or .yml.');
  });
});
