/**
 * A tuned configuration in the stack's own terms: the sched.conf and oned.conf lines a user
 * pastes (OpenNebula 4.4's syntax and driver arguments), and the `--set` that runs it again in
 * stampede. Only the tuned knobs are written; a line whose value moved says what it was.
 */
import type { StackProfile } from '../scenario.js';
import { KNOBS, readKnob, type KnobValue } from './knobs.js';

export interface RenderedConfig {
  'sched.conf': string[];
  'oned.conf': string[];
  /** knobs of the reference stack that OpenNebula has no line for */
  notes: string[];
  /** `stampede run` arguments that run this configuration */
  set: string;
}

/** The 4.4 drivers' arguments around `-t` (research: oned.conf of 4.4, one_tm, one_vmm_exec, one_im_ssh). */
const DRIVER_LINES = {
  tm: (t: number) => `TM_MAD = [ executable = "one_tm", arguments = "-t ${t} -d dummy,lvm,shared,fs_lvm,qcow2,ssh,vmfs,ceph" ]`,
  vmm: (t: number, perHost: boolean) =>
    `VM_MAD = [ name = "kvm", executable = "one_vmm_exec", arguments = "-t ${t} -r 0 kvm${perHost ? ' -p' : ''}", default = "vmm_exec/vmm_exec_kvm.conf", type = "kvm" ]`,
  im: (t: number) => `IM_MAD = [ name = "kvm", executable = "one_im_ssh", arguments = "-r 3 -t ${t} kvm" ]`,
};

/**
 * `profile` is the configuration to write, `before` the one it replaces, `tuned` the knob paths
 * to write; `profileInScenario` is the scenario's `profile` field (a name, or an inline profile).
 */
export function renderConfig(profile: StackProfile, before: StackProfile, tuned: readonly string[], profileInScenario: unknown): RenderedConfig {
  const out: RenderedConfig = { 'sched.conf': [], 'oned.conf': [], notes: [], set: '' };
  const was = (path: string): string => {
    const a = readKnob(profile, path);
    const b = readKnob(before, path);
    return a === b ? '' : `   # was ${wasValue(path, b)}`;
  };
  for (const def of KNOBS) {
    if (!tuned.includes(def.path)) continue;
    const value = readKnob(profile, def.path);
    if (def.file === 'none') {
      out.notes.push(`${def.path} = ${String(value)}: the reference stack's own knob; OpenNebula has no line for it${was(def.path)}`);
      continue;
    }
    out[def.file].push(`${line(def.path, value, profile)}${was(def.path)}`);
  }
  out.set = setArgument(profile, KNOBS.map((k) => k.path).filter((p) => tuned.includes(p)), profileInScenario);
  return out;
}

function wasValue(path: string, value: KnobValue): string {
  if (/^(tm|vmm|im)\./.test(path)) return `-t ${String(value)}`;
  if (path === 'scheduler.POLICY') return `policy = ${value === 'packing' ? 0 : 1}`;
  return String(value);
}

/** One knob as its file writes it. */
function line(path: string, value: KnobValue, profile: StackProfile): string {
  const [group, key] = path.split('.') as [string, string];
  if (group === 'tm' || group === 'vmm' || group === 'im') {
    const t = Number(value);
    return group === 'vmm' ? DRIVER_LINES.vmm(t, !profile.pathologies['vmm-host-lock']) : DRIVER_LINES[group](t);
  }
  if (key === 'POLICY') return `DEFAULT_SCHED = [ policy = ${value === 'packing' ? 0 : 1} ]`;
  if (typeof value === 'number' && (key === 'SCHED_INTERVAL' || key === 'MANAGER_TIMER' || key === 'MONITORING_INTERVAL')) {
    // the files take whole seconds; a finer value is the reference stack's, and said so
    return Number.isInteger(value) ? `${key} = ${value}` : `${key} = ${Math.max(1, Math.round(value))}   # tuned to ${+value.toFixed(3)} s, which the file cannot say`;
  }
  return `${key} = ${String(value)}`;
}

function setArgument(profile: StackProfile, tuned: readonly string[], profileInScenario: unknown): string {
  const groups = new Map<string, string[]>();
  for (const path of tuned) {
    const [group, key] = path.split('.') as [string, string];
    groups.set(group, [...(groups.get(group) ?? []), `${key}: ${yamlValue(readKnob(profile, path))}`]);
  }
  if (typeof profileInScenario === 'string') {
    const body = [...groups].map(([g, kv]) => `${g}: {${kv.join(', ')}}`).join(', ');
    return `--set 'profile={extends: ${profileInScenario}, ${body}}'`;
  }
  // an inline profile: set each knob inside it
  return tuned.map((path) => `--set profile.${path}=${yamlValue(readKnob(profile, path))}`).join(' ');
}

function yamlValue(value: KnobValue): string {
  return typeof value === 'number' ? String(+value.toFixed(6)) : String(value);
}
