// Preloaded (node --require) into a benchmarked stampede process: at exit it writes the
// process's own CPU time, peak RSS and the time its main thread stood in garbage collection to
// the file named by STAMPEDE_BENCH_PROBE, figures the parent cannot read from outside
// (spawnSync reports neither). GC pauses are wall time, as V8 reports them: on a loaded machine
// a pause counts the time the thread waited for a core too, so read them as a ratio of two
// builds run side by side, like run().
'use strict';
const { writeFileSync } = require('node:fs');
const { PerformanceObserver } = require('node:perf_hooks');

const out = process.env.STAMPEDE_BENCH_PROBE;
if (out) {
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS, gcMs }));
  });
}
