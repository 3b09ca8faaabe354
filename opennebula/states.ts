/**
 * VM and host states as OpenNebula numbers them (include/VirtualMachine.h, share/doc/xsd/host.xsd). Numbers are the wire: they appear in XML and in filters.
 */

export const VmState = {
  INIT: 0,
  PENDING: 1,
  HOLD: 2,
  ACTIVE: 3,
  STOPPED: 4,
  SUSPENDED: 5,
  DONE: 6,
  /** 4.4 only; reserved since 5.0 */
  FAILED: 7,
  POWEROFF: 8,
  UNDEPLOYED: 9,
  CLONING: 10,
  CLONING_FAILURE: 11,
} as const;
export type VmState = (typeof VmState)[keyof typeof VmState];

/** LCM_STATE, meaningful when STATE is ACTIVE. Only the states of the deploy and terminate paths. */
export const LcmState = {
  LCM_INIT: 0,
  PROLOG: 1,
  BOOT: 2,
  RUNNING: 3,
  EPILOG: 11,
  SHUTDOWN: 12,
  /** 4.4: FAILURE 14 then STATE FAILED; 7.x uses the *_FAILURE states below. */
  FAILURE: 14,
  CLEANUP_DELETE: 23,
  BOOT_FAILURE: 36,
  PROLOG_FAILURE: 39,
  EPILOG_FAILURE: 40,
} as const;
export type LcmState = (typeof LcmState)[keyof typeof LcmState];

export const HostState = {
  INIT: 0,
  MONITORING_MONITORED: 1,
  MONITORED: 2,
  ERROR: 3,
  DISABLED: 4,
  MONITORING_ERROR: 5,
  MONITORING_INIT: 6,
  MONITORING_DISABLED: 7,
  OFFLINE: 8,
} as const;
export type HostState = (typeof HostState)[keyof typeof HostState];

const vmStateNames = new Map<number, string>(Object.entries(VmState).map(([k, v]) => [v, k]));
const lcmStateNames = new Map<number, string>(Object.entries(LcmState).map(([k, v]) => [v, k]));
const hostStateNames = new Map<number, string>(Object.entries(HostState).map(([k, v]) => [v, k]));

export function vmStateName(state: number): string {
  return vmStateNames.get(state) ?? `STATE_${state}`;
}

export function lcmStateName(state: number): string {
  return lcmStateNames.get(state) ?? `LCM_STATE_${state}`;
}

export function hostStateName(state: number): string {
  return hostStateNames.get(state) ?? `HOST_STATE_${state}`;
}

/** The name a user reads: the LCM state while ACTIVE, the VM state otherwise. */
export function vmDisplayState(state: number, lcmState: number): string {
  return state === VmState.ACTIVE ? lcmStateName(lcmState) : vmStateName(state);
}
