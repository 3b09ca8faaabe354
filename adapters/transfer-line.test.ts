import { describe, expect, it } from 'vitest';
import { parseTransferLine } from './transfer-line.js';

const host = (text: string): string | undefined => {
  const p = parseTransferLine(text, 1);
  return p?.ok ? p.line.host : undefined;
};

describe('parseTransferLine', () => {
  it('finds the host of every verb, as 4.4 and 7.x write them', () => {
    // lines as the reference transcripts (research/mad-transcripts/transfer-files.txt) and 4.4 write them
    expect(host('CLONE qcow2 frontend:/var/lib/one/datastores/1/8a3f host03:/var/lib/one/datastores/0/17/disk.0 17 1')).toBe('host03');
    expect(host('CLONE dummy vm:dummy_path dummyhost0:/var/lib/one//datastores/0/0/disk.0 0 1')).toBe('dummyhost0');
    expect(host('LN dummy vm:dummy_path dummyhost0:/var/lib/one//datastores/0/0/disk.1 0 1')).toBe('dummyhost0');
    expect(host('MKSWAP dummy 32 dummyhost0:/var/lib/one//datastores/0/0/disk.2 0 0')).toBe('dummyhost0');
    expect(host('MKIMAGE dummy 64 qcow2 dummyhost0:/var/lib/one//datastores/0/0/disk.3 0 0')).toBe('dummyhost0');
    expect(host('CONTEXT qcow2 /var/lib/one/vms/17/context.sh /tmp/a /tmp/b host-03:/var/lib/one/datastores/0/17/disk.1 17 0')).toBe('host-03');
    expect(host('DELETE dummy dummyhost0:/var/lib/one//datastores/0/0 0 0')).toBe('dummyhost0');
    expect(host('MVDS dummy dummyhost0:/var/lib/one//datastores/0/0/disk.1 dummy_path 0 1')).toBe('dummyhost0');
    expect(parseTransferLine('clone qcow2 fe:/a h:/b 1 1', 1)).toEqual({ ok: true, line: { verb: 'clone', host: 'h', text: 'clone qcow2 fe:/a h:/b 1 1' } });
  });

  it('skips blank lines and comments', () => {
    expect(parseTransferLine('   ', 1)).toBeUndefined();
    expect(parseTransferLine('# a comment', 2)).toBeUndefined();
  });

  it('says which line it cannot run and why', () => {
    expect(parseTransferLine('RESIZE qcow2 h:/x 17 0', 3)).toEqual({
      ok: false,
      reason:
        "transfer file line 3 'RESIZE qcow2 h:/x 17 0': RESIZE is not a TM action the host farm emulates (CLONE, LN, MKIMAGE, MKSWAP, CONTEXT, DELETE, MVDS, MV, CPDS)",
    });
    expect(parseTransferLine('CLONE qcow2 /a /b 17 1', 2)).toEqual({
      ok: false,
      reason: "transfer file line 2 'CLONE qcow2 /a /b 17 1': no <host>:<path> argument names the host to work on",
    });
  });
});
