/**
 * Admission control: how many images may be in the service at once (running on a worker or
 * waiting for one). A request that finds no room is answered 503 at once rather than queued
 * without bound; a batch takes as many places as it can get and runs its items through them.
 */
export class JobLimiter {
  readonly capacity: number;
  #inUse = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Expected a positive integer for capacity but received ${capacity}`);
    this.capacity = capacity;
  }

  get inUse(): number {
    return this.#inUse;
  }

  get available(): number {
    return this.capacity - this.#inUse;
  }

  tryAcquire(): boolean {
    return this.tryAcquireUpTo(1) === 1;
  }

  /** Takes min(wanted, available) places and returns how many it took (0 when full). */
  tryAcquireUpTo(wanted: number): number {
    const taken = Math.max(0, Math.min(wanted, this.available));
    this.#inUse += taken;
    return taken;
  }

  release(count = 1): void {
    if (count > this.#inUse) throw new RangeError(`Releasing ${count} places but only ${this.#inUse} are taken`);
    this.#inUse -= count;
  }
}
