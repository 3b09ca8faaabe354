/**
 * The largest and smallest of many numbers, by a loop. `Math.max(...values)` passes every value
 * as an argument, on the stack: past about 100,000 values (one per VM, per host, per event at
 * 100k VMs) it throws `RangeError: Maximum call stack size exceeded`. These take any iterable,
 * optionally through a key (no mapped copy), and keep `Math.max`/`Math.min`'s results exactly:
 * -Infinity/+Infinity for none, NaN if any value is NaN, +0 over -0.
 */

/** The largest value (through `key` when given); -Infinity when there are none. */
export function maxOf(values: Iterable<number>): number;
export function maxOf<T>(items: Iterable<T>, key: (item: T) => number): number;
export function maxOf<T>(items: Iterable<T>, key?: (item: T) => number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const item of items) m = Math.max(m, key ? key(item) : (item as number));
  return m;
}

/** The smallest value (through `key` when given); +Infinity when there are none. */
export function minOf(values: Iterable<number>): number;
export function minOf<T>(items: Iterable<T>, key: (item: T) => number): number;
export function minOf<T>(items: Iterable<T>, key?: (item: T) => number): number {
  let m = Number.POSITIVE_INFINITY;
  for (const item of items) m = Math.min(m, key ? key(item) : (item as number));
  return m;
}
