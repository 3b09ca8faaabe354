/**
 * Everything the host farm reports, in one place. The farm is an instrument (docs/architecture.md,
 * "The host model"): the harness's tracer turns these events into stage boundaries and the detectors read
 * them, so every event carries the emulated time at which it happened, exactly.
 *
 * | type         | when                                                         | fields                          |
 * | ------------ | ------------------------------------------------------------ | ------------------------------- |
 * | `tm.start`   | the TM driver receives a TRANSFER (PROLOG for a prolog file) | vmId, host?, action (`prolog`/`epilog`) |
 * | `tm.end`     | it answers                                                   | + result, info? (failure reason) |
 * | `vmm.start`  | the VMM driver receives DEPLOY (BOOT) / SHUTDOWN / CANCEL    | vmId, host, action              |
 * | `vmm.end`    | it answers (DEPLOY SUCCESS = RUNNING; info = the deploy id)  | + result, info                  |
 * | `im.start`   | the IM driver receives MONITOR                               | host                            |
 * | `im.end`     | it answers                                                   | + result, info? (failure only)  |
 * | `ssh.start`  | an action starts setting up its SSH connection (`ssh` transport) | vmId?, host, action (the operation, e.g. `tm.clone`) |
 * | `ssh.end`    | the connection is up                                         | same                            |
 * | `boot.start` | the guest starts booting (right after DEPLOY SUCCESS)        | vmId, host                      |
 * | `boot.end`   | the guest is up (SUCCESS, just before its NET-MSG) or never will be (FAILURE, info says why) | vmId, host, result, info? |
 * | `store.read` | a boot starts reading its working set from the image store (every boot with `cache=none`, the first per host and image otherwise) | vmId, host, action (the image), info (MB) |
 * | `net-msg`    | the guest's message leaves for the head node (NET-MSG)       | vmId, host                      |
 * | `host.crash` | a host crashes (fault plan `crashAt`, or `HostFarm.crash`)   | host                            |
 * | `vm.lost`    | a VM that was deployed on a crashed host is gone             | vmId, host, info                |
 * | `fault`      | a fault was injected into an action                          | vmId?, host?, action (the operation), result: FAILURE, info: `fail: <message>` or `hang` |
 *
 * A hung action has a `start` and a `fault` event and never an `end`.
 */

export type FarmEventType =
  | 'tm.start'
  | 'tm.end'
  | 'vmm.start'
  | 'vmm.end'
  | 'im.start'
  | 'im.end'
  | 'ssh.start'
  | 'ssh.end'
  | 'boot.start'
  | 'boot.end'
  | 'store.read'
  /** the host's page cache dropped a base image under memory pressure; `action` the image, `info` its MB */
  | 'cache.evict'
  | 'net-msg'
  | 'host.crash'
  | 'vm.lost'
  | 'fault';

export interface FarmEvent {
  /** emulated ms since the clock's origin */
  t: number;
  type: FarmEventType;
  vmId?: number;
  host?: string;
  /** TRANSFER op, VMM action, or the faulted / ssh operation */
  action?: string;
  result?: 'SUCCESS' | 'FAILURE';
  info?: string;
}

/** The guest's "I am up" message to the head node: the moment a user could log in. */
export interface NetMsg {
  /** emulated ms when the guest sent it */
  t: number;
  vmId: number;
  /** the VM's name as the deployment named it */
  name: string;
  host: string;
}
