/**
 * @module operators/window/window-state
 * The data structures of the window engine: an open window, the per-key window list and the
 * min-heap of window ends the watermark fires from. Internal to `operators/window`.
 */
import type { PositionSetBuilder } from '../../core/index.js';

/** One open window: its bounds, accumulator, members' positions and bookkeeping. */
export interface OpenWindow<A> {
  readonly key: string;
  start: number;
  end: number;
  acc: A;
  count: number;
  positions: PositionSetBuilder;
  fired: boolean;
  readonly seq: number;
  /** Identity within its key: start (tumbling, sliding), seq (session) or 0 (count). */
  readonly id: number;
  minTime: number;
  maxTime: number;
}

/** A tiny id → window map over an array. */
export class WindowList<A> {
  private readonly items: OpenWindow<A>[] = [];
  get size(): number {
    return this.items.length;
  }
  get(id: number): OpenWindow<A> | undefined {
    for (const w of this.items) if (w.id === id) return w;
    return undefined;
  }
  add(w: OpenWindow<A>): void {
    this.items.push(w);
  }
  delete(id: number): void {
    const i = this.items.findIndex((w) => w.id === id);
    if (i >= 0) this.items.splice(i, 1);
  }
  values(): readonly OpenWindow<A>[] {
    return this.items;
  }
}

export interface KeyState<A> {
  /** Open windows of the key, by `id` (few per key: an array beats a Map in time and memory). */
  readonly windows: WindowList<A>;
  /** Windows ending at or before this were flushed by an idle timeout. */
  closedUntil: number;
}

/** A binary min-heap of (end, seq) entries with lazy deletion of stale ones. */
export class EndHeap<A> {
  private readonly items: Array<{ end: number; seq: number; w: OpenWindow<A> }> = [];
  get size(): number {
    return this.items.length;
  }
  peekEnd(): number {
    return this.items[0]?.end ?? Infinity;
  }
  push(w: OpenWindow<A>): void {
    const it = this.items;
    it.push({ end: w.end, seq: w.seq, w });
    let i = it.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [it[i], it[p]] = [it[p]!, it[i]!];
      i = p;
    }
  }
  pop(): { end: number; w: OpenWindow<A> } | undefined {
    const it = this.items;
    const top = it[0];
    if (top === undefined) return undefined;
    const lastItem = it.pop()!;
    if (it.length > 0) {
      it[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && this.less(l, m)) m = l;
        if (r < it.length && this.less(r, m)) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m]!, it[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    return a.end < b.end || (a.end === b.end && a.seq < b.seq);
  }
}
