import { describe, expect, it } from 'vitest';
import { parseDriverArguments } from '../opennebula/driver-arguments.js';
import { success, type Drivers } from '../opennebula/driver.js';
import { encodeVmmActionData } from '../opennebula/vmm-action-data.js';
import { serveMad } from './mad-process.js';

/** Lines to the driver, pushed by the test; ends when `end` is called. */
class Channel implements AsyncIterable<string> {
  private readonly queue: string[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  push(line: string): void {
    this.queue.push(line);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      if (this.queue.length > 0) yield this.queue.shift()!;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const vm = (id: number) => ({ id, name: `vm-${id}`, cpu: 1, vcpu: 1, memoryMiB: 512, disks: [] });
const deploy = (id: number, host: string) => `DEPLOY  ${id} ${encodeVmmActionData({ action: 'DEPLOY', vmId: id, host, deployId: '', vm: vm(id) })}`;

describe('a MAD driver process', () => {
  it('runs a queued action cancelled by DRIVER_CANCEL never, and answers only the others, in the order they end', async () => {
    const ran: number[] = [];
    const release = new Map<number, () => void>();
    const drivers: Drivers = {
      tm: { transfer: async (r) => success('TRANSFER', r.vmId) },
      vmm: {
        execute: (r) =>
          new Promise((resolve) => {
            ran.push(r.vmId);
            release.set(r.vmId, () => resolve(success(r.action, r.vmId, `one-${r.vmId}`)));
          }),
      },
      im: { monitor: async (r) => success('MONITOR', r.hostId) },
    };
    const input = new Channel();
    const out: string[] = [];
    const served = serveMad({ kind: 'vmm', args: parseDriverArguments(''), drivers, input, write: (l) => out.push(l), readFile: async () => '', epochMs: () => 0 });
    // one action per host (no -p): 2 waits behind 1 on host a, 3 runs on host b at once
    input.push(deploy(1, 'a'));
    input.push(deploy(2, 'a'));
    input.push(deploy(3, 'b'));
    input.push('DRIVER_CANCEL  2 ');
    input.push('REBOOT  9 x');
    await new Promise<void>((r) => setImmediate(r));
    expect(ran).toEqual([1, 3]);
    release.get(3)!();
    release.get(1)!();
    await new Promise<void>((r) => setImmediate(r));
    input.push('FINALIZE');
    expect(await served).toBe('finalize');
    expect(ran).toEqual([1, 3]);
    expect(out).toEqual([
      'LOG I 2 Driver command for 2 cancelled',
      'REBOOT FAILURE 9 REBOOT is not an action the stampede VMM driver runs',
      'DEPLOY SUCCESS 3 one-3',
      'DEPLOY SUCCESS 1 one-1',
    ]);
  });
});
