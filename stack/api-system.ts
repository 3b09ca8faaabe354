/**
 * one.system.version and one.system.config. The version is the release whose documents the
 * stack writes (7.4's XSDs); the configuration is the part of oned.conf the profile decides,
 * as oned's get_configuration_xml renders it (opennebula_configuration.xsd). The scheduler's
 * knobs live in 4.4's sched.conf, which the API never showed.
 */
import { ok } from '../opennebula/errors.js';
import type { Template } from '../opennebula/template.js';
import { templateXml } from '../opennebula/xml-text.js';
import type { MethodDefinition } from './api.js';
import type { HeadNode } from './head-node.js';
import type { StackProfile } from './profile.js';

/** The OpenNebula release whose API documents the reference stack writes. */
export const STACK_VERSION = '7.4.0';

export function systemConfig(profile: StackProfile): Template {
  const vmmArgs = `-t ${profile.vmm.threads} -r 0 dummy${profile.pathologies['vmm-host-lock'] ? '' : ' -p'}`;
  return [
    { name: 'API_LIST_ORDER', value: 'DESC' },
    { name: 'IM_MAD', vector: { ARGUMENTS: `-r 3 -t ${profile.im.threads}`, EXECUTABLE: 'one_im_ssh', NAME: 'dummy' } },
    { name: 'KEEPALIVE_MAX_CONN', value: String(profile.api.KEEPALIVE_MAX_CONN) },
    { name: 'KEEPALIVE_TIMEOUT', value: String(profile.api.KEEPALIVE_TIMEOUT) },
    { name: 'MANAGER_TIMER', value: String(profile.monitoring.MANAGER_TIMER) },
    { name: 'MAX_CONN', value: String(profile.api.MAX_CONN) },
    { name: 'MAX_CONN_BACKLOG', value: String(profile.api.MAX_CONN_BACKLOG) },
    { name: 'MESSAGE_SIZE', value: String(profile.api.MESSAGE_SIZE) },
    { name: 'MONITORING_INTERVAL_HOST', value: String(profile.monitoring.MONITORING_INTERVAL) },
    { name: 'PORT', value: '2633' },
    { name: 'TM_MAD', vector: { ARGUMENTS: `-t ${profile.tm.threads} -d dummy,shared,qcow2,ssh`, EXECUTABLE: 'one_tm' } },
    { name: 'VM_MAD', vector: { ARGUMENTS: vmmArgs, EXECUTABLE: 'one_vmm_exec', NAME: 'dummy', TYPE: 'xml' } },
  ];
}

export function systemMethods(node: HeadNode): Record<string, MethodDefinition> {
  return {
    'one.system.version': { params: [], handle: () => ok(STACK_VERSION) },
    'one.system.config': {
      params: [],
      handle: () => ok(templateXml('OPENNEBULA_CONFIGURATION', systemConfig(node.profile))),
    },
  };
}
