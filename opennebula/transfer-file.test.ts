import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TransferFileError,
  formatTransferFile,
  parseTransferFile,
  parseTransferLine,
  splitHostPath,
  transferFileHost,
  transferFilePath,
  transferLineHost,
  type TransferCommand,
} from './transfer-file.js';

// Files as oned 7.5.80 wrote them for VM 0 (test-support/samples/transfer-files.txt), and the
// CONTEXT line it put in DEPLOY 0's TM_COMMAND.
const prolog0 = [
  'CLONE dummy vm:dummy_path dummyhost0:/var/lib/one//datastores/0/0/disk.0 0 1',
  'LN dummy vm:dummy_path dummyhost0:/var/lib/one//datastores/0/0/disk.1 0 1',
  'MKSWAP dummy 32 dummyhost0:/var/lib/one//datastores/0/0/disk.2 0 0',
  'MKIMAGE dummy 64 qcow2 dummyhost0:/var/lib/one//datastores/0/0/disk.3 0 0',
  '',
].join('\n');
const epilog0 = [
  'DELETE dummy dummyhost0:/var/lib/one//datastores/0/0/disk.0 0 1',
  'MVDS dummy dummyhost0:/var/lib/one//datastores/0/0/disk.1 dummy_path 0 1',
  'DELETE dummy dummyhost0:/var/lib/one//datastores/0/0/disk.2 0 0',
  'DELETE dummy dummyhost0:/var/lib/one//datastores/0/0/disk.3 0 0',
  'DELETE dummy dummyhost0:/var/lib/one//datastores/0/0 0 0',
  '',
].join('\n');
const context0 = 'CONTEXT dummy /var/lib/one/vms/0/context.sh dummyhost0:/var/lib/one//datastores/0/0/disk.4 0 0';

describe('transfer files', () => {
  it('reads a real prolog into typed commands', () => {
    const disk = (i: number) => `dummyhost0:/var/lib/one//datastores/0/0/disk.${i}`;
    expect(parseTransferFile(prolog0)).toEqual<TransferCommand[]>([
      { action: 'CLONE', tmMad: 'dummy', source: 'vm:dummy_path', target: disk(0), vmId: 0, dsId: 1 },
      { action: 'LN', tmMad: 'dummy', source: 'vm:dummy_path', target: disk(1), vmId: 0, dsId: 1 },
      { action: 'MKSWAP', tmMad: 'dummy', sizeMb: 32, target: disk(2), vmId: 0, dsId: 0 },
      { action: 'MKIMAGE', tmMad: 'dummy', sizeMb: 64, format: 'qcow2', target: disk(3), vmId: 0, dsId: 0 },
    ]);
  });

  it('reads a real epilog, persistent disk copied back with MVDS and the VM directory deleted last', () => {
    const epilog = parseTransferFile(epilog0);
    expect(epilog.map((c) => c.action)).toEqual(['DELETE', 'MVDS', 'DELETE', 'DELETE', 'DELETE']);
    expect(epilog[1]).toEqual({ action: 'MVDS', tmMad: 'dummy', source: 'dummyhost0:/var/lib/one//datastores/0/0/disk.1', target: 'dummy_path', vmId: 0, dsId: 1 });
    expect(epilog[4]).toMatchObject({ target: 'dummyhost0:/var/lib/one//datastores/0/0', dsId: 0 });
  });

  it('reads CONTEXT with its files', () => {
    expect(parseTransferLine(context0)).toEqual({
      action: 'CONTEXT',
      tmMad: 'dummy',
      files: ['/var/lib/one/vms/0/context.sh'],
      target: 'dummyhost0:/var/lib/one//datastores/0/0/disk.4',
      vmId: 0,
      dsId: 0,
    });
    expect(parseTransferLine('CONTEXT ssh /v/17/context.sh /srv/a.iso /srv/b h:/d/17/disk.2 17 0')).toMatchObject({
      files: ['/v/17/context.sh', '/srv/a.iso', '/srv/b'],
      target: 'h:/d/17/disk.2',
    });
  });

  it('writes the files back byte for byte, one command per line each ending with a newline', () => {
    expect(formatTransferFile(parseTransferFile(prolog0))).toBe(prolog0);
    expect(formatTransferFile(parseTransferFile(epilog0))).toBe(epilog0);
    expect(formatTransferFile([parseTransferLine(context0)])).toBe(`${context0}\n`);
    expect(formatTransferFile([])).toBe('');
  });

  it('skips blank lines and comments as one_tm.rb does, and takes the verb in any case', () => {
    expect(parseTransferFile('# prolog of VM 3\n\n  clone qcow2 fe:/img h:/d/3/disk.0 3 1  \n')).toEqual([
      { action: 'CLONE', tmMad: 'qcow2', source: 'fe:/img', target: 'h:/d/3/disk.0', vmId: 3, dsId: 1 },
    ]);
  });

  it('names the line and what is wrong with it', () => {
    expect(() => parseTransferFile('CLONE a b c 1 1\nRESIZE x y z 1 1\n')).toThrow(
      "Transfer file line 2: 'RESIZE' is not a transfer command we know (CLONE, LN, MKIMAGE, MKSWAP, CONTEXT, DELETE, MVDS, CPDS, MV).",
    );
    expect(() => parseTransferLine('MKIMAGE dummy 64 h:/d/0/disk.3 0 0', 4)).toThrow(
      'Transfer file line 4: MKIMAGE takes tm_mad, size in MB, format, target, vm id and datastore id, but the line has 5 fields after the verb.',
    );
    expect(() => parseTransferLine('DELETE dummy h:/d/0 zero 0')).toThrow("Transfer file line 1: the vm id 'zero' is not an integer.");
    expect(() => parseTransferLine('CONTEXT dummy h:/d/0/disk.1 0 0')).toThrow(TransferFileError);
  });
});

