import type { StageName } from '../stages.js';
import { minOf } from '../extremes.js';
import { intervalSpans, median, NO_SPANS, plural, queueTimeline, peak, sec } from './measure.js';
import type { Detector } from './types.js';

/**
 * `ssh-per-action`: every driver action pays an SSH connection set-up on the head node's CPU
 * before it reaches its host. Fires when 10 or more driver actions ran and at least 90% of them
 * opened a connection of their own (a persistent or multiplexed connection opens one per host, a
 * few in all). The stage named is the one whose actions spent the most time setting up: TM
 * actions sit in PROLOG-BOOT, DEPLOYs in BOOT-RUNNING. Contention on the head node shows as the
 * median set-up against the fastest one, with the most set-ups at once against its cores.
 */
export const sshPerAction: Detector = {
  name: 'ssh-per-action',
  names: ['ssh-per-action'],
  summary: 'names ssh-per-action: nearly every TM, VMM and IM action opened an SSH connection of its own, on the head node\'s CPU',
  start: (ctx) => ({
    gather(view) {
      const actions = view.intervals.tm.length + view.intervals.vmm.length + view.intervals.im.length;
      const setUps = view.intervals.ssh.filter((s) => Number.isFinite(s.end));
      if (actions < 10 || setUps.length < 0.9 * actions) return [];
      const durations = setUps.map((s) => s.end - s.start);
      const spent: Partial<Record<StageName, number>> = {};
      for (const s of setUps) {
        const stage: StageName | undefined = s.action.startsWith('tm.') ? 'PROLOG-BOOT' : s.action === 'vmm.deploy' ? 'BOOT-RUNNING' : undefined;
        if (stage) spent[stage] = (spent[stage] ?? 0) + (s.end - s.start);
      }
      const stage: StageName = (spent['PROLOG-BOOT'] ?? 0) >= (spent['BOOT-RUNNING'] ?? 0) ? 'PROLOG-BOOT' : 'BOOT-RUNNING';
      const perVm = new Map<number, number>();
      for (const s of setUps) {
        const inStage = stage === 'PROLOG-BOOT' ? s.action.startsWith('tm.') : s.action === 'vmm.deploy';
        if (inStage && s.vmId >= 0) perVm.set(s.vmId, (perVm.get(s.vmId) ?? 0) + (s.end - s.start));
      }
      const atOnce = peak(queueTimeline(intervalSpans(setUps), NO_SPANS, view.end));
      return [
        {
          detector: 'ssh-per-action',
          pathology: 'ssh-per-action',
          stage,
          hosts: [],
          evidence:
            `${plural(setUps.length, 'SSH connection set-up')} for ${plural(actions, 'driver action')} (one per action): ` +
            `median ${sec(median(durations))} each (fastest ${sec(minOf(durations))}), up to ${atOnce} at once on the head node's ` +
            `${ctx.headNodeCores} cores, adding a median ${sec(median([...perVm.values()]))} to each VM's ${stage}`,
        },
      ];
    },
  }),
};
