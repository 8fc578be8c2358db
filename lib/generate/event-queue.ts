/**
 * A min-heap of pending events by time, then by the order they were made (so ties come out in a fixed
 * order and the output is the same for a seed). It holds only the events of sessions still in progress
 * at the current start time, which is what keeps the generator's memory flat in the number of events.
 */
interface Pending {
  readonly ts: number;
  readonly seq: number;
  readonly line: string;
}

export class EventQueue {
  readonly #heap: Pending[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(ts: number, line: string): void {
    const heap = this.#heap;
    heap.push({ ts, seq: this.#seq++, line });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Passes every event earlier than `ts` to `write`, earliest first. */
  drainBefore(ts: number, write: (ts: number, line: string) => void): void {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.ts < ts) {
      const top = this.#pop();
      write(top.ts, top.line);
    }
  }

  drainAll(write: (ts: number, line: string) => void): void {
    this.drainBefore(Infinity, write);
  }

  #pop(): Pending {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
        if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
}