/** Each transfer file of the capture: the TRANSFER request that named it, and its lines. */
function capturedFiles(): Array<{ request: string; vmId: number; lines: string[] }> {
  const text = readFileSync(new URL('./test-support/samples/transfer-files.txt', import.meta.url), 'utf8');
  const files: Array<{ request: string; vmId: number; lines: string[] }> = [];
  for (const block of text.split(/^===== \S+ driver=tm .*\n/m).slice(1)) {
    const [head = '', ...rest] = block.slice(0, block.indexOf('===== end')).split('\n');
    const request = head.replace('----- request line: ', '');
    files.push({ request, vmId: Number(request.split(/\s+/)[1]), lines: rest.filter((l) => l !== '') });
  }
  return files;
}

describe('the host a transfer line works on', () => {
  it('is dummyhost0 on every line of every file the real oned 7.5 wrote, prologs and epilogs', () => {
    const files = capturedFiles();
    expect(files.map((f) => f.request)).toHaveLength(8);
    for (const file of files) {
      const commands = parseTransferFile(file.lines.join('\n'));
      expect(commands).toHaveLength(file.lines.length);
      expect(commands.map((c) => [c.vmId, transferLineHost(c)]), file.request).toEqual(commands.map(() => [file.vmId, 'dummyhost0']));
      expect(formatTransferFile(commands)).toBe(`${file.lines.join('\n')}\n`);
      expect(transferFileHost(file.lines)).toBe('dummyhost0');
    }
    expect(new Set(files.flatMap((f) => f.lines.map((l) => l.split(' ')[0])))).toEqual(new Set(['CLONE', 'LN', 'MKSWAP', 'MKIMAGE', 'DELETE', 'MVDS']));
  });

  it('is the host side of the line, whichever argument that is', () => {
    const host = (line: string) => transferLineHost(parseTransferLine(line));
    // 4.4 spelling (a front-end source with a host of its own): the target's host, not the front end's
    expect(host('CLONE qcow2 frontend:/var/lib/one/datastores/1/3f1e node07:/var/lib/one/datastores/0/17/disk.0 17 1')).toBe('node07');
    expect(host('CONTEXT qcow2 /var/lib/one/vms/17/context.sh /tmp/a host-03:/var/lib/one/datastores/0/17/disk.1 17 0')).toBe('host-03');
    expect(host('MV ssh node01:/var/lib/one/datastores/0/17 node02:/var/lib/one/datastores/0/17 17 0')).toBe('node02');
    // MVDS and CPDS copy the host's disk back: the host is the source's, even when the datastore side names a host too
    expect(host('MVDS shared node03:/var/lib/one/datastores/0/9/disk.1 frontend:/var/lib/one/datastores/1/abc 9 1')).toBe('node03');
    expect(host('CPDS shared node04:/var/lib/one/datastores/0/9/disk.0 frontend:/var/lib/one/datastores/1/def 9 1')).toBe('node04');
    // no host on the host side
    expect(host('CLONE qcow2 fe:/img /var/lib/one/datastores/0/7/disk.0 7 1')).toBeUndefined();
    expect(host('MVDS dummy vm:dummy_path dummyhost0:/var/lib/one//datastores/0/0/disk.1 0 1')).toBeUndefined();
  });

  it('of a whole file is its first line that names one; comments, unreadable lines and empty files name none', () => {
    expect(transferFileHost(['# prolog', 'RESIZE x y', 'DELETE dummy h2:/var/lib/one//datastores/0/5 5 0'])).toBe('h2');
    expect(transferFileHost([])).toBeUndefined();
    expect(transferFileHost(['CLONE qcow2 fe:/img /no/host 7 1'])).toBeUndefined();
  });
});

describe('helpers', () => {
  it('splitHostPath separates the host from the path at the first colon', () => {
    expect(splitHostPath('dummyhost0:/var/lib/one//datastores/0/0/disk.0')).toEqual({ host: 'dummyhost0', path: '/var/lib/one//datastores/0/0/disk.0' });
    expect(splitHostPath('dummy_path')).toEqual({ host: '', path: 'dummy_path' });
  });

  it('transferFilePath is where oned writes the file', () => {
    expect(transferFilePath('/var/lib/one/vms', 17, 0, 'prolog')).toBe('/var/lib/one/vms/17/transfer.0.prolog');
  });
});
