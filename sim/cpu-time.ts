/**
 * CPU time of this process (user + system, every thread), in microseconds: what the stack's CPU
 * meter reads (harness/stack-cpu.ts). Unlike the wall clock it does not count time the machine
 * gave to other processes. Here because sim/ is where the system's clocks are read.
 */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
