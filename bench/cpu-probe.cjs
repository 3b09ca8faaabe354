// Preloaded (node --require) into a benchmarked stampede process: at exit it writes the
// process's own CPU time and peak RSS to the file named by STAMPEDE_BENCH_PROBE, figures the
// parent cannot read from outside (spawnSync reports neither).
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.STAMPEDE_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
  });
}
