/**
 * @module producers/settled-ids
 * The producer's record ids: handed out in increasing order, settled in any order, and the
 * oldest unsettled id known at any time (what a flush barrier waits for). A ring of flags
 * from the oldest unsettled id on replaces a `Set` of unsettled ids: no hashing and no set
 * entry per record. Memory: one byte per id from the oldest unsettled one on (a record
 * settles within its time-to-live, so this stays bounded). Invariant: `oldest` is the smallest admitted id not yet settled; an id
 * settles at most once.
 */

/** Ids admitted in increasing order and settled in any order. */
export class SettledIds {
  /** Smallest id not yet settled (== `next` when all are). */
  private base = 0;
  private next = 0;
  /** flags[(head + id - base) % length] is 1 once `id` settled. */
  private flags = new Uint8Array(1024);
  private head = 0;

  /** Admits the next id. */
  admit(): number {
    if (this.next - this.base === this.flags.length) this.grow();
    return this.next++;
  }

  /** Ids admitted so far (the next id). */
  get admitted(): number {
    return this.next;
  }

  /** The oldest unsettled id, or +Infinity when every admitted id has settled. */
  get oldest(): number {
    return this.base < this.next ? this.base : Number.POSITIVE_INFINITY;
  }

  /** Settles `id`; false if it was not admitted or already settled. */
  settle(id: number): boolean {
    if (id < this.base || id >= this.next) return false;
    const size = this.flags.length;
    const at = (this.head + id - this.base) % size;
    if (this.flags[at] === 1) return false;
    this.flags[at] = 1;
    while (this.base < this.next && this.flags[this.head] === 1) {
      this.flags[this.head] = 0;
      this.head = (this.head + 1) % size;
      this.base += 1;
    }
    return true;
  }

  private grow(): void {
    const size = this.flags.length;
    const bigger = new Uint8Array(size * 2);
    bigger.set(this.flags.subarray(this.head));
    bigger.set(this.flags.subarray(0, this.head), size - this.head);
    this.flags = bigger;
    this.head = 0;
  }
}
