/**
 * A binary min-heap over an order given as `before(a, b)`: what the scheduler's host ranking and
 * the information manager's "least recently monitored first" need at 10,000 hosts, where a sort
 * per question costs too much. Items whose key changes while in the heap must be `update`d; the
 * `moved` hook tells each item where it now sits, so its owner can update it by position.
 */
export class MinHeap<T> {
  private readonly items: T[];

  constructor(
    private readonly before: (a: T, b: T) => boolean,
    items: readonly T[] = [],
    private readonly moved?: (item: T, index: number) => void,
  ) {
    this.items = items.slice();
    for (let i = 0; i < this.items.length; i += 1) this.moved?.(this.items[i]!, i);
    for (let i = (this.items.length >>> 1) - 1; i >= 0; i -= 1) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Restores the order after the key of the item at `index` changed. */
  update(index: number): void {
    this.down(this.up(index));
  }

  private up(i: number): number {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const p = items[parent]!;
      if (!this.before(item, p)) break;
      items[i] = p;
      this.moved?.(p, i);
      i = parent;
    }
    items[i] = item;
    this.moved?.(item, i);
    return i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(items[child + 1]!, items[child]!)) child += 1;
      const c = items[child]!;
      if (!this.before(c, item)) break;
      items[i] = c;
      this.moved?.(c, i);
      i = child;
    }
    items[i] = item;
    this.moved?.(item, i);
  }
}
