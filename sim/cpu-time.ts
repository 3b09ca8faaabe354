import { readFileSync } from 'node:fs';

/**
 * CPU time of this process (user + system, every thread), in microseconds: what the stack's CPU
 * meter reads (harness/stack-cpu.ts). Unlike the wall clock it does not count time the machine
 * gave to other processes. Here because sim/ is where the system's clocks are read.
 */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * CPU time of another process (user + system of that process alone, not its children), in
 * microseconds, from the OS: /proc/PID/stat on Linux, whose times are in USER_HZ ticks, 100 per
 * second on every Linux architecture Node runs on (the kernel fixes the unit it exports to user
 * space, whatever its internal tick). Null where there is no /proc or the process is gone: the
 * caller then says the CPU was not measured rather than guess. Resolution is 10 ms, so a reading
 * means something over a run, not over a call.
 */
export function processCpuMicros(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // the command name (field 2) is in parentheses and may hold spaces: count fields after its end
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) * 10_000;
}
