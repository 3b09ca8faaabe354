import { maxOf } from '../extremes.js';
import { hostList, plural, sec } from './measure.js';
import type { Detector } from './types.js';
import type { VmView } from './view.js';

/**
 * Lost, not slow: a guest began to boot, its VM is RUNNING (DEPLOY SUCCESS), and no NET-MSG came
 * long after every other VM of its host reported. "Long after": the VM has waited at least twice
 * the slowest RUNNING-NET-MSG of the host's other VMs (2 or more of them, all reported) and 30 s
 * or more since the host's last NET-MSG. Such a VM is not slow, it is lost: a budget on a
 * percentile only says a stage is long, this names the VM and its host.
 */
export const lostNotSlow: Detector = {
  name: 'lost-not-slow',
  names: ['lost-not-slow'],
  summary: 'names lost-not-slow: a guest booted and its VM is RUNNING, but no NET-MSG came long after every other VM of its host reported',
  start: () => ({
    gather(view) {
      const byHost = new Map<string, VmView[]>();
      for (const v of view.answered()) {
        if (v.host === undefined || Number.isNaN(v.running)) continue;
        const list = byHost.get(v.host);
        if (list) list.push(v);
        else byHost.set(v.host, [v]);
      }
      const lost: Array<{ vm: VmView; waited: number; others: number; slowest: number }> = [];
      for (const vms of byHost.values()) {
        const silent = vms.filter((v) => Number.isNaN(v.netMsg) && Number.isNaN(v.lost) && !Number.isNaN(v.bootStart));
        const reported = vms.filter((v) => !Number.isNaN(v.netMsg));
        if (silent.length === 0 || reported.length < 2 || reported.length + silent.length < vms.length) continue;
        const slowest = maxOf(reported, (v) => v.netMsg - v.running);
        const lastReport = maxOf(reported, (v) => v.netMsg);
        for (const vm of silent) {
          const waited = view.end - vm.running;
          if (waited >= 2 * slowest && view.end - lastReport >= 30_000) lost.push({ vm, waited, others: reported.length, slowest });
        }
      }
      if (lost.length === 0) return [];
      lost.sort((a, b) => a.vm.index - b.vm.index);
      const first = lost[0]!;
      const hosts = [...new Set(lost.map((l) => l.vm.host!))].sort();
      return [
        {
          detector: 'lost-not-slow',
          pathology: 'lost-not-slow',
          stage: 'RUNNING-NET-MSG',
          hosts,
          evidence:
            `VM ${first.vm.vmId} on ${first.vm.host} booted and was RUNNING but sent no NET-MSG in ${sec(first.waited)}, while the other ` +
            `${first.others} VMs of ${first.vm.host} all reported within ${sec(first.slowest)}` +
            (lost.length > 1 ? `; ${plural(lost.length - 1, 'more VM')} like it on ${hostList(hosts)}` : '') +
            ': lost, not slow',
        },
      ];
    },
  }),
};
