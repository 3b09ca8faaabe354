import type { Finding } from '../result.js';
import { hostList, intervalSpans, median, mostWaiting, NO_SPANS, peak, queueTimeline, sec, SpanList } from './measure.js';
import type { Detector } from './types.js';
import type { RunView } from './view.js';

/**
 * `vmm-host-lock`: VMM deploys on a host never overlap while other VMs placed on that host wait
 * for theirs, though the farm as a whole ran several at once (OpenNebula's VMM MAD without `-p`).
 * A VM waits for its deploy from the end of its prolog TRANSFER (on that host) to the DEPLOY the
 * driver receives, so the time lands in PROLOG-BOOT.
 *
 * Thresholds: a host counts as serialized when it had at least 3 deploys, never more than 1 in
 * flight, at least 2 VMs waiting at once, and its VMs' median wait is at least one median deploy
 * (they queued behind each other, not behind a coincidence). The detector fires when at least
 * half the hosts with 3 or more deploys are serialized and the farm had 2 or more deploys in
 * flight at some instant, at least 90% as many as hosts with 3 or more deploys (fewer is a global
 * cap narrower than the farm, the thread-pool detector's case).
 */
export const perHostSerialization: Detector = {
  name: 'per-host-serialization',
  names: ['vmm-host-lock'],
  summary: 'names vmm-host-lock: VMM deploys on a host never overlap (max 1 in flight) while other VMs for that host wait, though the farm runs several at once',
  start: () => ({ gather: gatherSerialization }),
};

function gatherSerialization(view: RunView): Finding[] {
  const deploys = view.intervals.vmm.filter((i) => i.action === 'DEPLOY');
  const farmPeak = peak(queueTimeline(intervalSpans(deploys), NO_SPANS, view.end));
  if (farmPeak < 2) return [];
  const byHost = new Map<string, { spans: SpanList; durations: number[]; waits: SpanList }>();
  const of = (h: string) => {
    let e = byHost.get(h);
    if (!e) byHost.set(h, (e = { spans: new SpanList(), durations: [], waits: new SpanList() }));
    return e;
  };
  for (const d of deploys) {
    const e = of(d.host);
    e.spans.push(d.start, d.end);
    if (Number.isFinite(d.end)) e.durations.push(d.end - d.start);
  }
  for (const vm of view.answered()) {
    if (vm.host === undefined || Number.isNaN(vm.prologEnd)) continue;
    of(vm.host).waits.push(vm.prologEnd, Number.isNaN(vm.deploy) ? Number.POSITIVE_INFINITY : vm.deploy);
  }
  const candidates = [...byHost.entries()].filter(([, e]) => e.spans.length >= 3);
  const serialized: Array<{ host: string; waited: number; medianWait: number }> = [];
  for (const [host, e] of candidates) {
    const timeline = queueTimeline(e.spans, e.waits, view.end);
    if (peak(timeline) !== 1) continue;
    const waited = mostWaiting(timeline);
    const medianWait = median(e.waits.durations(view.end));
    if (waited >= 2 && medianWait >= median(e.durations)) serialized.push({ host, waited, medianWait });
  }
  if (serialized.length === 0 || serialized.length * 2 < candidates.length) return [];
  // A pool narrower than the farm leaves each host at 1 in flight by itself (32 VMM threads on
  // 10,000 hosts): that is the thread-pool detector's case. With a host lock and a pool as wide
  // as the farm, every host with work runs its one deploy at once, so the farm reaches them all.
  if (farmPeak < 0.9 * candidates.length) return [];
  serialized.sort((a, b) => b.waited - a.waited || a.host.localeCompare(b.host));
  const worst = serialized[0]!;
  const others = serialized.slice(1).map((s) => s.host);
  const evidence =
    `VMM deploys on ${worst.host} never overlapped (max 1 in flight) while up to ${worst.waited} waited ` +
    `(median wait ${sec(worst.medianWait)} in PROLOG-BOOT)` +
    (others.length === 0 ? '' : `; the same on ${others.length === 1 ? '' : `${others.length} other hosts, `}${hostList(others)}`) +
    `, though the farm ran up to ${farmPeak} deploys at once: per-host serialization`;
  return [
    {
      detector: 'per-host-serialization',
      pathology: 'vmm-host-lock',
      stage: 'PROLOG-BOOT',
      hosts: serialized.map((s) => s.host).sort(),
      evidence,
    },
  ];
}
