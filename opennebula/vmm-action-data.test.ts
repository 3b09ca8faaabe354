import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VmmRequest } from './driver.js';
import { decodeVmmActionData, encodeVmmActionData, VmmActionDataError } from './vmm-action-data.js';

// The DEPLOY 0 payload oned 7.5.80 sent its dummy VMM driver, decoded (test-support/samples/README.md).
const realDeploy = readFileSync(new URL('./test-support/samples/deploy-payload-vm0.xml', import.meta.url), 'utf8');
const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

describe('VMM_DRIVER_ACTION_DATA', () => {
  it("reads oned's DEPLOY payload: host, name, sizes, every disk and the context disk", () => {
    const request = decodeVmmActionData(b64(realDeploy), 'DEPLOY', 0);
    expect(request).toMatchObject({ action: 'DEPLOY', vmId: 0, host: 'dummyhost0', deployId: '' });
    expect(request.vm).toMatchObject({ id: 0, name: 'mad-vm-0', cpu: 0.1, vcpu: 1, memoryMiB: 64 });
    expect(request.vm.disks.map((d) => [d.diskId, d.type, d.format, d.sizeMiB, d.source ?? null])).toEqual([
      [0, 'file', 'dummy_format', 1024, 'dummy_path'],
      [1, 'file', 'raw', 16, 'dummy_path'],
      [2, 'swap', 'raw', 32, null],
      [3, 'fs', 'qcow2', 64, null],
      [4, 'context', 'raw', 1, null],
    ]);
  });

  it('writes what it reads back: one base64 line with no whitespace between elements', () => {
    const request: VmmRequest = {
      action: 'SHUTDOWN',
      vmId: 17,
      host: 'host-03',
      deployId: 'one-17',
      vm: {
        id: 17,
        name: 'web <1> & co',
        cpu: 0.25,
        vcpu: 2,
        memoryMiB: 512,
        disks: [
          { diskId: 0, type: 'file', source: '/var/lib/one/datastores/1/8a3f', format: 'qcow2', sizeMiB: 10240, cache: 'none' },
          { diskId: 1, type: 'fs', format: 'raw', sizeMiB: 64, cache: 'none' },
          { diskId: 2, type: 'context', format: 'raw', sizeMiB: 1, cache: 'none' },
        ],
      },
    };
    const payload = encodeVmmActionData(request, { tmCommand: 'CONTEXT dummy /var/lib/one/vms/17/context.sh host-03:/x/disk.2 17 0\n' });
    expect(payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const xml = Buffer.from(payload, 'base64').toString();
    expect(xml).toMatch(/^<VMM_DRIVER_ACTION_DATA><HOST>host-03<\/HOST><MIGR_HOST\/><DEPLOY_ID>one-17<\/DEPLOY_ID><LOCAL_DEPLOYMENT_FILE\/>/);
    expect(xml).not.toMatch(/>\s+</);
    expect(decodeVmmActionData(payload, 'SHUTDOWN', 17)).toEqual(request);
  });

  it('names what is wrong with a payload it cannot read', () => {
    expect(() => decodeVmmActionData('not base64!', 'DEPLOY', 3)).toThrow(new VmmActionDataError('DEPLOY 3: VMM_DRIVER_ACTION_DATA is not base64.'));
    expect(() => decodeVmmActionData(b64('<VMM_DRIVER_ACTION_DATA><HOST>h</HOST>'), 'DEPLOY', 3)).toThrow(/DEPLOY 3: VMM_DRIVER_ACTION_DATA is not XML/);
    expect(() => decodeVmmActionData(b64('<VMM_DRIVER_ACTION_DATA><HOST>h</HOST></VMM_DRIVER_ACTION_DATA>'), 'CANCEL', 3)).toThrow(
      'CANCEL 3: VMM_DRIVER_ACTION_DATA: no VM element.',
    );
    const noMemory = '<VMM_DRIVER_ACTION_DATA><HOST>h</HOST><VM><ID>3</ID><NAME>a</NAME><TEMPLATE><CPU>1</CPU></TEMPLATE></VM></VMM_DRIVER_ACTION_DATA>';
    expect(() => decodeVmmActionData(b64(noMemory), 'DEPLOY', 3)).toThrow('DEPLOY 3: VMM_DRIVER_ACTION_DATA: VM/TEMPLATE/MEMORY is missing.');
  });
});
