/**
 * A binary min-heap whose items know where they sit (`heapIndex`, -1 when out of the heap), so
 * any item can be removed or re-ordered in O(log n) without a search: what the SharedResource's
 * finish tags, the TimerHeap's timers and the scheduler's host ranking all need at 100,000
 * items. The order is `before(a, b)`, strict; ties must be broken by the caller (a sequence
 * number) where the order of equal keys is observable.
 */
export interface HeapItem {
  heapIndex: number;
}

export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(
    private readonly before: (a: T, b: T) => boolean,
    initial: readonly T[] = [],
  ) {
    for (const item of initial) {
      item.heapIndex = this.items.length;
      this.items.push(item);
    }
    for (let i = (this.items.length >>> 1) - 1; i >= 0; i -= 1) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Takes `item` out; harmless if it is not in the heap. */
  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0) return;
    const items = this.items;
    const last = items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    items[index] = last;
    last.heapIndex = index;
    this.update(last);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    const index = item.heapIndex;
    if (index > 0 && this.before(item, this.items[(index - 1) >>> 1]!)) this.up(index);
    else this.down(index);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >>> 1;
      const parent = items[parentIndex]!;
      if (!this.before(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right]!, items[left]!) ? right : left;
      const smallest = items[child]!;
      if (!this.before(smallest, item)) break;
      items[index] = smallest;
      smallest.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
