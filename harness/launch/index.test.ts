import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../scenario.js';
import { LAUNCH_MODES, launchMode } from './index.js';

describe('launch modes in a scenario', () => {
  it('takes a mode by name or as { mode, ...options }, embedded by default', () => {
    expect(resolveScenario({}).launch).toEqual({ mode: 'embedded', options: {} });
    expect(resolveScenario({ launch: 'embedded' }).launch).toEqual({ mode: 'embedded', options: {} });
    expect(resolveScenario({ launch: { mode: 'embedded' } }).launch).toEqual({ mode: 'embedded', options: {} });
  });

  it("names the registry's choices for an unknown mode, and the field for an option the mode does not take", () => {
    const choices = Object.keys(LAUNCH_MODES).join(', ');
    expect(() => resolveScenario({ launch: 'vagrant' }, {}, 's.yaml')).toThrow(`s.yaml: launch: expected one of ${choices}`);
    expect(() => resolveScenario({ launch: { mode: 'kubernetes' } }, {}, 's.yaml')).toThrow(`s.yaml: launch.mode: expected one of ${choices}`);
    expect(() => resolveScenario({ launch: { mode: 'embedded', port: 1 } }, {}, 's.yaml')).toThrow('s.yaml: launch.port: unknown field');
    expect(() => launchMode('nope')).toThrow(`unknown launch mode "nope"; expected one of ${choices}`);
  });
});

describe('launch flags over a scenario', () => {
  it('--endpoint picks the endpoint mode with its URL, --keep keeps, --launch keeps the options of the same mode', () => {
    expect(resolveScenario({}, { endpoint: 'http://127.0.0.1:2633/RPC2', keep: true }).launch).toEqual({
      mode: 'endpoint',
      options: { url: 'http://127.0.0.1:2633/RPC2', keep: true, hostsExist: false, farmPort: 0, imMad: 'dummy', vmMad: 'dummy', observe: 'drivers', connections: 15 },
    });
    // a --set launch.X beside --endpoint is an option of the endpoint mode
    expect(resolveScenario({ launch: { observe: 'polling' } }, { endpoint: 'http://127.0.0.1:2633/RPC2' }).launch.options).toMatchObject({ observe: 'polling' });
    const file = { launch: { mode: 'endpoint', farmPort: 2634 } };
    expect(resolveScenario(file, { launch: 'endpoint' }).launch.options).toMatchObject({ farmPort: 2634 });
    expect(resolveScenario(file, { launch: 'process' }).launch).toEqual({ mode: 'process', options: {} });
    expect(() => resolveScenario({}, { keep: true })).toThrow('--keep: launch.keep: unknown field');
  });
});
