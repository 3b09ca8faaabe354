import { describe, expect, it } from 'vitest';
import { DriverArgumentsError, formatDriverArguments, parseDriverArguments } from './driver-arguments.js';

describe('driver ARGUMENTS', () => {
  it("reads OpenNebula's own lines, as one argv element or split by a shell wrapper", () => {
    expect(parseDriverArguments('-t 15 -r 0 kvm -p')).toEqual({ threads: 15, parallel: true, transport: 'persistent' });
    expect(parseDriverArguments(['-t', '15', '-d', 'dummy,lvm,shared,qcow2'])).toEqual({ threads: 15, parallel: false, transport: 'persistent' });
    expect(parseDriverArguments('-r 3 -t 15 -w 90 dummy')).toMatchObject({ threads: 15, parallel: false });
    expect(parseDriverArguments('')).toEqual({ threads: 15, parallel: false, transport: 'persistent' });
  });

  it("reads stampede's own and writes them back", () => {
    const args = parseDriverArguments('-t 4 --transport ssh --farm http://127.0.0.1:2634 --farm-file /tmp/farm.url');
    expect(args).toEqual({ threads: 4, parallel: false, transport: 'ssh', farm: 'http://127.0.0.1:2634', farmFile: '/tmp/farm.url' });
    expect(parseDriverArguments(formatDriverArguments(args))).toEqual(args);
    expect(formatDriverArguments({ threads: 32, parallel: true, transport: 'persistent' })).toBe('-t 32 -p');
  });

  it('refuses what it cannot honour, in one sentence', () => {
    expect(() => parseDriverArguments('-t 0')).toThrow(new DriverArgumentsError("driver arguments: -t takes a whole number >= 1, not '0'"));
    expect(() => parseDriverArguments('-t')).toThrow('driver arguments: -t needs a value');
    expect(() => parseDriverArguments('--transport telnet')).toThrow("--transport is ssh or persistent, not 'telnet'");
    expect(() => parseDriverArguments('-x')).toThrow('driver arguments: unknown option -x');
  });
});
